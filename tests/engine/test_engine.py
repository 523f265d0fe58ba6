"""The queue engine on a real SQLite file: numbering, routing, lifecycle, errors."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.config import ConfigError, parse_config
from server.queueing.engine import QueueChanged, TicketCalled, stamp
from server.queueing.errors import Conflict, Invalid, NotFound
from server.queueing.models import Hall, Ticket, TicketEvent
from tests.conftest import demo_config_data


def issue(db, engine, now, service="HT", **kw):
    return db.write(lambda s: engine.issue(s, service=service, actor="device:k1", now=now, **kw).ticket)


def act(db, engine, op, counter, now, **kw):
    return db.write(lambda s: getattr(engine, op)(s, counter, actor="user:lan", now=now, **kw).ticket)


def test_numbers_start_at_the_block_and_have_no_gaps(db, engine, noon):
    numbers = [issue(db, engine, noon + timedelta(seconds=i)).number for i in range(12)]
    assert numbers == [str(n) for n in range(2001, 2013)]


def test_lettered_numbers(db, engine, noon):
    assert [issue(db, engine, noon, service="TK").number for _ in range(3)] == ["A001", "A002", "A003"]


def test_numbering_restarts_at_the_day_start_in_the_center_time_zone(db, engine, noon):
    # Day start is 05:00 in Asia/Ho_Chi_Minh (UTC+7), i.e. 22:00 UTC the evening before.
    late = noon.replace(hour=21, minute=59)  # 04:59 local on the 27th: still the 26th's day
    assert issue(db, engine, noon).number == "2001"
    assert issue(db, engine, late).number == "2002"
    next_day = noon.replace(hour=22, minute=0)  # 05:00 local on the 27th
    first = issue(db, engine, next_day)
    assert (first.number, first.business_day.isoformat()) == ("2001", "2026-11-27")


def test_priority_first_then_oldest_across_the_counters_services(db, engine, noon):
    a = issue(db, engine, noon, service="TP")  # counter 3 serves HT and TP, oldest first
    b = issue(db, engine, noon + timedelta(seconds=1), service="HT")
    c = issue(db, engine, noon + timedelta(seconds=2), service="HT", priority=True)
    order = []
    for i in range(3):
        t = act(db, engine, "call_next", 3, noon + timedelta(minutes=i + 1))
        order.append(t.number)
        act(db, engine, "finish", 3, noon + timedelta(minutes=i + 1, seconds=30))
    assert order == [c.number, a.number, b.number]


def test_strict_preference_drains_the_first_service(db, engine, noon):
    dd = issue(db, engine, noon + timedelta(seconds=5), service="DD")
    xd = issue(db, engine, noon, service="XD")  # older, but counter 6 prefers XD then DD
    got = act(db, engine, "call_next", 6, noon + timedelta(minutes=1))
    assert got.number == xd.number
    act(db, engine, "finish", 6, noon + timedelta(minutes=2))
    got2 = act(db, engine, "call_next", 2, noon + timedelta(minutes=3))  # counter 2 prefers DD
    assert got2.number == dd.number


def test_lifecycle_call_start_finish(db, engine, noon):
    t = issue(db, engine, noon)
    assert act(db, engine, "call_next", 4, noon + timedelta(minutes=1)).status == "called"
    assert act(db, engine, "start", 4, noon + timedelta(minutes=2)).status == "serving"
    done = act(db, engine, "finish", 4, noon + timedelta(minutes=7))
    assert (done.number, done.status, done.counter) == (t.number, "done", 4)
    assert (done.finished_at - done.started_at) == timedelta(minutes=5)
    with pytest.raises(Conflict) as err:
        act(db, engine, "start", 4, noon + timedelta(minutes=8))
    assert err.value.code == "no_current_ticket"


def test_a_busy_counter_cannot_call_again(db, engine, noon):
    issue(db, engine, noon)
    issue(db, engine, noon)
    act(db, engine, "call_next", 4, noon)
    with pytest.raises(Conflict) as err:
        act(db, engine, "call_next", 4, noon)
    assert err.value.code == "counter_busy"


def test_queue_empty_and_unknown_counter(db, engine, noon):
    with pytest.raises(NotFound) as err:
        act(db, engine, "call_next", 4, noon)
    assert err.value.code == "queue_empty"
    with pytest.raises(NotFound) as err:
        act(db, engine, "call_next", 99, noon)
    assert err.value.code == "unknown_counter"


def test_paused_counter_takes_no_tickets_until_resumed(db, engine, noon):
    issue(db, engine, noon)
    db.write(lambda s: engine.pause(s, 4, reason="break", actor="user:lan", now=noon))
    with pytest.raises(Conflict) as err:
        act(db, engine, "call_next", 4, noon)
    assert err.value.code == "counter_paused"
    db.write(lambda s: engine.resume(s, 4, actor="user:lan", now=noon))
    assert act(db, engine, "call_next", 4, noon).number == "2001"


def test_no_show_can_be_called_again(db, engine, noon):
    t = issue(db, engine, noon)
    act(db, engine, "call_next", 4, noon)
    assert act(db, engine, "no_show", 4, noon + timedelta(minutes=3)).status == "no_show"
    with pytest.raises(NotFound):
        act(db, engine, "call_next", 4, noon + timedelta(minutes=4))  # a no-show is not in the queue
    again = act(db, engine, "call_ticket", 3, noon + timedelta(minutes=9), number=t.number)
    assert (again.status, again.counter, again.call_count) == ("called", 3, 2)


def test_transfer_keeps_the_number_and_the_place_in_time(db, engine, noon):
    first = issue(db, engine, noon, service="HT")
    later_tp = issue(db, engine, noon + timedelta(minutes=5), service="TP")
    act(db, engine, "call_next", 4, noon + timedelta(minutes=6))
    moved = act(db, engine, "transfer", 4, noon + timedelta(minutes=8), service="TP")
    assert (moved.number, moved.service, moved.status, moved.counter) == (first.number, "TP", "waiting", None)
    # Counter 7 prefers TP: the transferred citizen waited longer than the TP ticket.
    assert act(db, engine, "call_next", 7, noon + timedelta(minutes=9)).number == first.number
    assert later_tp.number == "5001"
    with pytest.raises(Invalid):
        act(db, engine, "transfer", 7, noon + timedelta(minutes=10), service="TP")


def test_yesterdays_waiting_tickets_are_not_called_today(db, engine, noon):
    issue(db, engine, noon)
    with pytest.raises(NotFound):
        act(db, engine, "call_next", 4, noon + timedelta(days=1))


def test_issuing_rules(db, config, noon):
    data = demo_config_data()
    data["services"][1]["daily_cap"] = 2
    data["services"][1]["hours"] = ["08:00-11:00"]
    from server.queueing.engine import Engine

    eng = Engine(parse_config(data))
    at_nine = noon.replace(hour=2)  # 09:00 local
    issue(db, eng, at_nine)
    issue(db, eng, at_nine)
    for when, code in ((at_nine, "daily_cap_reached"), (noon, "service_closed")):
        with pytest.raises(Conflict) as err:
            issue(db, eng, when)
        assert err.value.code == code
    with pytest.raises(Invalid) as err:
        issue(db, eng, at_nine, service="DKKD", priority=True)
    assert err.value.code == "priority_not_allowed"
    with pytest.raises(NotFound):
        issue(db, eng, at_nine, service="NOPE")
    # A refused ticket used no number: the cap error rolled its ordinal back.
    assert db.read(lambda s: s.execute(select(Ticket.number).order_by(Ticket.id)).scalars().all()) == ["2001", "2002"]


def test_idempotency_key_returns_the_same_ticket(db, engine, noon):
    a = issue(db, engine, noon, idempotency_key="tap-1")
    b = issue(db, engine, noon, idempotency_key="tap-1")
    c = issue(db, engine, noon, idempotency_key="tap-2")
    assert a.id == b.id and c.id != a.id


def test_rating_only_once_and_only_when_finished(db, engine, noon):
    t = issue(db, engine, noon)
    with pytest.raises(Conflict) as err:
        db.write(lambda s: engine.rate(s, s.get(Ticket, t.id), score=4, comment=None, actor="a", now=noon))
    assert err.value.code == "ticket_not_finished"
    act(db, engine, "call_next", 4, noon)
    act(db, engine, "finish", 4, noon)
    db.write(lambda s: engine.rate(s, s.get(Ticket, t.id), score=4, comment=None, actor="a", now=noon))
    with pytest.raises(Conflict) as err:
        db.write(lambda s: engine.rate(s, s.get(Ticket, t.id), score=1, comment=None, actor="a", now=noon))
    assert err.value.code == "already_rated"


def test_stamp_gives_each_broadcast_the_next_seq(db, engine, noon):
    def op(s):
        out = engine.issue(s, service="HT", actor="k", now=noon)
        s.flush()
        return stamp(s, out), out.changes

    seqs, changes = db.write(op)
    assert seqs == [1] and changes == [QueueChanged("HT")]

    def call(s):
        out = engine.call_next(s, 4, actor="u", now=noon)
        s.flush()
        return stamp(s, out), out.changes

    seqs, changes = db.write(call)
    assert seqs == [2, 3, 4] and isinstance(changes[0], TicketCalled)
    rows = db.read(lambda s: [(e.kind, e.seq) for e in s.execute(select(TicketEvent).order_by(TicketEvent.id)).scalars()])
    assert rows == [("issued", 1), ("called", 2)]
    assert db.read(lambda s: s.get(Hall, 1).seq) == 4


@pytest.mark.parametrize("patch, where", [
    (lambda d: d["counters"][0].update(services=["NOPE"]), "counters.0.services"),
    (lambda d: d["services"][0].update(numbers="12-ab"), "services.0.numbers"),
    (lambda d: d["center"].update(timezone="Mars/Olympus"), "center.timezone"),
    (lambda d: d["services"][0].update(hours=["11:00-09:00"]), "services.0.hours"),
    (lambda d: d["services"][0].update(daily_cap=5000), "services.0"),
    (lambda d: d["services"][1].update(code="DD"), "services"),
    (lambda d: d["server"].update(async_mode="gevent"), "server.async_mode"),
])
def test_invalid_config_names_the_key(patch, where):
    data = demo_config_data()
    patch(data)
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert str(err.value).startswith(where), str(err.value)
