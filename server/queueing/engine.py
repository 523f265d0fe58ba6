"""The ticket lifecycle: issue, call, recall, start, finish, no-show, transfer, pause.

Every operation takes an open SQLAlchemy session and plain values, changes rows
with atomic statements (a conditional UPDATE or a row lock, never read-then-write
on shared state), records a TicketEvent, and returns an Outcome naming what changed.
The caller allocates `seq` (see `stamp`), commits, then notifies.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import Session

from ..config import HallConfig
from . import routing, statements
from .cases import Case, TicketCase
from .estimate import place_of, place_of_newest
from .errors import Conflict, Forbidden, Invalid, NotFound
from .models import (
    ACTIVE, CALLED, CANCELLED, DONE, NO_SHOW, SERVING, WAITING,
    CounterState, Ticket, TicketEvent,
)
from .numbering import next_ordinal
from .outcome import (  # noqa: F401  (the changes are named from here too)
    Change, CounterChanged, NoticeChanged, Outcome, QueueChanged, TicketCalled, TicketFinished, TicketRated,
)
from .rating import Ratings


_COUNTER_FOR_UPDATE = select(CounterState).where(CounterState.number == bindparam("number")).with_for_update()


def scoped_key(actor: str, key: str) -> str:
    """Idempotency keys are per issuing device or person: two kiosks may pick the same key."""
    return f"{actor}:{key}"


class Engine(Ratings):
    """The hall's queue rules, bound to its configuration."""

    def __init__(self, config: HallConfig) -> None:
        self.config = config

    # -- helpers ---------------------------------------------------------

    def today(self, now: datetime):
        return self.config.center.business_day(now)

    def _event(self, s: Session, out: Outcome, kind: str, ticket: Ticket | None, actor: str,
               now: datetime, counter: int | None = None, **data) -> None:
        ev = TicketEvent(seq=0, ticket_id=ticket.id if ticket else None, kind=kind, at=now, actor=actor,
                         counter=counter, service=ticket.service if ticket else None, data=data or None)
        s.add(ev)
        out.events.append(ev)

    def _counter(self, s: Session, number: int) -> CounterState:
        if self.config.counter(number) is None:
            raise NotFound("unknown_counter", counter=number)
        # Row lock on PostgreSQL; SQLite write transactions are already exclusive.
        state = s.execute(_COUNTER_FOR_UPDATE, {"number": number}).scalar_one_or_none()
        if state is None:
            state = CounterState(number=number, status="closed")
            s.add(state)
            s.flush()
        return state

    def _current(self, s: Session, state: CounterState, allowed: tuple[str, ...]) -> Ticket:
        ticket = s.get(Ticket, state.current_ticket_id) if state.current_ticket_id else None
        if ticket is None:
            raise Conflict("no_current_ticket", counter=state.number)
        if ticket.status not in allowed:
            raise Conflict("wrong_ticket_status", number=ticket.number, status=ticket.status)
        return ticket

    def _move(self, s: Session, ticket: Ticket, expected: tuple[str, ...], **values) -> None:
        """Move a ticket on only if it is still where we saw it (a conditional UPDATE)."""
        done = s.execute(
            update(Ticket).where(Ticket.id == ticket.id, Ticket.status.in_(expected))
            .values(**values).execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:
            raise Conflict("wrong_ticket_status", number=ticket.number, status=ticket.status)
        s.refresh(ticket)

    def _release(self, s: Session, state: CounterState, now: datetime) -> None:
        state.current_ticket_id = None
        state.since = now

    # -- issuing ---------------------------------------------------------

    def issue(self, s: Session, *, service: str, actor: str, now: datetime, priority: bool = False,
              category: str | None = None, lang: str = "vi", idempotency_key: str | None = None,
              ahead_at: datetime | None = None) -> Outcome:
        """Hand out the next number of a service; `ahead_at`: an appointment's, called ahead of walk-ins from then on."""
        if idempotency_key:
            key = scoped_key(actor, idempotency_key)
            earlier = s.execute(select(Ticket).where(Ticket.idempotency_key == key)).scalar_one_or_none()
            if earlier is not None:
                return Outcome(ticket=earlier, replayed=True)
        svc = self.config.service(service)
        if svc is None:
            raise NotFound("unknown_service", service=service)
        if lang not in ("vi", "en"):
            raise Invalid("invalid_value", field="lang", allowed="vi, en")
        if priority and not svc.priority_allowed:
            raise Invalid("priority_not_allowed", service=service)
        local = self.config.center.local(now)
        if why := svc.closed_at(local):
            raise Conflict("service_closed", service=service, why=why, hours=", ".join(svc.hours_on(local.date())) or "—")
        day = self.today(now)
        ordinal = next_ordinal(s, service, day)
        if ordinal > svc.daily_cap:
            raise Conflict("daily_cap_reached", service=service, cap=svc.daily_cap)
        values = dict(
            token=secrets.token_urlsafe(16), number=svc.number_format.format(ordinal), ordinal=ordinal,
            service_issued=service, service=service, business_day=day, status=WAITING,
            priority=bool(priority), priority_category=category if priority else None, lang=lang,
            issued_at=now, queued_at=now, issued_by=actor, call_count=0,
            idempotency_key=scoped_key(actor, idempotency_key) if idempotency_key else None,
            appointment=ahead_at is not None, ahead_at=ahead_at,
        )
        # One Core INSERT (the busiest path of the hall); the Ticket answered with is not in the
        # session: nothing in this transaction changes it further.
        new_id = statements.conn(s).execute(statements.INSERT_TICKET, values).inserted_primary_key[0]
        ticket = Ticket(id=new_id, **values)
        out = Outcome(ticket=ticket, changes=[QueueChanged(service)])
        self._event(s, out, "issued", ticket, actor, now, priority=ticket.priority)
        with s.no_autoflush:  # the event row waits for its seq (see stamp)
            out.place = place_of_newest(s, self.config, ticket, out.seen)
            if ahead_at is not None and ahead_at <= now:  # a begun appointment: only the head is ahead of it
                out.place = place_of(s, self.config, ticket, now)
        return out

    # -- calling ---------------------------------------------------------

    def call_next(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """The counter takes the next ticket by its picking rule, priority first."""
        state = self._counter(s, counter)
        if state.status == "paused":
            raise Conflict("counter_paused", counter=counter)
        if state.current_ticket_id is not None:
            raise Conflict("counter_busy", counter=counter)
        conf = self.config.counter(counter)
        for _ in range(5):  # another process may take our candidate between pick and update
            ticket_id = self._pick(s, state, conf, self.today(now), now)
            if ticket_id is None:
                raise NotFound("queue_empty", counter=counter)
            taken = s.execute(
                update(Ticket).where(Ticket.id == ticket_id, Ticket.status == WAITING)
                .values(status=CALLED, counter=counter, called_at=now, call_count=Ticket.call_count + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken == 1:
                break
        else:
            raise Conflict("busy_try_again", counter=counter)
        ticket = s.get(Ticket, ticket_id, populate_existing=True)
        return self._called(s, state, ticket, actor, now)

    def _pick(self, s: Session, state: CounterState, conf, day, now: datetime) -> int | None:
        """By the counter's rule; with a priority ratio, in its cycle while both kinds wait
        (begun appointments count as priority: routing.py's calling rule)."""
        ratio = conf.ratio()
        if ratio is None:
            return routing.pick(s, conf.number, conf.services, conf.picking, day, now=now)
        want_priority = state.cycle_pos < ratio[0]
        ticket_id = routing.pick(s, conf.number, conf.services, conf.picking, day, now=now, priority=want_priority)
        if ticket_id is not None:
            state.cycle_pos = (state.cycle_pos + 1) % sum(ratio)  # the cycle moves only when it is kept
            return ticket_id
        return routing.pick(s, conf.number, conf.services, conf.picking, day, now=now, priority=not want_priority)

    def call_ticket(self, s: Session, counter: int, *, number: str, actor: str, now: datetime,
                    service: str | None = None) -> Outcome:
        """Call one particular ticket of today: a waiting one, or a no-show who came back.

        Numbers shared after a config change: a single callable one is taken; two or more
        answer `ambiguous_number` (409), and `service` says which one is meant.
        """
        if not self.config.console.allow_call_specific:
            raise Forbidden("call_specific_forbidden")
        state = self._counter(s, counter)
        if state.status == "paused":
            raise Conflict("counter_paused", counter=counter)
        if state.current_ticket_id is not None:
            raise Conflict("counter_busy", counter=counter)
        found = routing.by_number(s, counter, self.config.counter(counter).services, number, self.today(now), service)
        if not found:
            raise NotFound("ticket_not_found", number=number)
        callable_now = [t for t in found if t.status in (WAITING, NO_SHOW)]
        if len(callable_now) > 1:
            raise Conflict("ambiguous_number", number=number,
                           services=", ".join(sorted({t.service for t in callable_now})))
        ticket = callable_now[0] if callable_now else found[-1]  # not callable: _move says why
        self._move(s, ticket, (WAITING, NO_SHOW), status=CALLED, counter=counter, called_at=now,
                   call_count=Ticket.call_count + 1)
        return self._called(s, state, ticket, actor, now)

    def _called(self, s: Session, state: CounterState, ticket: Ticket, actor: str, now: datetime) -> Outcome:
        # A ticket is held by one counter at most: current_ticket_id is UNIQUE.
        state.current_ticket_id = ticket.id
        state.status = "open"
        state.since = now
        state.staff = actor
        out = Outcome(ticket=ticket, changes=[
            TicketCalled(ticket.id, state.number, recall=False),
            QueueChanged(ticket.service), CounterChanged(state.number),
        ])
        self._event(s, out, "called", ticket, actor, now, counter=state.number)
        return out

    def recall(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """Announce the counter's called ticket again."""
        state = self._counter(s, counter)
        ticket = self._current(s, state, (CALLED,))
        self._move(s, ticket, (CALLED,), call_count=Ticket.call_count + 1)
        out = Outcome(ticket=ticket, changes=[TicketCalled(ticket.id, counter, recall=True)])
        self._event(s, out, "recalled", ticket, actor, now, counter=counter)
        return out

    # -- serving ---------------------------------------------------------

    def start(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """The citizen has arrived: service begins."""
        state = self._counter(s, counter)
        ticket = self._current(s, state, (CALLED,))
        self._move(s, ticket, (CALLED,), status=SERVING, started_at=now)
        out = Outcome(ticket=ticket, changes=[CounterChanged(counter)])
        self._event(s, out, "started", ticket, actor, now, counter=counter)
        return out

    def finish(self, s: Session, counter: int, *, actor: str, now: datetime, case: Case | None = None) -> Outcome:
        """Service is over; `case`: the case file it became, if staff gave one (queueing/cases.py)."""
        state = self._counter(s, counter)
        ticket = self._current(s, state, ACTIVE)
        started = {} if ticket.started_at else {"started_at": now}
        self._move(s, ticket, ACTIVE, status=DONE, finished_at=now, **started)
        self._release(s, state, now)
        out = Outcome(ticket=ticket, changes=[CounterChanged(counter), TicketFinished(ticket.id, counter)])
        if case:
            s.add(TicketCase(ticket_id=ticket.id, case_code=case.code, case_outcome=case.outcome, note=case.note,
                             at=now, actor=actor))
        self._event(s, out, "finished", ticket, actor, now, counter=counter, **(case.data() if case else {}))
        return out

    def no_show(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """The called citizen did not come; they may be called again later."""
        state = self._counter(s, counter)
        ticket = self._current(s, state, (CALLED,))
        self._move(s, ticket, (CALLED,), status=NO_SHOW, counter=None)
        self._release(s, state, now)
        out = Outcome(ticket=ticket, changes=[CounterChanged(counter)])
        self._event(s, out, "no_show", ticket, actor, now, counter=counter)
        return out

    def transfer(self, s: Session, counter: int, *, actor: str, now: datetime, service: str | None = None,
                 to_counter: int | None = None) -> Outcome:
        """The ticket waits again, in another service or for one counter, keeping its number and its place in time."""
        if (service is None) == (to_counter is None):
            raise Invalid("invalid_value", field="service/counter", allowed="one of service or counter")
        if service is not None and self.config.service(service) is None:
            raise NotFound("unknown_service", service=service)
        if to_counter is not None and self.config.counter(to_counter) is None:
            raise NotFound("unknown_counter", counter=to_counter)
        if to_counter == counter:
            raise Invalid("same_counter", counter=counter)
        state = self._counter(s, counter)
        ticket = self._current(s, state, ACTIVE)
        if service is not None and ticket.service == service:
            raise Invalid("same_service", service=service)
        origin = ticket.service
        # queued_at stays the original issue time: the citizen has already waited once.
        self._move(s, ticket, ACTIVE, status=WAITING, service=service or ticket.service, counter=None,
                   called_at=None, started_at=None, target_counter=to_counter)
        self._release(s, state, now)
        out = Outcome(ticket=ticket, changes=[CounterChanged(counter), QueueChanged(ticket.service)])
        self._event(s, out, "transferred", ticket, actor, now, counter=counter, origin=origin,
                    to_counter=to_counter)
        return out

    def take(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """A staff member sits down at the counter: it opens under their name."""
        state = self._counter(s, counter)
        if state.status == "closed":
            state.status = "open"
        state.staff, state.since = actor, now
        out = Outcome(ticket=None, changes=[CounterChanged(counter)])
        self._event(s, out, "taken", None, actor, now, counter=counter)
        return out

    def leave(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """The staff member leaves: the counter closes (it must hold no ticket)."""
        state = self._counter(s, counter)
        if state.current_ticket_id is not None:
            raise Conflict("counter_busy", counter=counter)
        state.status, state.staff, state.pause_reason, state.since = "closed", None, None, now
        out = Outcome(ticket=None, changes=[CounterChanged(counter)])
        self._event(s, out, "left", None, actor, now, counter=counter)
        return out

    def pause(self, s: Session, counter: int, *, reason: str, actor: str, now: datetime) -> Outcome:
        """The counter stops taking tickets (its current ticket, if any, carries on)."""
        state = self._counter(s, counter)
        if state.status == "paused":
            raise Conflict("counter_paused", counter=counter)
        state.status, state.pause_reason, state.since, state.staff = "paused", reason, now, actor
        out = Outcome(ticket=None, changes=[CounterChanged(counter)])
        self._event(s, out, "paused", None, actor, now, counter=counter, reason=reason)
        return out

    def resume(self, s: Session, counter: int, *, actor: str, now: datetime) -> Outcome:
        """The counter takes tickets again."""
        state = self._counter(s, counter)
        if state.status == "open":
            raise Conflict("counter_not_paused", counter=counter)
        state.status, state.pause_reason, state.since, state.staff = "open", None, now, actor
        out = Outcome(ticket=None, changes=[CounterChanged(counter)])
        self._event(s, out, "resumed", None, actor, now, counter=counter)
        return out

    def cancel(self, s: Session, ticket: Ticket, *, actor: str, now: datetime) -> Outcome:
        """A waiting (or no-show) ticket is withdrawn."""
        self._move(s, ticket, (WAITING, NO_SHOW), status=CANCELLED, finished_at=now)
        out = Outcome(ticket=ticket, changes=[QueueChanged(ticket.service)])
        self._event(s, out, "cancelled", ticket, actor, now)
        return out


def stamp(s: Session, out: Outcome) -> list[int]:
    """Give each broadcast of an outcome the next hall `seq`, in the same transaction.

    Taken last in the transaction, the hall row's lock is held only until commit,
    so on PostgreSQL the commit order is the seq order too.
    """
    n = len(out.changes)
    first = last = 0
    with s.no_autoflush:  # the event rows are still pending: they get their seq before their INSERT
        if n:
            last = statements.conn(s).execute(statements.BUMP_SEQ, {"n": n}).scalar_one()
            first = last - n + 1
        rows = []
        for ev in out.events:
            ev.seq = first
            if inspect(ev).pending:  # not yet written: one Core INSERT for them all, not the ORM's flush
                s.expunge(ev)
                rows.append({"seq": first, "ticket_id": ev.ticket_id, "kind": ev.kind, "at": ev.at, "actor": ev.actor,
                             "counter": ev.counter, "service": ev.service, "data": ev.data})
        if rows:
            statements.conn(s).execute(statements.INSERT_EVENTS, rows)
    return list(range(first, last + 1))
