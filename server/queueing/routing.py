"""Which waiting ticket a counter takes next.

The calling rule (docs/appointments.md): tickets sent to the counter come first; then the head
of the queue, the priority tickets and the checked-in appointments whose slot has begun
(`ahead_at` reached), together in the order they joined it (a priority ticket's issue time, an
appointment's `ahead_at`: its slot's start, or its check-in if later); then everyone else
(walk-ins, and appointments whose slot has not begun yet) by waiting time. A counter's
priority ratio ("1:2") counts the head's tickets as its priority ones.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Callable

from sqlalchemy import and_, bindparam, case, not_, or_, select, union_all
from sqlalchemy.orm import Session

from .models import WAITING, Ticket, UtcDateTime

NOW = bindparam("now", type_=UtcDateTime())  # the moment of the call: which appointments' slots have begun


def begun(now: Any = NOW):
    """An appointment whose slot has begun: it waits at the head of the queue."""
    return and_(Ticket.ahead_at.is_not(None), Ticket.ahead_at <= now)


def queue_order(counter: int, services: list[str], picking: str, now: Any = NOW) -> list:
    """ORDER BY for a counter: tickets sent to it, then the head (priority, begun appointments), then its
    picking rule, then the time each joined its part of the queue."""
    head = or_(Ticket.priority.is_(True), begun(now))
    order = [case((Ticket.target_counter == counter, 0), else_=1), case((head, 0), else_=1)]
    if picking == "preference" and len(services) > 1:
        order.append(case({code: i for i, code in enumerate(services)}, value=Ticket.service))
    joined = case((and_(Ticket.priority.is_(False), begun(now)), Ticket.ahead_at), else_=Ticket.queued_at)
    return order + [joined, Ticket.id]


def for_counter(counter: int, services: list[str]):
    """Tickets a counter may take: its services' queues, and tickets transferred to it."""
    return or_(and_(Ticket.service.in_(services), Ticket.target_counter.is_(None)), Ticket.target_counter == counter)


def pick(s: Session, counter: int, services: list[str], picking: str, day: date,
         priority: bool | None = None, now: datetime | None = None) -> int | None:
    """The id of the ticket this counter should call, or None when its queues are empty.

    `priority` limits the choice to the head (True: priority tickets and begun appointments) or
    to the others (False). The head of
    each of the counter's queues is one index lookup (`_heads`), however long the queues are,
    and the queue order (`queue_order`) picks among those few. On PostgreSQL the chosen row
    is then locked, skipping rows a concurrent caller holds; if that caller holds it, the
    whole ordered query (`_ordered`) finds the next free one, so two counters never wait on
    (or take) the same citizen.
    """
    now = now or datetime.now(timezone.utc)
    params = {"day": day, "now": now}
    rows = s.execute(_cached(("heads", counter, tuple(services), picking, priority), lambda: _heads(counter, services, picking, priority)),
                     params).all()
    if not rows:
        return None
    rank = {code: i for i, code in enumerate(services)} if picking == "preference" and len(services) > 1 else {}

    def order(r):
        ahead = not r.priority and r.ahead_at is not None and r.ahead_at <= now
        return (r.target_counter != counter, not (r.priority or ahead), rank.get(r.service, 0),
                r.ahead_at if ahead else r.queued_at, r.id)

    best = min(rows, key=order)
    if s.get_bind().dialect.name != "postgresql":
        return best.id  # one writer at a time: nobody else can be taking it
    mine = s.execute(_LOCK_ONE, {"id": best.id}).scalar_one_or_none()
    if mine is not None:
        return mine
    key = ("ordered", counter, tuple(services), picking, priority)
    return s.execute(_cached(key, lambda: _ordered(counter, services, picking, priority)), params).scalar_one_or_none()


def _heads(counter: int, services: list[str], picking: str, priority: bool | None):
    """The first ticket of each queue (a service's priority tickets, its begun appointments, its others)
    and of the transfers to this counter: a few rows."""
    cols = (Ticket.id, Ticket.target_counter, Ticket.priority, Ticket.service, Ticket.queued_at, Ticket.ahead_at)
    waiting = (Ticket.status == WAITING, Ticket.business_day == bindparam("day"))
    heads = []
    for code in services:
        mine = (*waiting, Ticket.service == code, Ticket.target_counter.is_(None))
        if priority in (None, True):
            heads.append(select(*cols).where(*mine, Ticket.priority.is_(True)).order_by(Ticket.queued_at, Ticket.id))
            heads.append(select(*cols).where(*mine, Ticket.priority.is_(False), begun())
                         .order_by(Ticket.ahead_at, Ticket.id))
        if priority in (None, False):
            heads.append(select(*cols).where(*mine, Ticket.priority.is_(False), not_(begun()))
                         .order_by(Ticket.queued_at, Ticket.id))
    heads = [q.limit(1) for q in heads]
    sent = select(*cols).where(*waiting, Ticket.target_counter == counter)
    if priority is not None:
        sent = sent.where(_head() if priority else not_(_head()))
    heads.append(sent.order_by(*queue_order(counter, services, picking)[1:]).limit(1))  # all sent here: one head
    # Each head in its own subquery: SQLite takes no LIMIT on a bare member of a UNION.
    return union_all(*(select(*q.subquery().c) for q in heads))


def _ordered(counter: int, services: list[str], picking: str, priority: bool | None):
    """The counter's whole queue in order, first free row locked: the way round a head another caller holds."""
    query = (
        select(Ticket.id)
        .where(Ticket.status == WAITING, Ticket.business_day == bindparam("day"), for_counter(counter, services))
        .order_by(*queue_order(counter, services, picking))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return query if priority is None else query.where(_head() if priority else not_(_head()))


def _head():
    return or_(Ticket.priority.is_(True), begun())


def _cached(key: tuple, build: Callable[[], Any]) -> Any:
    """Statements built once per counter and kind: building one cost more than running it."""
    query = _PICKS.get(key)
    if query is None:
        if len(_PICKS) > 1000:  # a config reloaded many times over: start again
            _PICKS.clear()
        query = _PICKS[key] = build()
    return query


_PICKS: dict[tuple, Any] = {}
_LOCK_ONE = (select(Ticket.id).where(Ticket.id == bindparam("id"), Ticket.status == WAITING)
             .with_for_update(skip_locked=True))


def by_number(s: Session, counter: int, services: list[str], number: str, day: date,
              service: str | None = None) -> list[Ticket]:
    """Today's tickets this counter may take that print `number`, oldest first.

    Config validation keeps services' numbers apart, so this is one ticket, unless tickets
    issued before a config change share the number.
    """
    query = select(Ticket).where(Ticket.number == number, Ticket.business_day == day, for_counter(counter, services))
    if service is not None:
        query = query.where(Ticket.service == service)
    return list(s.execute(query.order_by(Ticket.id)).scalars())
