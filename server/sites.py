"""A province's records of its centers, and a center's record of what its province has.

On a province (`province: true`): `sites`, one row per center with its upstream token (only
hashed), what it has delivered (`acked_seq`) and its last live figures; `site_tickets`, each
center's tickets as their last fact said, one row per (site, the center's ticket id). On a
center: `upstream_cursor`, one row, the last hall seq its province acknowledged. Made by
migration 0012; the delivery itself is server/upstream.py (center) and server/province.py.
"""
from __future__ import annotations

import secrets
import unicodedata
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .auth import REVOKED_SITE, SITE, Principal, token_hash
from .queueing.errors import Conflict, Invalid, NotFound
from .queueing.models import Base, UtcDateTime

SITE_TOKEN_PREFIX = "hqs_"
SITE_NAME_MAX = 64


class Site(Base):
    """A center reporting to this province."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    clock_skew_s: Mapped[float | None] = mapped_column(Float)  # the center's clock minus ours, at its last push
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # every fact up to this hall seq is applied
    live: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # its last live figures
    live_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SiteTicket(Base):
    """One center's ticket as its last fact told it (times are the center's clock)."""

    __tablename__ = "site_tickets"
    __table_args__ = (
        UniqueConstraint("site_id", "ticket_id", name="uq_site_ticket"),
        Index("ix_site_tickets_day", "site_id", "business_day"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    ticket_id: Mapped[int] = mapped_column(Integer)  # the ticket's id at the center
    business_day: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(16))  # as issued
    service_now: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(12))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the first call
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counter: Mapped[int | None] = mapped_column(Integer)
    staff: Mapped[str | None] = mapped_column(String(80))
    score: Mapped[int | None] = mapped_column(Integer)
    transfers: Mapped[int | None] = mapped_column(Integer)  # migration 0013; None from an older center
    seq: Mapped[int] = mapped_column(BigInteger)  # the to_seq of the batch that wrote it last


class UpstreamCursor(Base):
    """One row on a center: the last hall seq its province acknowledged."""

    __tablename__ = "upstream_cursor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def site_name(name: Any) -> str:
    """A center's name as stored: trimmed, NFC, 1–64 printable characters of any script."""
    if not isinstance(name, str):
        raise Invalid("invalid_site_name", maximum=SITE_NAME_MAX)
    name = unicodedata.normalize("NFC", name.strip())
    if not 1 <= len(name) <= SITE_NAME_MAX or any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in name):
        raise Invalid("invalid_site_name", maximum=SITE_NAME_MAX)
    return name


def add_site(s: Session, name: str, now: datetime) -> str:
    """Register a center; returns its upstream token, which is stored only hashed."""
    name = site_name(name)
    if s.execute(select(Site.id).where(Site.name == name)).first():
        raise Conflict("already_exists", name=name)
    token = SITE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    s.add(Site(name=name, token_hash=token_hash(token), created_at=now, acked_seq=0))
    return token


def revoke_site(s: Session, name: str, now: datetime) -> None:
    """Refuse a center's pushes from now on; what it delivered stays."""
    site = s.execute(select(Site).where(Site.name == site_name(name), Site.revoked_at.is_(None))
                     .with_for_update()).scalar_one_or_none()
    if site is None:
        raise NotFound("not_found", what=name)
    site.revoked_at = now


def site_for(s: Session, token: str) -> Site | None:
    """The site of an upstream token, revoked or not (None: no such token)."""
    if not token.startswith(SITE_TOKEN_PREFIX):
        return None
    return s.execute(select(Site).where(Site.token_hash == token_hash(token))).scalar_one_or_none()


def site_principal(s: Session, token: str) -> Principal | None:
    """Who an upstream token stands for: its center, revoked or not (None: no such token)."""
    site = site_for(s, token)
    return None if site is None else Principal(kind=REVOKED_SITE if site.revoked_at else SITE, name=site.name)
