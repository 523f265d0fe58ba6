"""Random days in the hall never break the queue's invariants (a hypothesis state machine)."""
from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from server.config import parse_config
from server.queueing.clock import business_day
from server.queueing.engine import Engine, stamp
from server.queueing.errors import QueueError
from server.queueing.models import ACTIVE, NO_SHOW, WAITING, CounterState, Hall, Ticket
from server.storage import Database
from tests.conftest import demo_config_data

CONFIG = parse_config(demo_config_data())
COUNTERS = [c.number for c in CONFIG.counters]
SERVICES = [s.code for s in CONFIG.services]
_TEMPLATE: Path | None = None


def template_db() -> Path:
    """One migrated database, copied for each example (migrating each time is slow)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="hallq-sm-"))
        db = Database(f"sqlite:///{folder / 'template.db'}", synchronous="off")
        db.migrate()
        db.ensure_counters(COUNTERS)
        db.inline_engine.dispose()
        _TEMPLATE = folder / "template.db"
    return _TEMPLATE


def expected_next(rows: list[Ticket], counter: int, now: datetime) -> Ticket | None:
    """The model of routing (docs/appointments.md): sent here first; then the head, priority tickets and
    appointments whose slot has begun, by the time each joined it; then the counter's rule; then waiting time."""
    conf = CONFIG.counter(counter)

    def begun(t):
        return not t.priority and t.ahead_at is not None and t.ahead_at <= now

    def head(t):
        return t.priority or begun(t)

    def joined(t):
        return t.ahead_at if begun(t) else t.queued_at

    if conf.picking == "preference":
        def key(t):
            rank = conf.services.index(t.service) if t.service in conf.services else -1
            return (t.target_counter != counter, not head(t), rank, joined(t), t.id)
    else:
        def key(t):
            return (t.target_counter != counter, not head(t), joined(t), t.id)
    mine = [t for t in rows
            if t.target_counter == counter or (t.target_counter is None and t.service in conf.services)]
    candidates = sorted(mine, key=key)
    return candidates[0] if candidates else None


class HallDay(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="hallq-sm-"))
        shutil.copy(template_db(), self.folder / "hall.db")
        self.db = Database(f"sqlite:///{self.folder / 'hall.db'}", synchronous="off")
        self.engine = Engine(CONFIG)
        self.now = datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hanoi
        self.seq = 0
        self.issued = 0

    def teardown(self) -> None:
        self.db.inline_engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, fn) -> object:
        """One operation in one transaction; a refused one must change nothing."""
        def op(s):
            out = fn(s)
            s.flush()
            return len(stamp(s, out))

        before = self.db.read(lambda s: s.get(Hall, 1).seq)
        try:
            n = self.db.write(op)
        except QueueError as err:
            assert self.db.read(lambda s: s.get(Hall, 1).seq) == before
            return err
        self.seq += n
        return None

    def tick(self, seconds: int = 20) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    # -- rules -----------------------------------------------------------

    @rule(service=st.sampled_from(SERVICES), priority=st.booleans())
    def issue(self, service, priority):
        prio = priority and CONFIG.service(service).priority_allowed
        err = self.run(lambda s: self.engine.issue(s, service=service, actor="k", now=self.tick(), priority=prio))
        assert err is None, err.code
        self.issued += 1

    @rule(service=st.sampled_from(SERVICES), slot_in=st.sampled_from([-1800, -60, 0, 60, 600, 3600]))
    def check_in_appointment(self, service, slot_in):
        """A booking checked in: its slot began before now, or begins later (an early arrival)."""
        now = self.tick()
        err = self.run(lambda s: self.engine.issue(s, service=service, actor="k", now=now,
                                                   ahead_at=max(now, now + timedelta(seconds=slot_in))))
        assert err is None, err.code
        self.issued += 1

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next(self, counter):
        now = self.tick()
        day = business_day(now, CONFIG.center.tz, CONFIG.center.day_start)
        waiting = self.db.read(lambda s: s.execute(
            select(Ticket).where(Ticket.status == WAITING, Ticket.business_day == day)).scalars().all())
        state = self.db.read(lambda s: s.get(CounterState, counter))
        want = expected_next(waiting, counter, now)
        err = self.run(lambda s: self.engine.call_next(s, counter, actor="u", now=now))
        if state.status == "paused":
            assert err is not None and err.code == "counter_paused"
        elif state.current_ticket_id is not None:
            assert err is not None and err.code == "counter_busy"
        elif want is None:
            assert err is not None and err.code == "queue_empty"
        else:
            assert err is None, err.code
            got = self.db.read(lambda s: s.get(CounterState, counter).current_ticket_id)
            assert got == want.id, "the waiting order was not kept"

    @rule(counter=st.sampled_from(COUNTERS),
          op=st.sampled_from(["recall", "start", "finish", "no_show", "resume"]))
    def counter_action(self, counter, op):
        self.run(lambda s: getattr(self.engine, op)(s, counter, actor="u", now=self.tick()))

    @rule(counter=st.sampled_from(COUNTERS), service=st.sampled_from(SERVICES))
    def transfer(self, counter, service):
        self.run(lambda s: self.engine.transfer(s, counter, service=service, actor="u", now=self.tick()))

    @rule(counter=st.sampled_from(COUNTERS), to=st.sampled_from(COUNTERS))
    def transfer_to_counter(self, counter, to):
        self.run(lambda s: self.engine.transfer(s, counter, to_counter=to, actor="u", now=self.tick()))

    @rule(counter=st.sampled_from(COUNTERS), op=st.sampled_from(["take", "leave"]))
    def staff_comes_and_goes(self, counter, op):
        self.run(lambda s: getattr(self.engine, op)(s, counter, actor="u", now=self.tick()))

    @rule(counter=st.sampled_from(COUNTERS))
    def pause(self, counter):
        self.run(lambda s: self.engine.pause(s, counter, reason="break", actor="u", now=self.tick()))

    @rule(counter=st.sampled_from(COUNTERS), data=st.data())
    def call_no_show_again(self, counter, data):
        numbers = self.db.read(lambda s: s.execute(select(Ticket.number).where(Ticket.status == NO_SHOW)).scalars().all())
        if numbers:
            number = data.draw(st.sampled_from(numbers))
            self.run(lambda s: self.engine.call_ticket(s, counter, number=number, actor="u", now=self.tick()))

    @rule(hours=st.sampled_from([1, 3, 24]))
    def time_passes(self, hours):
        """Including day rollovers: numbering restarts, yesterday's queue is not called."""
        self.tick(hours * 3600)

    # -- invariants ------------------------------------------------------

    @invariant()
    def numbers_unique_and_gapless_per_service_and_day(self):
        rows = self.db.read(lambda s: s.execute(
            select(Ticket.service_issued, Ticket.business_day, func.count(), func.count(func.distinct(Ticket.number)),
                   func.max(Ticket.ordinal)).group_by(Ticket.service_issued, Ticket.business_day)).all())
        for service, day, count, distinct, highest in rows:
            assert count == distinct == highest, (service, day, count, distinct, highest)
        assert sum(r[2] for r in rows) == self.issued

    @invariant()
    def counters_hold_one_ticket_each_and_tickets_one_counter(self):
        states = self.db.read(lambda s: s.execute(select(CounterState)).scalars().all())
        active = self.db.read(lambda s: s.execute(select(Ticket).where(Ticket.status.in_(ACTIVE))).scalars().all())
        held = [c.current_ticket_id for c in states if c.current_ticket_id is not None]
        assert len(held) == len(set(held)), "a ticket is held by two counters"
        assert sorted(held) == sorted(t.id for t in active), "an active ticket without its counter"
        by_id = {t.id: t for t in active}
        for c in states:
            if c.current_ticket_id is not None:
                assert by_id[c.current_ticket_id].counter == c.number

    @invariant()
    def seq_counts_every_broadcast(self):
        assert self.db.read(lambda s: s.get(Hall, 1).seq) == self.seq


HallDay.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestHallDay = pytest.mark.slow(HallDay.TestCase)  # the long run: the full suite's


class HallDayQuick(HallDay):
    """The same machine, a few short days: the fast lane's."""


HallDayQuick.TestCase.settings = settings(
    max_examples=6, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestHallDayQuick = HallDayQuick.TestCase
