"""Estimated waits from recent service times and the counters open for a service."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone

from typing import Any

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from ..config import HallConfig
from . import statements
from .models import WAITING, Ticket
from .statements import RECENT  # noqa: F401  (finished tickets that make the running average)


def average_service_s(s: Session, config: HallConfig, service: str, day: date) -> float:
    """Mean service time of the service's last finished tickets today, else the configured default."""
    rows = statements.recent_spans(s, service, day)
    spans = [(f - st).total_seconds() for st, f in rows if f and st and f > st]  # a finish without a start says nothing
    if not spans:
        return float(config.service(service).default_service_time_s)
    return sum(spans) / len(spans)


def open_counters(config: HallConfig, states: dict[int, Any], service: str,
                  target: int | None = None) -> int:
    """Counters taking this service now: open, not paused or closed; only `target` when given.

    Counters that merely could open do not count: a wait promised before anyone sits down
    would be a guess, and the pages say "no counter open yet" instead.
    """
    numbers = [target] if target is not None else [c.number for c in config.counters if service in c.services]
    return sum(1 for n in numbers if n in states and states[n].status == "open")


def wait_s(ahead: int, avg_s: float, counters: int) -> int | None:
    """Seconds until a newcomer behind `ahead` people is called; None while no counter is open.

    Never 0 while someone is ahead (a wait under a minute reads as "no wait" beside
    "2 people"): each person ahead takes an average service time, shared by the open
    counters, and the sum is rounded up to a whole minute.
    """
    if counters < 1:
        return None
    if ahead <= 0:
        return 0
    return 60 * max(1, math.ceil(ahead * avg_s / counters / 60))


def waiting_counts(s: Session, day: date, service: str | None = None) -> dict[tuple[str, bool], int]:
    """People waiting today, by (service, priority); one service's queue only when given."""
    if service is not None:
        return statements.waiting_in(s, day, service)
    query = (
        select(Ticket.service, Ticket.priority, func.count())
        .where(Ticket.status == WAITING, Ticket.business_day == day)
        .group_by(Ticket.service, Ticket.priority)
    )
    return {(svc, bool(priority)): n for svc, priority, n in s.execute(query).all()}


def ahead_of(s: Session, ticket: Ticket, now: datetime | None = None) -> int:
    """Waiting tickets of the same service that will be called before this one (routing.py's calling rule)."""
    t = Ticket
    now = now or datetime.now(timezone.utc)
    begun = and_(t.priority.is_(False), t.ahead_at.is_not(None), t.ahead_at <= now)
    head = or_(t.priority.is_(True), begun)
    mine_begun = not ticket.priority and ticket.ahead_at is not None and ticket.ahead_at <= now
    # The head (priority tickets, begun appointments) in the order each joined it; then the others by waiting time.
    joined = case((begun, t.ahead_at), else_=t.queued_at)
    me = ticket.ahead_at if mine_begun else ticket.queued_at
    earlier = or_(joined < me, and_(joined == me, t.id < ticket.id))
    before = and_(head, earlier) if (ticket.priority or mine_begun) else or_(head, and_(not_(head), earlier))
    return s.execute(
        select(func.count()).where(
            t.status == WAITING, t.business_day == ticket.business_day, t.service == ticket.service, before,
        )
    ).scalar_one()


@dataclass(frozen=True)
class Place:
    """Where a ticket stands in its queue: the people ahead of it and the estimated wait."""

    ahead: int
    wait_s: int | None


def place_of_newest(s: Session, config: HallConfig, ticket: Ticket, seen: dict[str, Any] | None = None) -> Place:
    """The place of a ticket just issued: everyone waiting in its queue is ahead (only the
    priority ones for a priority ticket). This is what its paper and its holder are told.

    `seen` gets what was read on the way (its queue's counts, the counters' states), which
    the same transaction's events reuse instead of reading them again.
    """
    counts = waiting_counts(s, ticket.business_day, ticket.service)
    priority = counts.get((ticket.service, True), 0)
    ahead = max(0, (priority if ticket.priority else priority + counts.get((ticket.service, False), 0)) - 1)
    states = statements.counter_states(s)
    if seen is not None:
        seen.update(waiting=(ticket.service, counts), states=states)
    avg = average_service_s(s, config, ticket.service, ticket.business_day)
    return Place(ahead, wait_s(ahead, avg, open_counters(config, states, ticket.service)))


def place_of(s: Session, config: HallConfig, ticket: Ticket, now: datetime | None = None) -> Place:
    """The place of a ticket now (a reprint, a check-in): none ahead and no estimate once it has left the queue."""
    if ticket.status != WAITING:
        return Place(0, None)
    ahead = ahead_of(s, ticket, now)
    states = statements.counter_states(s)
    avg = average_service_s(s, config, ticket.service, ticket.business_day)
    return Place(ahead, wait_s(ahead, avg, open_counters(config, states, ticket.service, ticket.target_counter)))
