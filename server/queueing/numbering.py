"""Gapless numbers per service and business day, handed out atomically."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import ServiceDay
from .statements import conn


def _upsert(insert: Any) -> Any:
    days = ServiceDay.__table__
    stmt = insert(days).values(service=bindparam("service"), day=bindparam("day"), last_ordinal=1)
    return stmt.on_conflict_do_update(
        index_elements=["service", "day"], set_={"last_ordinal": days.c.last_ordinal + 1}
    ).returning(days.c.last_ordinal)


_UPSERT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}  # built once (statements.py)


def next_ordinal(s: Session, service: str, day: date) -> int:
    """The next ordinal of a service's day: one atomic upsert ... RETURNING, never read-then-write.

    The first ticket of the day inserts 1; every later one increments the row in
    place under its row lock (PostgreSQL) or the write lock (SQLite).
    """
    c = conn(s)
    return c.execute(_UPSERT[c.dialect.name], {"service": service, "day": day}).scalar_one()
