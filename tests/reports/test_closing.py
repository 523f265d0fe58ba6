"""The daily close around the hall's day start, in Asia/Ho_Chi_Minh (UTC+7), with explicit clocks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from server.closing import _loop, next_close, run_close
from server.queueing.engine import Engine
from server.queueing.models import CounterState, Rating, Ticket, TicketEvent
from server.reports import ReportsSettings, stats
from server.reports.tables import closed_days, daily_summaries

from .conftest import report_config

UTC = timezone.utc


class Hub:
    """Records what the close publishes, as the live hub would send it."""

    def __init__(self) -> None:
        self.events: list[tuple[int, str, dict]] = []

    def publish(self, events) -> None:
        self.events.extend(events)


def hall_at(db, config, now):
    return SimpleNamespace(config=config, db=db, hub=Hub(), clock=lambda: now)


def status_of(db, number: str, day: date) -> str:
    return db.read(lambda s: s.execute(select(Ticket.status).where(Ticket.number == number, Ticket.business_day == day))
                   .scalar_one())


@pytest.fixture
def midnight():
    """The hall's day starts at 00:00 local: 17:00 UTC."""
    config = report_config(day_starts_at="00:00")
    return config, Engine(config)


def test_open_tickets_expire_at_the_local_midnight_not_before(db, midnight):
    config, engine = midnight
    late = datetime(2026, 11, 26, 16, 50, tzinfo=UTC)  # 23:50 on 26/11 in Hanoi
    for _ in range(4):
        db.write(lambda s: engine.issue(s, service="DD", actor="device:k1", now=late))
    db.write(lambda s: engine.call_next(s, 1, actor="user:lan", now=late + timedelta(minutes=1)))
    db.write(lambda s: engine.no_show(s, 1, actor="user:lan", now=late + timedelta(minutes=2)))
    db.write(lambda s: engine.call_next(s, 1, actor="user:lan", now=late + timedelta(minutes=3)))
    db.write(lambda s: engine.call_next(s, 2, actor="user:mai", now=late + timedelta(minutes=4)))
    db.write(lambda s: engine.start(s, 2, actor="user:mai", now=late + timedelta(minutes=5)))
    seq_before = db.read(lambda s: s.execute(select(func.max(TicketEvent.seq))).scalar_one())

    second_before = datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC)  # 23:59:59 local
    early = hall_at(db, config, second_before)
    result = run_close(early, second_before)
    assert (result.expired, result.summarized, early.hub.events) == (0, [], [])
    assert status_of(db, "1004", date(2026, 11, 26)) == "waiting"

    midnight_utc = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # 00:00 on 27/11 in Hanoi
    assert next_close(second_before, config) == midnight_utc
    hall = hall_at(db, config, midnight_utc)
    result = run_close(hall, midnight_utc)
    assert result.today == date(2026, 11, 27)
    assert result.expired == 4  # no-show, called, serving, waiting
    assert sorted(result.released) == [1, 2]
    assert result.summarized == [date(2026, 11, 26)]
    for number in ("1001", "1002", "1003", "1004"):
        assert status_of(db, number, date(2026, 11, 26)) == "cancelled"  # the contract's statuses only
    states = db.read(lambda s: {c.number: c.current_ticket_id for c in s.execute(select(CounterState)).scalars()})
    assert states[1] is None and states[2] is None
    expired = db.read(lambda s: s.execute(select(TicketEvent.data, TicketEvent.seq, TicketEvent.actor)
                                          .where(TicketEvent.kind == "expired")).all())
    assert sorted(d["from"] for d, _, _ in expired) == ["called", "no_show", "serving", "waiting"]
    assert all(actor == "system:close" for *_, actor in expired)
    assert {d["day_end"] for d, _, _ in expired} == {"2026-11-27T00:00:00+07:00"}

    # Published like any change: counters released, the queue, with the next seqs in order.
    names = [(name, payload.get("counter") or payload.get("service")) for _, name, payload in hall.hub.events]
    assert sorted(names) == [("counter_changed", 1), ("counter_changed", 2), ("queue_changed", "DD")]
    seqs = [seq for seq, _, _ in hall.hub.events]
    assert seqs == list(range(seq_before + 1, seq_before + 4))
    assert all(payload["seq"] == seq for seq, _, payload in hall.hub.events)
    assert all(seq == seq_before + 1 for _, seq, _ in expired)
    counter = next(p for _, n, p in hall.hub.events if n == "counter_changed" and p["counter"] == 1)
    assert counter["state"]["current"] is None

    # Numbering restarts on the new day; the report of the old day tells what happened.
    out = db.write(lambda s: engine.issue(s, service="DD", actor="device:k1", now=midnight_utc + timedelta(seconds=5)))
    assert (out.ticket.number, out.ticket.business_day) == ("1001", date(2026, 11, 27))
    r = db.read(lambda s: stats(s, config, date(2026, 11, 26), date(2026, 11, 26), today=date(2026, 11, 27)))
    assert (r["total"]["tickets"], r["total"]["expired"], r["total"]["no_shows"], r["live_days"]) == (4, 3, 1, [])

    # Running it again (a restart, another process) changes nothing and publishes nothing.
    again = hall_at(db, config, midnight_utc + timedelta(minutes=1))
    result = run_close(again, midnight_utc + timedelta(minutes=1))
    assert (result.expired, result.summarized, again.hub.events) == (0, [], [])


def test_a_five_oclock_day_start_keeps_the_night_in_the_old_day(db):
    config = report_config(day_starts_at="05:00")
    engine = Engine(config)
    evening = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)  # 20:00 local
    db.write(lambda s: engine.issue(s, service="TK", actor="device:k1", now=evening))
    night = datetime(2026, 11, 26, 21, 59, tzinfo=UTC)  # 04:59 on 27/11: still the 26th's business day
    assert run_close(hall_at(db, config, night), night).expired == 0
    out = db.write(lambda s: engine.issue(s, service="TK", actor="device:k1", now=night))
    assert (out.ticket.number, out.ticket.business_day) == ("A002", date(2026, 11, 26))
    five = datetime(2026, 11, 26, 22, 0, tzinfo=UTC)  # 05:00 local
    assert next_close(night, config) == five
    assert run_close(hall_at(db, config, five), five).expired == 2
    out = db.write(lambda s: engine.issue(s, service="TK", actor="device:k1", now=five))
    assert (out.ticket.number, out.ticket.business_day) == ("A001", date(2026, 11, 27))


def test_days_missed_while_the_server_was_down_are_closed_on_start(db, midnight):
    config, engine = midnight
    for day in (24, 25, 26):
        at = datetime(2026, 11, day, 2, 0, tzinfo=UTC)  # 09:00 local
        for _ in range(day - 23):
            db.write(lambda s: engine.issue(s, service="HT", actor="device:k1", now=at))
    start = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    result = run_close(hall_at(db, config, start), start)
    assert result.expired == 6
    assert result.summarized == [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)]
    counts = db.read(lambda s: dict(s.execute(select(closed_days.c.day, closed_days.c.tickets)).all()))
    assert counts == {date(2026, 11, 24): 1, date(2026, 11, 25): 2, date(2026, 11, 26): 3}
    r = db.read(lambda s: stats(s, config, date(2026, 11, 24), date(2026, 11, 27), today=date(2026, 11, 28)))
    assert [d["expired"] for d in r["by_day"]] == [1, 2, 3, 0] and r["live_days"] == []


def test_history_past_its_keeping_time_is_purged_but_summaries_stay(db, midnight):
    config, engine = midnight
    old = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    recent = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    for moment in (old, recent):
        db.write(lambda s: engine.issue(s, service="DD", actor="device:k1", now=moment))
        db.write(lambda s: engine.call_next(s, 1, actor="user:lan", now=moment + timedelta(minutes=5)))
        db.write(lambda s: engine.finish(s, 1, actor="user:lan", now=moment + timedelta(minutes=9)))
        ticket = db.read(lambda s: s.execute(select(Ticket).where(Ticket.issued_at == moment)).scalar_one())
        db.write(lambda s: engine.rate(s, s.get(Ticket, ticket.id), score=4, comment=None, actor="device:r",
                                       now=moment + timedelta(minutes=10)))
    now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    result = run_close(hall_at(db, config, now), now, ReportsSettings(history_days=30))
    assert result.purged == 1 and len(result.summarized) == 2
    left = db.read(lambda s: [t.business_day for t in s.execute(select(Ticket)).scalars()])
    assert left == [date(2026, 11, 20)]
    assert db.read(lambda s: s.execute(select(func.count()).select_from(Rating)).scalar_one()) == 1
    assert db.read(lambda s: s.execute(select(func.count()).select_from(TicketEvent)
                                       .where(TicketEvent.ticket_id.is_(None))).scalar_one()) == 0
    summaries = db.read(lambda s: sorted(s.execute(select(daily_summaries.c.day)).scalars()))
    assert summaries == [date(2026, 10, 1), date(2026, 11, 20)]
    r = db.read(lambda s: stats(s, config, date(2026, 10, 1), date(2026, 10, 1), today=date(2026, 11, 26)))
    assert (r["total"]["tickets"], r["total"]["served"], r["total"]["rating"]["mean"]) == (1, 1, 4.0)


def test_the_server_loop_closes_at_the_day_start(db, midnight):
    """The background task: a close on start, then sleeps (in short steps) until the next day start."""
    config, engine = midnight
    db.write(lambda s: engine.issue(s, service="DD", actor="device:k1", now=datetime(2026, 11, 26, 16, 0, tzinfo=UTC)))
    clock = {"now": datetime(2026, 11, 26, 16, 59, 0, tzinfo=UTC)}
    slept: list[float] = []

    class Done(Exception):
        pass

    class Stopped:
        """The loop's stop signal, never set: waiting on it is the loop's sleep."""

        def is_set(self) -> bool:
            return False

        def wait(self, seconds: float) -> bool:
            slept.append(seconds)
            clock["now"] += timedelta(seconds=seconds)
            if clock["now"] > datetime(2026, 11, 26, 17, 0, 30, tzinfo=UTC):
                raise Done
            return False

    hall = SimpleNamespace(config=config, db=db, hub=Hub(), clock=lambda: clock["now"])
    with pytest.raises(Done):
        _loop(hall, Stopped())
    assert slept[:2] == [30.0, 30.0]  # 16:59:00 → 17:00:00, waking every 30 s
    assert status_of(db, "1001", date(2026, 11, 26)) == "cancelled"
    assert [name for _, name, _ in hall.hub.events] == ["queue_changed"]


def test_a_rating_after_the_close_reaches_the_report_at_the_next_close(db, midnight):
    config, engine = midnight
    evening = datetime(2026, 11, 26, 16, 40, tzinfo=UTC)  # 23:40 local
    out = db.write(lambda s: engine.issue(s, service="DD", actor="device:k1", now=evening))
    db.write(lambda s: engine.call_next(s, 1, actor="user:lan", now=evening + timedelta(minutes=5)))
    db.write(lambda s: engine.finish(s, 1, actor="user:lan", now=evening + timedelta(minutes=19, seconds=50)))
    midnight_utc = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    run_close(hall_at(db, config, midnight_utc), midnight_utc)
    rated = midnight_utc + timedelta(seconds=20)  # the tablet's rating, just after the day start
    db.write(lambda s: engine.rate(s, s.get(Ticket, out.ticket.id), score=4, comment=None, actor="device:r", now=rated))

    def report():
        return db.read(lambda s: stats(s, config, date(2026, 11, 26), date(2026, 11, 26), today=date(2026, 11, 27)))

    assert report()["total"]["rating"]["count"] == 0  # the summary was written before the rating
    next_day = midnight_utc + timedelta(days=1)
    result = run_close(hall_at(db, config, next_day), next_day)
    assert result.summarized == [date(2026, 11, 26)]  # summarized again: its ticket changed after the close
    assert report()["total"]["rating"]["count"] == 1 and report()["total"]["rating"]["mean"] == 4.0
    again = run_close(hall_at(db, config, next_day + timedelta(hours=1)), next_day + timedelta(hours=1))
    assert again.summarized == []  # summarized again once, not at every close


def test_failed_logins_are_pruned_with_history_and_administration_kept_longer(db, midnight):
    """The close deletes logins and failed logins past history_days (in batches), and people and
    device administration rows only past summary_days."""
    from server.records import AuditEntry

    config, _ = midnight
    now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    old, older, recent = now - timedelta(days=45), now - timedelta(days=90), now - timedelta(days=5)
    flood = [AuditEntry(at=old + timedelta(seconds=i), actor=f"user:guess{i}", action="login_failed",
                        target=f"guess{i}", address="10.0.0.66") for i in range(250)]
    kept = [("login_failed", recent), ("login", recent), ("user_added", old), ("device_revoked", old),
            ("device_added", recent)]
    gone = [("login", old), ("logout", old), ("user_changed", older), ("device_added", older)]
    db.write(lambda s: s.add_all(flood + [AuditEntry(at=at, actor="user:boss", action=action, target="x")
                                          for action, at in kept + gone]))
    settings = ReportsSettings(history_days=30, summary_days=60, purge_batch=100)
    result = run_close(hall_at(db, config, now), now, settings)
    assert result.audit_purged == 250 + len(gone)
    left = db.read(lambda s: sorted((a.action, a.at) for a in s.execute(select(AuditEntry)).scalars()))
    assert left == sorted(kept)
    assert run_close(hall_at(db, config, now), now, settings).audit_purged == 0  # a second close: nothing more
