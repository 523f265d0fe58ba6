"""The server's records beside the queue: people, devices, login tokens, the audit log, print jobs, media.

They share the queue's declarative base (one schema, one Alembic history), but the pure
domain in server/queueing/ never reads them.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .queueing.models import Base, UtcDateTime


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
    photo: Mapped[str | None] = mapped_column(String(80))  # a file in the media folder (server/media.py)


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


class Media(Base):
    """An image or a short video the hall boards play, and when (the file is in the media folder, by content hash)."""

    __tablename__ = "media"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)  # "<sha256>.png": the file, served at /media/<name>
    kind: Mapped[str] = mapped_column(String(8))  # image | video
    size: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))  # the uploaded file's name, for the admin's list
    starts_on: Mapped[date | None] = mapped_column(Date)  # shown from this day on (None: already)
    ends_on: Mapped[date | None] = mapped_column(Date)  # until this day, included (None: for ever)
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")  # ISO weekdays, 1 = Monday
    time_from: Mapped[str | None] = mapped_column(String(5))  # "07:30", the hall's time; None: all day
    time_until: Mapped[str | None] = mapped_column(String(5))
    seconds: Mapped[int] = mapped_column(Integer, default=10)  # how long an image stays (a video plays to its end)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # the playing order, then id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
