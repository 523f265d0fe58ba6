"""The hot path's SQL, built once: Core statements with bound parameters, run on the session's connection.

Building a SQLAlchemy statement (and its cache key) on every request, then running it through
the ORM's execution layer, cost more than the database work itself on the issue and call
paths. These are built at import, so each use only binds values. They bypass the ORM:
like an ORM query they first flush what is pending (unless under `no_autoflush`).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import DONE, WAITING, CounterState, Hall, Ticket, TicketEvent

RECENT = 20  # finished tickets that make a service's running average (estimate.py)
_tickets, _events, _counters = Ticket.__table__, TicketEvent.__table__, CounterState.__table__


INSERT_TICKET = insert(_tickets)
INSERT_EVENTS = insert(_events)
BUMP_SEQ = (update(Hall.__table__).where(Hall.__table__.c.id == 1)
            .values(seq=Hall.__table__.c.seq + bindparam("n")).returning(Hall.__table__.c.seq))
COUNTER_STATES = select(_counters)
WAITING_IN = (select(_tickets.c.service, _tickets.c.priority, func.count())
              .where(_tickets.c.status == WAITING, _tickets.c.business_day == bindparam("day"),
                     _tickets.c.service == bindparam("service"))
              .group_by(_tickets.c.service, _tickets.c.priority))
RECENT_SPANS = (select(_tickets.c.started_at, _tickets.c.finished_at)
                .where(_tickets.c.service == bindparam("service"), _tickets.c.business_day == bindparam("day"),
                       _tickets.c.status == DONE, _tickets.c.started_at.is_not(None))
                .order_by(_tickets.c.finished_at.desc())
                .limit(RECENT))


def conn(s: Session) -> Connection:
    """The session's connection, inside its transaction (or savepoint), after the autoflush an ORM query would do."""
    if s.autoflush:
        s.flush()  # nothing to do, and cheap, when no ORM change is pending
    return s.connection()


def waiting_in(s: Session, day: date, service: str) -> dict[tuple[str, bool], int]:
    """People waiting today in one service, by (service, priority)."""
    return {(svc, bool(priority)): n for svc, priority, n in conn(s).execute(WAITING_IN, {"day": day, "service": service})}


def counter_states(s: Session) -> dict[int, Any]:
    """Every counter's row (number, status, current_ticket_id, ...), read-only."""
    return {row.number: row for row in conn(s).execute(COUNTER_STATES)}


def recent_spans(s: Session, service: str, day: date) -> list[Any]:
    """(started_at, finished_at) of the service's last RECENT finished tickets today, newest first."""
    return conn(s).execute(RECENT_SPANS, {"service": service, "day": day}).all()
