"""The calling rule with appointments (docs/appointments.md): begun appointments share the head with priority tickets."""
from __future__ import annotations

from datetime import timedelta

from server.state import counter_queue
from tests.engine.test_counters import engine_with, serve_all


def issue(db, eng, now, priority=False, slot=None):
    """A walk-in or priority ticket, or (`slot`) an appointment checked in at `now` for a slot starting then."""
    ahead = None if slot is None else max(now, slot)
    return db.write(lambda s: eng.issue(s, service="HT", actor="k", now=now, priority=priority, ahead_at=ahead).ticket)


def call(db, eng, now):
    return db.write(lambda s: eng.call_next(s, 4, actor="u", now=now)).ticket.number, \
        db.write(lambda s: eng.finish(s, 4, actor="u", now=now))


def test_an_early_arrival_waits_as_a_walk_in_until_its_slot_then_joins_the_head_at_its_start(db, noon):
    eng = engine_with()
    walk1 = issue(db, eng, noon)                                               # 2001
    early = issue(db, eng, noon + timedelta(minutes=1), slot=noon + timedelta(minutes=10))  # 2002, slot at +10
    prio = issue(db, eng, noon + timedelta(minutes=2), priority=True)          # 2003
    walk2 = issue(db, eng, noon + timedelta(minutes=3))                        # 2004
    # Before the slot: the appointment is a walk-in by its check-in time (behind 2001, ahead of 2004).
    queue = db.read(lambda s: counter_queue(s, eng.config, 4, noon + timedelta(minutes=5)))["waiting"]
    assert [t["number"] for t in queue] == [prio.number, walk1.number, early.number, walk2.number]
    assert [t["number"] for t in queue if t["appointment"]] == [early.number] and not any(t["ahead"] for t in queue)
    prio2 = issue(db, eng, noon + timedelta(minutes=12), priority=True)        # 2005: joined after the slot began
    # After it: priority 2003 (joined at +2), the appointment (joined at its slot, +10), priority 2005 (+12), walk-ins.
    at = noon + timedelta(minutes=13)
    queue = db.read(lambda s: counter_queue(s, eng.config, 4, at))["waiting"]
    assert [t["number"] for t in queue] == [prio.number, early.number, prio2.number, walk1.number, walk2.number]
    assert [t["number"] for t in queue if t["ahead"]] == [early.number]
    got = [call(db, eng, at + timedelta(seconds=i))[0] for i in range(5)]
    assert got == [prio.number, early.number, prio2.number, walk1.number, walk2.number]


def test_before_its_slot_an_appointment_is_called_by_its_check_in_time_among_walk_ins(db, noon):
    eng = engine_with()
    walk1 = issue(db, eng, noon)
    early = issue(db, eng, noon + timedelta(minutes=1), slot=noon + timedelta(hours=1))
    walk2 = issue(db, eng, noon + timedelta(minutes=2))
    got = [call(db, eng, noon + timedelta(minutes=5, seconds=i))[0] for i in range(3)]
    assert got == [walk1.number, early.number, walk2.number]


def test_a_priority_ratio_counts_begun_appointments_as_priority(db, noon):
    eng = engine_with(priority_ratio="1:2")
    walk = [issue(db, eng, noon + timedelta(seconds=i)) for i in range(4)]        # 2001..2004
    appts = [issue(db, eng, noon + timedelta(seconds=10 + i), slot=noon) for i in range(2)]  # 2005, 2006: begun
    got = serve_all(db, eng, 4, noon, 6)
    assert got == [appts[0].number, walk[0].number, walk[1].number, appts[1].number, walk[2].number, walk[3].number]


def test_past_a_held_head_postgresql_keeps_the_calling_rule(noon):
    """The whole-queue query PostgreSQL falls back on, round a head another caller holds, orders as the heads do."""
    from server.queueing import routing
    from server.storage import Database
    from tests.support.postgres import _connect, fresh_database

    eng = engine_with()
    with fresh_database() as url:
        pg = Database(url)
        try:
            pg.migrate()
            walk = issue(pg, eng, noon)
            prio = issue(pg, eng, noon + timedelta(minutes=1), priority=True)
            appt = issue(pg, eng, noon + timedelta(minutes=2), slot=noon)  # begun: at the head, after the priority
            day, at = eng.config.center.business_day(noon), noon + timedelta(minutes=5)

            def pick():
                return pg.write(lambda s: routing.pick(s, 4, ["HT"], "oldest_first", day, now=at))

            assert pick() == prio.id
            holder = _connect(url)
            try:
                holder.autocommit = False
                holder.execute("SELECT id FROM tickets WHERE id = %s FOR UPDATE", [prio.id])
                assert pick() == appt.id != walk.id
            finally:
                holder.rollback()
                holder.close()
        finally:
            pg.stop()


def test_a_begun_appointment_is_told_only_the_head_is_ahead_of_it(db, noon):
    from server.queueing.estimate import ahead_of

    eng = engine_with()
    walk = [issue(db, eng, noon + timedelta(seconds=i)) for i in range(3)]
    issue(db, eng, noon + timedelta(seconds=5), priority=True)
    out = db.write(lambda s: eng.issue(s, service="HT", actor="k", now=noon + timedelta(seconds=9), ahead_at=noon
                                       + timedelta(seconds=9)))
    assert out.place.ahead == 1  # the priority ticket; not the three walk-ins
    early = issue(db, eng, noon + timedelta(seconds=10), slot=noon + timedelta(hours=1))
    # Before its slot it is a walk-in behind everyone; the walk-ins have both head tickets ahead of them.
    at = noon + timedelta(seconds=20)
    assert db.read(lambda s: ahead_of(s, early, at)) == 5
    assert db.read(lambda s: ahead_of(s, walk[0], at)) == 2
