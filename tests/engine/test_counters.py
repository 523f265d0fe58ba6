"""Counter profiles: priority ratios, transfers to a counter, taking a counter, the rating tablet."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.config import parse_config
from server.queueing.engine import Engine
from server.queueing.errors import Conflict, Forbidden, Invalid
from server.queueing.models import Rating
from tests.conftest import demo_config_data


def engine_with(**counter4) -> Engine:
    data = demo_config_data()
    data["counters"][3].update(counter4)  # counter 4 serves HT
    return Engine(parse_config(data))


def issue(db, eng, now, service="HT", priority=False):
    return db.write(lambda s: eng.issue(s, service=service, actor="k", now=now, priority=priority).ticket)


def serve_all(db, eng, counter, now, n):
    """Call and finish n tickets at a counter; the numbers in calling order."""
    order = []
    for i in range(n):
        at = now + timedelta(minutes=10 + i)
        order.append(db.write(lambda s: eng.call_next(s, counter, actor="u", now=at).ticket.number))
        db.write(lambda s: eng.finish(s, counter, actor="u", now=at))
    return order


@pytest.mark.parametrize("ratio, expected", [
    # P = priority ticket (2001..2004), N = normal (2005..2010); all wait before the first call.
    ("1:2", ["2001", "2005", "2006", "2002", "2007", "2008", "2003", "2009", "2010", "2004"]),
    ("2:1", ["2001", "2002", "2005", "2003", "2004", "2006", "2007", "2008", "2009", "2010"]),
    (None, ["2001", "2002", "2003", "2004", "2005", "2006", "2007", "2008", "2009", "2010"]),
])
def test_priority_ratio_alternates_while_both_kinds_wait(db, noon, ratio, expected):
    eng = engine_with(priority_ratio=ratio)
    for i in range(10):
        issue(db, eng, noon + timedelta(seconds=i), priority=i < 4)
    assert serve_all(db, eng, 4, noon, 10) == expected


def test_a_priority_ticket_arriving_late_is_not_held_back_by_the_cycle(db, noon):
    eng = engine_with(priority_ratio="1:2")
    issue(db, eng, noon)                                  # 2001 normal
    issue(db, eng, noon + timedelta(seconds=1))           # 2002 normal
    assert serve_all(db, eng, 4, noon, 1) == ["2001"]     # nothing priority: normal, cycle still wants P
    issue(db, eng, noon + timedelta(minutes=30), priority=True)  # 2003 priority
    assert serve_all(db, eng, 4, noon + timedelta(hours=1), 2) == ["2003", "2002"]


def test_transfer_to_a_counter_goes_first_there_and_nowhere_else(db, engine, noon):
    t = issue(db, engine, noon, service="HT")
    issue(db, engine, noon + timedelta(seconds=1), service="DD")
    db.write(lambda s: engine.call_next(s, 4, actor="u", now=noon))
    moved = db.write(lambda s: engine.transfer(s, 4, to_counter=1, actor="u", now=noon).ticket)
    assert (moved.status, moved.service, moved.target_counter) == ("waiting", "HT", 1)
    # Counter 3 serves HT but the ticket was sent to counter 1, which does not serve HT.
    with pytest.raises(Exception) as err:
        db.write(lambda s: engine.call_next(s, 3, actor="u", now=noon))
    assert getattr(err.value, "code", None) == "queue_empty"
    got = db.write(lambda s: engine.call_next(s, 1, actor="u", now=noon).ticket)
    assert got.number == t.number
    with pytest.raises(Invalid):
        db.write(lambda s: engine.transfer(s, 1, to_counter=1, actor="u", now=noon))


def test_take_and_leave_a_counter(db, engine, noon):
    state = db.write(lambda s: (engine.take(s, 5, actor="user:lan", now=noon), engine._counter(s, 5))[1])
    assert (state.status, state.staff) == ("open", "user:lan")
    issue(db, engine, noon, service="DKKD")
    db.write(lambda s: engine.call_next(s, 5, actor="user:lan", now=noon))
    with pytest.raises(Conflict) as err:
        db.write(lambda s: engine.leave(s, 5, actor="user:lan", now=noon))
    assert err.value.code == "counter_busy"
    db.write(lambda s: engine.finish(s, 5, actor="user:lan", now=noon))
    db.write(lambda s: engine.leave(s, 5, actor="user:lan", now=noon))
    assert db.read(lambda s: engine._counter(s, 5).status) == "closed"


def test_the_rating_tablet_rates_the_ticket_just_finished_once_within_the_window(db, engine, noon):
    t = issue(db, engine, noon)
    db.write(lambda s: engine.call_next(s, 4, actor="user:lan", now=noon))
    db.write(lambda s: engine.finish(s, 4, actor="user:lan", now=noon + timedelta(minutes=5)))
    locked = noon + timedelta(minutes=5, seconds=31)
    assert db.read(lambda s: engine.rateable(s, 4, locked)) is None  # the tablet shows locked again
    late = noon + timedelta(minutes=5, seconds=30 + 61)  # past the grace for a rating already begun
    with pytest.raises(Conflict) as err:
        db.write(lambda s: engine.rate_at_counter(s, 4, score=1, reason="long_wait", comment=None, actor="r", now=late))
    assert err.value.code == "nothing_to_rate"
    soon = noon + timedelta(minutes=5, seconds=10)
    with pytest.raises(Invalid):
        db.write(lambda s: engine.rate_at_counter(s, 4, score=1, reason="nope", comment=None, actor="r", now=soon))
    db.write(lambda s: engine.rate_at_counter(s, 4, score=1, reason="long_wait", comment="lâu quá", actor="r", now=soon))
    rating = db.read(lambda s: s.get(Rating, t.id))
    assert (rating.score, rating.reason, rating.counter, rating.staff) == (1, "long_wait", 4, "user:lan")
    with pytest.raises(Conflict):  # rated: the tablet locks again
        db.write(lambda s: engine.rate_at_counter(s, 4, score=4, reason=None, comment=None, actor="r", now=soon))


def test_calling_a_chosen_number_can_be_forbidden(db, noon):
    data = demo_config_data()
    data["console"] = {"allow_call_specific": False}
    eng = Engine(parse_config(data))
    t = issue(db, eng, noon)
    with pytest.raises(Forbidden):
        db.write(lambda s: eng.call_ticket(s, 4, number=t.number, actor="u", now=noon))


def test_a_head_another_transaction_holds_is_passed_over_on_postgresql(config, noon):
    """Picking reads each queue's head by index; a head someone else has locked is skipped, not waited on."""
    from server.queueing import routing
    from server.storage import Database
    from tests.support.postgres import _connect, fresh_database

    with fresh_database() as url:
        pg = Database(url)
        try:
            pg.migrate()
            _pick_around_a_held_head(pg, url, config, noon, routing, _connect)
        finally:
            pg.stop()


def _pick_around_a_held_head(pg, url, config, noon, routing, _connect):
    eng = Engine(config)
    first, second = (issue(pg, eng, noon + timedelta(seconds=i)) for i in range(2))
    day = config.center.business_day(noon)

    def pick():
        return pg.write(lambda s: routing.pick(s, 4, ["HT"], "oldest_first", day))

    assert pick() == first.id
    holder = _connect(url)  # another caller, mid-transaction, holding the head
    try:
        holder.autocommit = False
        holder.execute("SELECT id FROM tickets WHERE id = %s FOR UPDATE", [first.id])
        assert pick() == second.id
    finally:
        holder.rollback()
        holder.close()
    assert pick() == first.id
