"""The boards' scrolling notice: one row in the database, seeded once from config.yaml.

`display.notice` in config.yaml fills the row the first time a server starts on a database
without one (a new database, or one from before migration 0009); from then on the database
is the truth, changed live by PUT /api/v1/notice (server/api/notice.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .queueing.models import Notice
from .typed_text import one_line

NOTICE_MAX = 500  # characters per language: a long line still crawls by in under a minute


def clean(value: str) -> str:
    """One language's text, as a full name is kept (typed_text.one_line); ValueError if it cannot be."""
    return one_line(value, NOTICE_MAX)


def as_json(row: Notice | None) -> dict[str, str] | None:
    """What boards get: {vi, en} (en may be ""), or None when there is no notice."""
    if row is None or not row.vi:
        return None
    return {"vi": row.vi, "en": row.en or ""}


def current(s: Session) -> dict[str, str] | None:
    return as_json(s.get(Notice, 1))


def seed(s: Session, notice: Any, now: datetime) -> None:
    """Put config's notice (a config Text, or None) in a database that has no notice row yet."""
    if s.execute(select(Notice.id).where(Notice.id == 1)).first() is None:
        s.add(Notice(id=1, vi=notice.vi if notice else None, en=(notice.en or None) if notice else None,
                     updated_at=now, updated_by="config"))


def store(s: Session, text: dict[str, str] | None, actor: str, now: datetime) -> tuple[Any, Any]:
    """Set the notice (None clears it); its JSON before and after."""
    row = s.execute(select(Notice).where(Notice.id == 1).with_for_update()).scalar_one_or_none()
    if row is None:
        row = Notice(id=1)
        s.add(row)
    before = as_json(row)
    row.vi = text["vi"] if text else None
    row.en = (text.get("en") or None) if text else None
    row.updated_at, row.updated_by = now, actor
    return before, as_json(row)
