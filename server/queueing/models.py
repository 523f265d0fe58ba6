"""The queue's records: tickets, their events, counters, numbering, ratings.

People, devices, login tokens, the audit log and print jobs are the server's, in server/records.py."""
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


class Notice(Base):
    """One row: the line the hall boards scroll (none while both texts are null). Made by migration 0009;
    seeded once from config.yaml's `display.notice`, then changed by PUT /api/v1/notice only."""

    __tablename__ = "hall_notice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vi: Mapped[str | None] = mapped_column(String(500))
    en: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))  # "config" for the seed, else the actor


class Setup(Base):
    """One row: the hall's set-up as one document (server/setup.py), and its version. Made by migration
    0010; seeded once from config.yaml, then changed by the admin API and `hallq config import` only."""

    __tablename__ = "hall_setup"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))


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
        Index("ix_tickets_target", "target_counter", "status", "business_day"),  # 0008: picking transfers
        Index("ix_tickets_ahead", "status", "business_day", "service", "ahead_at"),  # 0015: begun appointments' head
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
    # An appointment's check-in (migration 0015): from `ahead_at` (its slot's start, or the check-in
    # if later) it is called with the priority tickets, ahead of walk-ins (docs/appointments.md).
    appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    ahead_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


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


BOOKED, CHECKED_IN, SERVED, APPT_NO_SHOW, APPT_CANCELLED = "booked", "checked_in", "served", "no_show", "cancelled"


class Appointment(Base):
    """A booked slot (server/appointments.py). `name` and `phone` are erased `appointments.keep_days` after `day`."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_day", "day", "service", "start"),
        Index("ix_appointments_phone", "phone", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # typed at the kiosk: no 0/O/1/I
    token: Mapped[str] = mapped_column(String(32), unique=True)  # the booking's link: view, cancel
    service: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))  # HH:MM on the center's clock
    end: Mapped[str] = mapped_column(String(5))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(2), default="vi")
    status: Mapped[str] = mapped_column(String(12), default=BOOKED)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    late: Mapped[bool | None] = mapped_column(Boolean)  # checked in past the grace: a walk-in
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AppointmentSlot(Base):
    """How many bookings hold a slot: taken by one conditional UPDATE (`booked < per_slot`), so never overbooked."""

    __tablename__ = "appointment_slots"
    service: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    start: Mapped[str] = mapped_column(String(5), primary_key=True)
    booked: Mapped[int] = mapped_column(Integer, default=0)
