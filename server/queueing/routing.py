"""Which waiting ticket a counter takes next."""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from .models import WAITING, Ticket


def queue_order(services: list[str], picking: str) -> list:
    """ORDER BY for a counter: priority first, then its picking rule, then waiting time."""
    order = [Ticket.priority.desc()]
    if picking == "preference" and len(services) > 1:
        order.append(case({code: i for i, code in enumerate(services)}, value=Ticket.service))
    return order + [Ticket.queued_at, Ticket.id]


def pick(s: Session, services: list[str], picking: str, day: date) -> int | None:
    """The id of the ticket this counter should call, or None when its queues are empty.

    On PostgreSQL the row is locked and rows locked by a concurrent caller are
    skipped, so two counters never wait on (or take) the same citizen.
    """
    query = (
        select(Ticket.id)
        .where(Ticket.status == WAITING, Ticket.business_day == day, Ticket.service.in_(services))
        .order_by(*queue_order(services, picking))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return s.execute(query).scalar_one_or_none()
