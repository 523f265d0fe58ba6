"""The hall's records: tickets, their events, counters, numbering, people and devices."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

WAITING, CALLED, SERVING, DONE, NO_SHOW, CANCELLED = (
    "waiting", "called", "serving", "done", "no_show", "cancelled",
)
STATUSES = (WAITING, CALLED, SERVING, DONE, NO_SHOW, CANCELLED)
ACTIVE = (CALLED, SERVING)  # held by a counter


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class Hall(Base):
    """One row: the hall-wide change counter and the server's own secret."""

    __tablename__ = "hall"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    secret_key: Mapped[str] = mapped_column(String(128))


class ServiceDay(Base):
    """The last number handed out in a service on a business day."""

    __tablename__ = "service_days"
    service: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_ordinal: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("service_issued", "business_day", "ordinal", name="uq_ticket_number"),
        Index("ix_tickets_queue", "status", "business_day", "service", "priority", "queued_at"),
        Index("ix_tickets_business_day", "business_day"),  # made by migration 0005, for reports
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(16))
    ordinal: Mapped[int] = mapped_column(Integer)
    service_issued: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(16))  # where it waits now (changes on transfer)
    business_day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=WAITING)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_category: Mapped[str | None] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(2), default="vi")
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)  # waiting order within a queue
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counter: Mapped[int | None] = mapped_column(Integer)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    issued_by: Mapped[str] = mapped_column(String(80))
    target_counter: Mapped[int | None] = mapped_column(Integer)  # sent straight to one counter
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class TicketEvent(Base):
    """Every change to a ticket or counter; reports are derived from these rows."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    counter: Mapped[int | None] = mapped_column(Integer)
    service: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CounterState(Base):
    __tablename__ = "counter_states"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(8), default="closed")
    current_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), unique=True)
    pause_reason: Mapped[str | None] = mapped_column(String(40))
    since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    staff: Mapped[str | None] = mapped_column(String(80))
    cycle_pos: Mapped[int] = mapped_column(Integer, default=0)  # place in a priority:normal ratio


class Rating(Base):
    __tablename__ = "ratings"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(40))  # for a low score, from config's list
    counter: Mapped[int | None] = mapped_column(Integer)
    staff: Mapped[str | None] = mapped_column(String(80))  # who served: reports by staff member
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(80))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # the login: ASCII letters, digits, . _ -
    full_name: Mapped[str | None] = mapped_column(String(100))  # "Nguyễn Văn Bảo"; None: shown as the username
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    counter: Mapped[int | None] = mapped_column(Integer)  # bound to one counter; None: any
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Who did what to people, devices and sessions (queue actions are in ticket_events)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    printer: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginToken(Base):
    """A person's bearer token; only its SHA-256 is stored."""

    __tablename__ = "login_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class PrintJob(Base):
    """A ticket on its way to paper: pending → sent → done | failed."""

    __tablename__ = "print_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    printer: Mapped[str] = mapped_column(String(300))  # a printer name from config, or a URL
    status: Mapped[str] = mapped_column(String(8), default="pending")
    view: Mapped[dict[str, Any]] = mapped_column(JSON)  # what the ticket shows, decided at issue time
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    error_code: Mapped[str | None] = mapped_column(String(32))  # printer_drivers' stable code
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
