"""GET /stats's figures on a day with known answers, live (today) and from the daily summary."""
from __future__ import annotations

from datetime import timedelta
from statistics import mean

import pytest

from server.closing import expire_open_tickets, summarize_day
from server.reports import stats
from server.reports.summary import quantile
from server.reports.tables import EDGES, bucket

from .day import DAY, HT_SERVICE, HT_WAIT, MEDIAN, OPENING, dd_services, dd_waits, p90, play

BUCKET_S = 15  # the histograms' resolution below 10 minutes: medians and p90 are this close


def close(db, config):
    """What the daily close does to the day: expire what is still open, then summarize."""
    morning = OPENING + timedelta(days=1)
    db.write(lambda s: expire_open_tickets(s, config, morning))
    db.write(lambda s: summarize_day(s, config, DAY, morning))


def figures_of(db, config, *, closed: bool):
    if closed:
        close(db, config)
    return db.read(lambda s: stats(s, config, DAY, DAY, today=DAY + timedelta(days=1) if closed else DAY))


def close_to(estimate, exact, width=BUCKET_S):
    return estimate is not None and abs(estimate - exact) <= width


@pytest.mark.parametrize("closed", [False, True], ids=["live", "summarized"])
def test_a_day_with_known_answers(db, config, engine, closed):
    play(db, engine)
    r = figures_of(db, config, closed=closed)
    assert r["live_days"] == ([] if closed else [DAY.isoformat()])
    total, dd, ht = r["total"], r["services"]["DD"], r["services"]["HT"]

    # Counts: 14 tickets, 11 served, one no-show, one cancelled, one transfer.
    assert (total["tickets"], total["served"], total["no_shows"], total["cancelled"], total["transferred"]) == (14, 11, 1, 1, 1)
    assert (dd["tickets"], dd["served"], dd["no_shows"], dd["transferred"]) == (11, 10, 1, 1)
    assert (ht["tickets"], ht["served"], ht["cancelled"]) == (3, 1, 1)
    assert r["services"]["TK"]["tickets"] == 0

    # Waits: issue → first call. Means are exact; medians and p90 within one 15 s bucket.
    waits = dd_waits()
    assert dd["wait_s"]["count"] == 11
    assert dd["wait_s"]["mean"] == round(mean(waits), 1) == 240.9
    assert close_to(dd["wait_s"]["median"], MEDIAN(waits)), (dd["wait_s"], MEDIAN(waits))
    assert close_to(dd["wait_s"]["p90"], p90(waits)), (dd["wait_s"], p90(waits))
    assert dd["wait_s"]["max"] == 590
    every_wait = waits + [HT_WAIT]
    assert total["wait_s"]["mean"] == round(mean(every_wait), 1)

    # Service: start → finish, the transferred ticket under the service it was issued for.
    services = dd_services()
    assert dd["service_s"]["count"] == 10
    assert dd["service_s"]["mean"] == mean(services) == 344
    assert close_to(dd["service_s"]["median"], MEDIAN(services))
    assert close_to(dd["service_s"]["p90"], p90(services))
    assert ht["service_s"]["mean"] == HT_SERVICE

    # Within target: DD (30 min) all 11; HT (10 min) none: h0 waited 15 min, h2 never got called.
    assert dd["within_target"] == {"count": 11, "of": 11, "share": 1.0}
    assert ht["within_target"]["count"] == 0
    assert ht["within_target"]["of"] == (2 if closed else 1)  # h2 counts once its day is closed
    assert total["within_target"]["share"] == round(11 / (13 if closed else 12), 4)
    assert total["expired"] == (1 if closed else 0)

    # Satisfaction: DD 4, 4, 3, 1 and HT 2.
    assert total["rating"]["count"] == 5 and total["rating"]["mean"] == 2.8
    assert dd["rating"]["by_score"] == {"1": 1, "2": 0, "3": 1, "4": 2}
    assert dd["rating"]["satisfied_share"] == 0.75
    assert ht["rating"]["mean"] == 2.0


@pytest.mark.parametrize("closed", [False, True], ids=["live", "summarized"])
def test_by_counter_staff_hour_and_day(db, config, engine, closed):
    play(db, engine)
    r = figures_of(db, config, closed=closed)
    counters = {n: f["tickets"] for n, f in r["counters"].items() if f["tickets"]}
    assert counters == {"1": 5, "2": 5, "3": 2}
    staff = {name: (f["tickets"], f["served"], f["no_shows"]) for name, f in r["staff"].items()}
    assert staff == {"lan": (5, 5, 0), "mai": (5, 4, 1), "hoa": (2, 2, 0)}
    assert r["staff"]["hoa"]["rating"]["mean"] == 2.0
    assert r["counters"]["1"]["rating"]["mean"] == round((4 + 3) / 2, 2)
    hours = {h["hour"]: h["tickets"] for h in r["by_hour"] if h["tickets"]}
    assert hours == {8: 8, 9: 6}  # local hours of issue
    assert r["by_day"] == [{
        "day": "2026-11-26", "tickets": 14, "served": 11, "no_shows": 1, "expired": 1 if closed else 0,
        "wait_mean_s": round(mean(dd_waits() + [HT_WAIT]), 1), "service_mean_s": round(mean(dd_services() + [HT_SERVICE]), 1),
        "within_target_share": round(11 / (13 if closed else 12), 4), "rating_mean": 2.8,
    }]
    dist = r["total"]["distribution"]
    assert sum(dist["wait"]) == 12 and sum(dist["service"]) == 11
    assert r["distribution_edges_s"][:3] == [0, 120, 300]
    assert dist["wait"][:5] == [3, 4, 4, 0, 1]  # 30 45 75 | 120 150 200 250 | 310 400 480 590 | - | 900


def test_a_range_mixes_closed_and_live_days(db, config, engine):
    """Yesterday from its summary, today from its tickets, in one answer."""
    play(db, engine)
    close(db, config)
    tomorrow = OPENING + timedelta(days=1, hours=1)
    db.write(lambda s: engine.issue(s, service="TK", actor="device:k1", now=tomorrow))
    r = db.read(lambda s: stats(s, config, DAY, DAY + timedelta(days=1), today=DAY + timedelta(days=1)))
    assert r["live_days"] == ["2026-11-27"]
    assert r["total"]["tickets"] == 15
    assert [d["tickets"] for d in r["by_day"]] == [14, 1]
    assert r["services"]["TK"]["tickets"] == 1
    # A closed day asked for as "today" (another process's clock, say) is still counted once.
    again = db.read(lambda s: stats(s, config, DAY, DAY, today=DAY))
    assert again["total"]["tickets"] == 14 and again["live_days"] == []


def test_an_empty_range_has_every_service_and_counter_with_zeros(db, config):
    r = db.read(lambda s: stats(s, config, DAY, DAY + timedelta(days=6)))
    assert r["total"]["tickets"] == 0 and r["total"]["wait_s"]["median"] is None
    assert set(r["services"]) == {s.code for s in config.services}
    assert set(r["counters"]) == {str(c.number) for c in config.counters}
    assert len(r["by_day"]) == 7 and r["days"] == 7


def test_quantiles_from_a_histogram():
    counts = [0] * len(EDGES)
    for value in (10, 20, 25, 40, 700):
        counts[bucket(value)] += 1
    # The median's rank is 2.5 of 5: the second bucket [15, 30) holds ranks 2 and 3, so 3/4 of the way in.
    assert quantile(counts, 0.5, 700) == pytest.approx(26.25, abs=0.06)
    assert quantile(counts, 1.0, 700) == 700  # the open end is capped by the largest value
    assert quantile([0] * len(EDGES), 0.5, 0) is None
    assert bucket(0) == 0 and bucket(14.99) == 0 and bucket(15) == 1 and bucket(10**6) == len(EDGES) - 1
