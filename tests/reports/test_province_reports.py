"""A province's reports (issue 14), the province in this process: facts pushed through its real push view.

Two centers push hand-made facts for a past day (a third pushes nothing); GET /stats across
every center and per center, the exports with their center column and the monthly per-center
table are checked against counts worked out by hand below. A late batch makes its day dirty
and the next report summarizes it again (once REPORT_SETTLE_S have passed since it last was); a fact changed behind the province's back (no batch)
changes nothing, which shows the reports read the summaries, not the facts.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from server.reports.site_summary import REPORT_SETTLE_S, dirty, summarize_due
from server.sites import add_site
from tests.support.app import InProcessHall
from tests.support.hall import hall_config

DAY = date(2026, 11, 10)
OCT = date(2026, 10, 31)
ICT = timezone(timedelta(hours=7))


def at(day: date, seconds: int) -> str:
    """A moment `seconds` after 08:00 (the centers' clock, UTC+7) of `day`."""
    return (datetime(day.year, day.month, day.day, 8, tzinfo=ICT) + timedelta(seconds=seconds)).isoformat()


def fact(tid: int, service: str, outcome: str, *, wait: int | None = None, service_s: int = 600,
         counter: int | None = None, staff: str | None = None, score: int | None = None, day: date = DAY,
         issued: int = 0) -> dict:
    """A ticket issued at 08:00 + `issued` s, called `wait` s later (None: never), served `service_s` if done."""
    status = "cancelled" if outcome == "expired" else outcome
    called = None if wait is None else issued + wait
    done = outcome == "done"
    return {"id": tid, "business_day": day.isoformat(), "number": f"{tid:04d}", "service": service,
            "service_now": service, "status": status, "outcome": outcome, "priority": False,
            "issued_at": at(day, issued), "called_at": None if called is None else at(day, called),
            "started_at": at(day, called) if done else None, "finished_at": at(day, called + service_s) if done else None,
            "counter": counter, "staff": staff, "score": score, "transfers": 0}


HA_LONG = [  # TK's target is 10 minutes here, DD's 30
    fact(1, "TK", "done", wait=300, counter=1, staff="lan", score=4),
    fact(2, "TK", "done", wait=900, counter=1, staff="lan", score=2),
    fact(3, "DD", "done", wait=1200, counter=2, staff="minh", score=3),
    fact(4, "DD", "no_show", wait=60, counter=2),
    fact(5, "TK", "expired"),  # never called: waited past the close
]
CAM_PHA = [  # an older center: no transfers, no service names; every target is the default 30 minutes
    {k: v for k, v in fact(1, "TK", "done", wait=900, counter=1, staff="lan", score=1).items() if k != "transfers"},
    fact(2, "TK", "done", wait=100, counter=1, staff="lan"),
    fact(3, "TK", "cancelled"),  # cancelled before any call: not in the within-target base
]
SERVICES = [{"code": "TK", "name": {"vi": "Tư pháp – hộ tịch", "en": "Justice"}, "target_wait_s": 600},
            {"code": "DD", "name": {"vi": "Đất đai", "en": "Land"}, "target_wait_s": 1800}]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def province(request, tmp_path_factory, postgres_url):  # noqa: F811
    """The province on SQLite (and PostgreSQL in the full suite), its centers' first batches pushed."""
    data = hall_config(edit=lambda d: d.update(province=True))
    if request.param == "postgresql":
        data["server"]["database_url"] = postgres_url()
    with InProcessHall(tmp_path_factory.mktemp("province"), data) as server:
        now = server.now
        tokens = {name: server.hall.db.write(lambda s, n=name: add_site(s, n, now))
                  for name in ("Hạ Long", "Cẩm Phả", "Vân Đồn")}
        made = server.auth.make(supervisor=["boss"], staff=["lan"])
        seqs = {name: 0 for name in tokens}

        def push(name: str, facts: list[dict], services: list[dict] | None = None) -> None:
            body = {"from_seq": seqs[name] + 1, "to_seq": seqs[name] + 2, "sent_at": now.isoformat(), "facts": facts}
            if services is not None:
                body["services"] = services
            resp = server.post("upstream/facts", body, token=tokens[name])
            assert resp.status_code == 200 and resp.json()["replay"] is False, resp.text
            seqs[name] += 2

        push("Hạ Long", HA_LONG, SERVICES)
        push("Cẩm Phả", CAM_PHA)
        server.push = push
        yield server, made["supervisor"]["boss"], tokens, made["staff"]["lan"]


def behind(server, outcome: str) -> None:
    """Change Cẩm Phả's ticket 0003 in the province's database directly, as no batch would."""
    server.hall.db.write(lambda s: s.execute(text(
        "UPDATE site_tickets SET status = :o, outcome = :o WHERE number = '0003' "
        "AND site_id = (SELECT id FROM sites WHERE name = 'Cẩm Phả')"), {"o": outcome}))


def get(server, path, token):
    resp = server.get(path, token=token)
    assert resp.status_code == 200, resp.text[:300]
    return resp


def test_stats_count_every_center_and_each_one_exactly(province):
    server, boss, _, _ = province
    every = get(server, f"stats?from={DAY}&to={DAY}", boss).json()
    assert every["site"] is None and every["live_days"] == [str(DAY)]  # summarized by this first report
    t = every["total"]
    assert (t["tickets"], t["served"], t["no_shows"], t["expired"], t["cancelled"]) == (8, 5, 1, 1, 1)
    assert t["wait_s"]["count"] == 6 and t["wait_s"]["mean"] == round((300 + 900 + 1200 + 60 + 900 + 100) / 6, 1)
    assert t["wait_s"]["max"] == 1200 and t["service_s"]["count"] == 5 and t["service_s"]["mean"] == 600
    assert t["rating"]["by_score"] == {"1": 1, "2": 1, "3": 1, "4": 1} and t["rating"]["satisfied_share"] == 0.5
    # within target: Hạ Long's TK 300 ✓, 900 ✗ (10 min), DD 1200 ✓, 60 ✓, the expired one ✗; Cẩm Phả 900 ✓, 100 ✓
    assert t["within_target"] == {"count": 5, "of": 7, "share": round(5 / 7, 4)}
    assert {name: (f["tickets"], f["served"]) for name, f in every["sites"].items()} == {
        "Cẩm Phả": (3, 2), "Hạ Long": (5, 3), "Vân Đồn": (0, 0)}
    assert every["services"]["TK"]["tickets"] == 6 and every["services"]["DD"]["tickets"] == 2
    assert every["services"]["DD"]["name"] == {"vi": "Đất đai", "en": "Land"}
    assert every["services"]["TK"]["target_wait_s"] == 600
    # counters and staff are each center's own: counter 1 of Hạ Long is not counter 1 of Cẩm Phả
    assert {k: v["tickets"] for k, v in every["counters"].items()} == {
        "Cẩm Phả · 1": 2, "Hạ Long · 1": 2, "Hạ Long · 2": 2}
    assert {k: v["served"] for k, v in every["staff"].items()} == {"Cẩm Phả · lan": 2, "Hạ Long · lan": 2,
                                                                    "Hạ Long · minh": 1}
    assert sum(h["tickets"] for h in every["by_hour"]) == 8 and every["by_hour"][8]["tickets"] == 8
    assert every["by_day"] == [{"day": str(DAY), "tickets": 8, "served": 5, "no_shows": 1, "expired": 1,
                                "wait_mean_s": t["wait_s"]["mean"], "service_mean_s": 600.0,
                                "within_target_share": round(5 / 7, 4), "rating_mean": 2.5}]

    one = get(server, f"stats?from={DAY}&to={DAY}&site=Hạ Long", boss).json()
    assert one["site"] == "Hạ Long" and list(one["sites"]) == ["Hạ Long"] and one["live_days"] == []
    assert (one["total"]["tickets"], one["total"]["served"], one["total"]["within_target"]["count"]) == (5, 3, 3)
    assert set(one["counters"]) == {"1", "2"} and set(one["staff"]) == {"lan", "minh"}
    assert get(server, f"stats?from={DAY}&to={DAY}&site=Vân Đồn", boss).json()["total"]["tickets"] == 0


def test_reports_read_the_summaries_and_a_late_batch_is_summarized_again(province):
    server, boss, _, _ = province
    path = f"stats?from={DAY}&to={DAY}&site=Cẩm Phả"
    before = get(server, path, boss).json()["total"]
    # Behind the province's back (no batch): the summaries stand, so the report does not move.
    behind(server, "done")
    assert get(server, path, boss).json()["total"]["served"] == before["served"] == 2
    behind(server, "cancelled")
    # A late batch: ticket 2 rated after all, and a ticket of that day the outage held back.
    server.push("Cẩm Phả", [fact(2, "TK", "done", wait=100, counter=1, staff="lan", score=4),
                            fact(4, "TK", "no_show", wait=2000, counter=1, issued=3600)])
    marks = server.hall.db.read(lambda s: dirty(s, None, DAY, DAY))
    assert [(d, v) for _, d, v in marks] == [(DAY, 2)]  # Cẩm Phả's day, at its second version
    # summarized by the first test a moment ago: a report leaves it for REPORT_SETTLE_S (to the pass)
    assert get(server, path, boss).json()["total"]["tickets"] == 3
    server.later(seconds=REPORT_SETTLE_S)
    after = get(server, path, boss).json()
    t = after["total"]
    assert after["live_days"] == [str(DAY)] and server.hall.db.read(lambda s: dirty(s, None, DAY, DAY)) == []
    assert (t["tickets"], t["served"], t["no_shows"], t["rating"]["count"]) == (4, 2, 1, 2)
    assert t["rating"]["satisfied_share"] == 0.5 and t["wait_s"]["max"] == 2000
    assert t["within_target"] == {"count": 2, "of": 3, "share": round(2 / 3, 4)}  # 2000 s > 30 min
    assert after["by_hour"][9]["tickets"] == 1
    every = get(server, f"stats?from={DAY}&to={DAY}", boss).json()
    assert every["total"]["tickets"] == 9 and every["sites"]["Cẩm Phả"]["rating"]["count"] == 2


def test_the_background_pass_summarizes_today_again(province):
    """The province's pass (every SETTLE_S on its own thread) keeps today current, so reports need not."""
    server, boss, _, _ = province
    assert server.hall.stop_site_summaries is not None  # started with the province
    today = server.hall.config.center.business_day(server.now)
    server.push("Vân Đồn", [fact(1, "TK", "waiting", day=today)])
    assert summarize_due(server.hall) in ([today], [])  # what the thread does (unless it just did), called here
    assert server.hall.db.read(lambda s: dirty(s, None, today, today)) == []
    body = get(server, f"stats?from={today}&to={today}&site=Vân Đồn", boss).json()
    assert body["live_days"] == [] and body["total"]["tickets"] == 1  # the report had nothing to do


def test_the_monthly_table_matches_the_hand_count(province):
    server, boss, _, _ = province
    server.push("Hạ Long", [fact(9, "TK", "done", wait=60, counter=1, staff="lan", score=4, day=OCT)])
    table = get(server, "reports/sites-monthly?month=2026-11", boss).json()
    assert table["month"] == "2026-11" and [r["site"] for r in table["sites"]] == ["Cẩm Phả", "Hạ Long", "Vân Đồn"]
    rows = {r["site"]: r for r in table["sites"]}
    assert rows["Hạ Long"] == {"site": "Hạ Long", "served": 3, "rated": 3, "rated_share": 1.0,
                               "satisfied_share": round(2 / 3, 4), "wait_mean_s": 615.0,
                               "within_target_share": 0.6}
    assert rows["Cẩm Phả"] == {"site": "Cẩm Phả", "served": 2, "rated": 2, "rated_share": 1.0,
                               "satisfied_share": 0.5, "wait_mean_s": round(3000 / 3, 1),
                               "within_target_share": round(2 / 3, 4)}
    assert rows["Vân Đồn"] == {"site": "Vân Đồn", "served": 0, "rated": 0, "rated_share": None,
                               "satisfied_share": None, "wait_mean_s": None, "within_target_share": None}
    assert table["total"] == {"site": None, "served": 5, "rated": 5, "rated_share": 1.0, "satisfied_share": 0.6,
                              "wait_mean_s": round((2460 + 3000) / 7, 1), "within_target_share": 0.625}
    october = get(server, "reports/sites-monthly?month=2026-10", boss).json()
    assert october["total"]["served"] == 1 and {r["site"]: r["served"] for r in october["sites"]}["Hạ Long"] == 1
    # a range of the whole of November and the day before: the month's rows plus a day's
    span = get(server, f"stats?from={OCT}&to=2026-11-30", boss).json()
    assert span["total"]["tickets"] == 10 and span["sites"]["Hạ Long"]["tickets"] == 6

    vi = get(server, "reports/sites-monthly.csv?month=2026-11", boss)
    lines = list(csv.reader(io.StringIO(vi.content.decode("utf-8-sig"))))
    assert lines[0] == ["Trung tâm", "Số hồ sơ đã phục vụ", "Số lượt đánh giá", "Tỷ lệ đánh giá (%)",
                        "Hài lòng trở lên (%)", "Thời gian chờ TB (phút)", "Chờ trong mục tiêu (%)"]
    assert lines[2] == ["Hạ Long", "3", "3", "100.0", "66.7", "10.2", "60.0"]
    assert lines[-1] == ["Toàn tỉnh", "5", "5", "100.0", "60.0", "13.0", "62.5"]
    book = load_workbook(io.BytesIO(get(server, "reports/sites-monthly.xlsx?month=2026-11&lang=en", boss).content))
    sheet = book.active
    assert sheet.title == "Month 2026-11"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Center", "Served", "Ratings"] and values[-1][:3] == ["Province total", 5, 5]


def test_exports_carry_the_center(province):
    server, boss, _, _ = province
    resp = get(server, f"reports/tickets.csv?from={DAY}&to={DAY}&site=Hạ Long", boss)
    assert 'filename="hallq-tickets-ha-long-2026-11-10-2026-11-10.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert len(rows) == 5 and {r["Trung tâm"] for r in rows} == {"Hạ Long"}
    first = rows[0]
    assert (first["Số thứ tự"], first["Tên lĩnh vực"], first["Chờ (giây)"], first["Đánh giá"]) == (
        "0001", "Tư pháp – hộ tịch", "300", "4")
    every = list(csv.reader(io.StringIO(get(server, f"reports/tickets.csv?from={DAY}&to={DAY}", boss)
                                        .content.decode("utf-8-sig"))))
    assert every[0][:3] == ["Trung tâm", "Ngày", "Số thứ tự"]
    assert sorted(r[0] for r in every[1:]) == ["Cẩm Phả"] * 4 + ["Hạ Long"] * 5

    book = load_workbook(io.BytesIO(get(server, f"reports/tickets.xlsx?from={DAY}&to={DAY}&lang=en", boss).content))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0][:3] == ["Center", "Day", "Number"] and len(values) == 10
    assert values[1][0] == "Cẩm Phả" and isinstance(values[1][12], datetime)  # issued, a real moment

    book = load_workbook(io.BytesIO(get(server, f"reports/summary.xlsx?from={DAY}&to={DAY}", boss).content))
    assert "Theo trung tâm" in book.sheetnames
    centers = [[c.value for c in row] for row in book["Theo trung tâm"].iter_rows(min_row=4)]
    assert [(r[0], r[1]) for r in centers] == [("Cẩm Phả", 4), ("Hạ Long", 5), ("Vân Đồn", 0)]


def test_a_no_show_the_close_expired_counts_as_a_no_show(province):
    """As in the hall's reports: a center says what the close expired a ticket from (`expired_from`)."""
    server, boss, _, _ = province
    day = date(2026, 9, 15)
    gone = {**fact(1, "TK", "expired", wait=100, counter=1, day=day), "expired_from": "no_show"}
    waited = {**fact(2, "TK", "expired", day=day), "expired_from": "waiting"}
    server.push("Vân Đồn", [gone, waited])
    t = get(server, f"stats?from={day}&to={day}&site=Vân Đồn", boss).json()["total"]
    assert (t["tickets"], t["no_shows"], t["expired"]) == (2, 1, 1)


@pytest.mark.parametrize("path", ["stats", "reports/tickets.csv", "reports/tickets.xlsx", "reports/summary.xlsx"])
def test_an_unknown_center_is_404(province, path):
    server, boss, _, _ = province
    resp = server.get(f"{path}?from={DAY}&to={DAY}&site=Nowhere", token=boss)
    assert (resp.status_code, resp.json()["error"]["code"]) == (404, "unknown_site")


@pytest.mark.parametrize("path", ["stats", "reports/sites-monthly", "reports/sites-monthly.csv"])
def test_site_tokens_and_staff_read_no_reports(province, path):
    server, boss, tokens, lan = province
    for token in (tokens["Hạ Long"], lan):
        resp = server.get(f"{path}?site=Hạ Long", token=token)
        assert (resp.status_code, resp.json()["error"]["code"]) == (403, "forbidden")
    assert server.get(path, token=boss).status_code == 200


def test_bad_months_are_refused(province):
    server, boss, _, _ = province
    for month in ("2026-13", "2026-1", "nov", "1999-12"):
        resp = server.get(f"reports/sites-monthly?month={month}", token=boss)
        assert (resp.status_code, resp.json()["error"]["code"]) == (422, "invalid_value"), month


@pytest.fixture(scope="module")
def center(tmp_path_factory):
    """A hall that is no province (a center)."""
    with InProcessHall(tmp_path_factory.mktemp("center"), hall_config()) as server:
        yield server


def test_a_hall_refuses_site_and_has_no_monthly_table(center):
    hall = center
    boss = hall.auth.supervisor()
    for path in ("stats", "reports/tickets.csv", "reports/summary.xlsx"):
        resp = hall.get(f"{path}?site=Hạ Long", token=boss)
        assert (resp.status_code, resp.json()["error"]["code"]) == (422, "province_only"), path
    assert hall.get("stats", token=boss).json().get("sites") is None
    resp = hall.get("reports/sites-monthly?month=2026-11", token=boss)
    assert (resp.status_code, resp.json()["error"]["code"]) == (404, "not_a_province")


def test_a_center_sends_its_service_names_and_counts_transfers(center):
    """What a center's batch adds for these reports: its services (names, target waits) and each ticket's transfers."""
    from server.upstream import batch

    lan, kiosk = center.auth.staff("lan"), center.device("k1")
    center.ok("POST", "tickets", 201, token=kiosk, json={"service": "TK"})
    center.ok("POST", "counters/10/call-next", token=lan)
    center.ok("POST", "counters/10/transfer", token=lan, json={"service": "DD"})
    h = center.hall
    body = h.db.read(lambda s: batch(s, 0, h.clock(), 1000, h.config))
    (sent,) = body["facts"]
    assert (sent["service"], sent["service_now"], sent["transfers"], sent["outcome"]) == ("TK", "DD", 1, "waiting")
    assert sent["expired_from"] is None  # not expired by a close
    names = {svc["code"]: svc for svc in body["services"]}
    tk = h.config.service("TK")
    assert names["TK"] == {"code": "TK", "name": tk.name.model_dump(), "target_wait_s": tk.target_wait_s}
    assert set(names) == {svc.code for svc in h.config.services}
    assert "services" not in h.db.read(lambda s: batch(s, 0, h.clock(), 1000))  # as before, without the config
