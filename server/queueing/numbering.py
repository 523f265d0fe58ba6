"""Gapless numbers per service and business day, handed out atomically."""
from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import ServiceDay


def next_ordinal(s: Session, service: str, day: date) -> int:
    """The next ordinal of a service's day: one atomic upsert ... RETURNING, never read-then-write.

    The first ticket of the day inserts 1; every later one increments the row in
    place under its row lock (PostgreSQL) or the write lock (SQLite).
    """
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ServiceDay).values(service=service, day=day, last_ordinal=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["service", "day"], set_={"last_ordinal": ServiceDay.last_ordinal + 1}
    ).returning(ServiceDay.last_ordinal)
    return s.execute(stmt).scalar_one()
