"""Gapless numbers per service and business day, handed out atomically."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import ServiceDay


def next_ordinal(s: Session, service: str, day: date) -> int:
    """The next ordinal of a service's day: one atomic UPDATE ... RETURNING, never read-then-write."""
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    s.execute(
        insert(ServiceDay).values(service=service, day=day, last_ordinal=0)
        .on_conflict_do_nothing(index_elements=["service", "day"])
    )
    return s.execute(
        update(ServiceDay)
        .where(ServiceDay.service == service, ServiceDay.day == day)
        .values(last_ordinal=ServiceDay.last_ordinal + 1)
        .returning(ServiceDay.last_ordinal)
    ).scalar_one()
