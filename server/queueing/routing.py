"""Which waiting ticket a counter takes next."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, case, or_, select
from sqlalchemy.orm import Session

from .models import WAITING, Ticket


def queue_order(counter: int, services: list[str], picking: str) -> list:
    """ORDER BY for a counter: tickets sent to it, then priority, then its picking rule, then waiting time."""
    order = [case((Ticket.target_counter == counter, 0), else_=1), Ticket.priority.desc()]
    if picking == "preference" and len(services) > 1:
        order.append(case({code: i for i, code in enumerate(services)}, value=Ticket.service))
    return order + [Ticket.queued_at, Ticket.id]


def for_counter(counter: int, services: list[str]):
    """Tickets a counter may take: its services' queues, and tickets transferred to it."""
    return or_(and_(Ticket.service.in_(services), Ticket.target_counter.is_(None)), Ticket.target_counter == counter)


def pick(s: Session, counter: int, services: list[str], picking: str, day: date,
         priority: bool | None = None) -> int | None:
    """The id of the ticket this counter should call, or None when its queues are empty.

    `priority` limits the choice to priority (True) or normal (False) tickets. On
    PostgreSQL the row is locked and rows locked by a concurrent caller are
    skipped, so two counters never wait on (or take) the same citizen.
    """
    key = (counter, tuple(services), picking, priority)
    query = _PICKS.get(key)
    if query is None:  # built once per counter and kind: building it cost more than running it
        query = (
            select(Ticket.id)
            .where(Ticket.status == WAITING, Ticket.business_day == bindparam("day"), for_counter(counter, services))
            .order_by(*queue_order(counter, services, picking))
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if priority is not None:
            query = query.where(Ticket.priority.is_(priority))
        if len(_PICKS) > 1000:  # a config reloaded many times over: start again
            _PICKS.clear()
        _PICKS[key] = query
    return s.execute(query, {"day": day}).scalar_one_or_none()


_PICKS: dict[tuple, Any] = {}


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
