"""Appointments (đặt lịch hẹn): a service's slots, booking one, cancelling it, checking it in at a kiosk.

A service takes bookings when its set-up has `booking` (server/config.py `Booking`): slots of
`slot_minutes` through its booking hours (or its own hours), `per_slot` citizens each, from today
to `days_ahead` days on, none on the hall's holidays or the service's closed days, none closer than
`cutoff_minutes` to their start. A slot is never overbooked: its count lives in one
`appointment_slots` row, taken by a conditional UPDATE (`booked < per_slot`), which on PostgreSQL
waits for any other writer of that row and then checks again, and on SQLite runs inside the one
write lock. Checking in issues a ticket that the calling rule puts ahead of walk-ins once its slot
has begun (server/queueing/routing.py). Names and phones are erased `appointments.keep_days`
after the day (`close_days`, run by the daily close). See docs/appointments.md.
"""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .config import HallConfig, Service, _parse_hhmm, _spans, WEEKDAYS
from .queueing.engine import Engine, Outcome, scoped_key
from .queueing.errors import Conflict, Invalid, NotFound, QueueError
from .queueing.models import (
    APPT_CANCELLED, APPT_NO_SHOW, BOOKED, CHECKED_IN, DONE, SERVED, Appointment, AppointmentSlot, Ticket,
)
from .queueing.statements import conn

# Typed at a kiosk and read aloud over a phone: no 0/O, 1/I (and so 32 letters and digits, 30 bits in 6).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
PHONE = re.compile(r"^\+?[0-9]{8,15}$")


class TooManyBookings(QueueError):
    """A phone number holds as many open bookings as it may (429)."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str) -> str:
    """A code as typed or scanned: case, spaces and dashes do not matter; a scanned booking link gives its code."""
    text = text.strip().rsplit("/", 1)[-1]  # a QR code of the booking's page ends with the code
    return re.sub(r"[\s\-]", "", text).upper()


def clean_phone(text: str | None) -> str | None:
    """A phone number as digits (and a leading +); 422 if it is not one."""
    if text is None or not text.strip():
        return None
    digits = re.sub(r"[\s.\-()]", "", text)
    if not PHONE.match(digits):
        raise Invalid("invalid_value", field="phone", allowed="8–15 digits, e.g. 0912345678")
    return digits


# -- slots -----------------------------------------------------------------------------------

def _hours(svc: Service, day: date) -> list[str]:
    hours = svc.booking.hours if svc.booking and svc.booking.hours is not None else svc.hours
    if isinstance(hours, dict):
        return list(hours.get(WEEKDAYS[day.weekday()], []))
    return list(hours)


def local_today(config: HallConfig, now: datetime) -> date:
    return config.center.local(now).date()


def at(config: HallConfig, day: date, hhmm: str) -> datetime:
    """A slot's start on the center's clock, as an aware moment."""
    return datetime.combine(day, _parse_hhmm(hhmm), tzinfo=config.center.tz)


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def day_slots(config: HallConfig, svc: Service, day: date) -> list[tuple[str, str]]:
    """Every (start, end) slot of a service's day, booked or not; none when it takes no bookings that day."""
    booking = svc.booking
    if booking is None or day in {h.date for h in config.holidays} or day in svc.closed_days:
        return []
    if not svc.hours_on(day):  # a weekday the service is closed: booking hours given for every day do not open it
        return []
    step = timedelta(minutes=booking.slot_minutes)
    out = []
    for begin, end in _spans(_hours(svc, day)):
        cursor = datetime.combine(day, begin)
        last = datetime.combine(day, end)
        while cursor + step <= last:
            out.append((_hhmm(cursor.time()), _hhmm((cursor + step).time())))
            cursor += step
    return out


def bookable(config: HallConfig, svc: Service, day: date, now: datetime) -> list[tuple[str, str]]:
    """The slots of a day that still take a booking now: in the window, not past the cut-off."""
    if svc.booking is None:
        return []
    today = local_today(config, now)
    if not today <= day <= today + timedelta(days=svc.booking.days_ahead):
        return []
    cutoff = now + timedelta(minutes=svc.booking.cutoff_minutes)
    return [(start, end) for start, end in day_slots(config, svc, day) if at(config, day, start) > cutoff]


def _service(config: HallConfig, code: str) -> Service:
    svc = config.service(code)
    if svc is None:
        raise NotFound("unknown_service", service=code)
    return svc


def slots(s: Session, config: HallConfig, service: str, day: date, now: datetime) -> list[dict[str, Any]]:
    """`GET /appointments/slots`: the day's bookable slots and the seats each has left."""
    svc = _service(config, service)
    offered = bookable(config, svc, day, now)
    if not offered:
        return []
    booked = dict(s.execute(select(AppointmentSlot.start, AppointmentSlot.booked).where(
        AppointmentSlot.service == service, AppointmentSlot.day == day)).all())
    per = svc.booking.per_slot
    return [{"start": start, "end": end, "free": max(0, per - booked.get(start, 0))} for start, end in offered]


# -- booking and cancelling ------------------------------------------------------------------

def _slot_row(insert: Any) -> Any:
    return insert(AppointmentSlot.__table__).on_conflict_do_nothing(index_elements=["service", "day", "start"])


_ENSURE = {"postgresql": _slot_row(postgresql.insert), "sqlite": _slot_row(sqlite.insert)}
_slots = AppointmentSlot.__table__


def take_seat(s: Session, service: str, day: date, start: str, per_slot: int) -> bool:
    """One seat of a slot, or False when it is full: a conditional UPDATE, never read-then-write."""
    c = conn(s)
    c.execute(_ENSURE[c.dialect.name], {"service": service, "day": day, "start": start, "booked": 0})
    taken = c.execute(update(_slots).where(_slots.c.service == service, _slots.c.day == day, _slots.c.start == start,
                                           _slots.c.booked < per_slot).values(booked=_slots.c.booked + 1)).rowcount
    return taken == 1


def _free_seat(s: Session, a: Appointment) -> None:
    conn(s).execute(update(_slots).where(_slots.c.service == a.service, _slots.c.day == a.day, _slots.c.start == a.start,
                                         _slots.c.booked > 0).values(booked=_slots.c.booked - 1))


def book(s: Session, config: HallConfig, *, service: str, day: date, start: str, now: datetime,
         name: str | None = None, phone: str | None = None, lang: str = "vi") -> Appointment:
    """Book a seat in a slot: 409 `slot_full` when none is left, `slot_unavailable` when the slot takes none."""
    svc = _service(config, service)
    if svc.booking is None:
        raise Conflict("booking_not_offered", service=service)
    slot = next(((a, b) for a, b in bookable(config, svc, day, now) if a == start), None)
    if slot is None:
        raise Conflict("slot_unavailable", service=service, date=day.isoformat(), start=start)
    phone = clean_phone(phone)
    if phone:
        held = s.execute(select(func.count()).where(Appointment.phone == phone, Appointment.status == BOOKED,
                                                    Appointment.day >= local_today(config, now))).scalar_one()
        if held >= config.appointments.open_per_phone:
            raise TooManyBookings("too_many_bookings", limit=config.appointments.open_per_phone)
    if not take_seat(s, service, day, start, svc.booking.per_slot):
        raise Conflict("slot_full", service=service, date=day.isoformat(), start=start)
    code = new_code()
    while s.execute(select(Appointment.id).where(Appointment.code == code)).first() is not None:
        code = new_code()
    a = Appointment(code=code, token=secrets.token_urlsafe(16), service=service, day=day, start=slot[0], end=slot[1],
                    starts_at=at(config, day, slot[0]), name=(name or "").strip() or None, phone=phone, lang=lang,
                    status=BOOKED, created_at=now)
    s.add(a)
    s.flush()
    return a


def by_token(s: Session, token: str) -> Appointment:
    a = s.execute(select(Appointment).where(Appointment.token == token)).scalar_one_or_none()
    if a is None:
        raise NotFound("appointment_not_found", booking="")
    return a


def cancel(s: Session, token: str, now: datetime) -> Appointment:
    """Withdraw a booking through its link: its seat is free again. Only a booking not yet used (409)."""
    a = by_token(s, token)
    done = s.execute(update(Appointment).where(Appointment.id == a.id, Appointment.status == BOOKED)
                     .values(status=APPT_CANCELLED, cancelled_at=now).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise Conflict("appointment_used", booking=a.code, status=a.status)
    _free_seat(s, a)
    s.refresh(a)
    return a


# -- check-in --------------------------------------------------------------------------------

def check_in(s: Session, engine: Engine, code: str, *, actor: str, now: datetime, lang: str = "vi",
             idempotency_key: str | None = None) -> tuple[Outcome, Appointment]:
    """A booked citizen arrives: a ticket of the booking's service, ahead of walk-ins from its slot's start.

    Unknown code 404; used or cancelled 409 `appointment_used`; another day 409 `appointment_wrong_day`.
    Later than `appointments.grace_minutes` after the slot began: a plain walk-in ticket (`late`).
    """
    config = engine.config
    a = s.execute(select(Appointment).where(Appointment.code == clean_code(code))).scalar_one_or_none()
    if a is None:
        raise NotFound("appointment_not_found", booking=clean_code(code)[:12])
    if idempotency_key and a.ticket_id is not None:  # the kiosk's retry of a check-in that went through
        earlier = s.execute(select(Ticket).where(Ticket.idempotency_key == scoped_key(actor, idempotency_key))).scalar_one_or_none()
        if earlier is not None and earlier.id == a.ticket_id:
            return Outcome(ticket=earlier, replayed=True), a
    if a.status != BOOKED:
        raise Conflict("appointment_used", booking=a.code, status=a.status)
    if a.day != local_today(config, now):  # a booking's day is the calendar's, whatever the hall's day start
        raise Conflict("appointment_wrong_day", booking=a.code, date=a.day.isoformat(), start=a.start)
    late = now > a.starts_at + timedelta(minutes=config.appointments.grace_minutes)
    out = engine.issue(s, service=a.service, actor=actor, now=now, lang=lang, idempotency_key=idempotency_key,
                       ahead_at=None if late else max(now, a.starts_at))
    done = s.execute(update(Appointment).where(Appointment.id == a.id, Appointment.status == BOOKED)
                     .values(status=CHECKED_IN, checked_in_at=now, ticket_id=out.ticket.id, late=late)
                     .execution_options(synchronize_session=False)).rowcount
    if done != 1:  # checked in by another kiosk a moment ago
        raise Conflict("appointment_used", booking=a.code, status=CHECKED_IN)
    s.refresh(a)
    return out, a


# -- the day's list, the daily pass ----------------------------------------------------------

def status_of(a: Appointment, ticket_status: str | None, config: HallConfig, now: datetime) -> str:
    """booked, checked_in, served, no_show or cancelled, as of now (the daily close writes it down)."""
    if a.status == CHECKED_IN and ticket_status == DONE:
        return SERVED
    if a.status == BOOKED and a.day < local_today(config, now):
        return APPT_NO_SHOW
    return a.status


def day_list(s: Session, config: HallConfig, day: date, now: datetime) -> list[dict[str, Any]]:
    """`GET /appointments?date=`: the day's bookings in slot order, with their status (staff: names and phones)."""
    rows = s.execute(select(Appointment, Ticket.number, Ticket.status).outerjoin(Ticket, Ticket.id == Appointment.ticket_id)
                     .where(Appointment.day == day).order_by(Appointment.start, Appointment.id)).all()
    return [{**public(a, config), "status": status_of(a, tstatus, config, now), "name": a.name, "phone": a.phone,
             "ticket": number, "ticket_status": tstatus, "late": a.late,
             "created_at": config.center.iso(a.created_at), "checked_in_at": config.center.iso(a.checked_in_at)}
            for a, number, tstatus in rows]


def public(a: Appointment, config: HallConfig) -> dict[str, Any]:
    """What the booking's holder is shown (and `POST /appointments` answers): never another's name or phone."""
    svc = config.service(a.service)
    return {"code": a.code, "service": a.service, "service_name": svc.name.model_dump() if svc else None,
            "date": a.day.isoformat(), "start": a.start, "end": a.end, "status": a.status}


def close_days(s: Session, config: HallConfig, today: date, now: datetime) -> int:
    """The daily pass: bookings of past days that nobody used are no-shows, used ones whose ticket was served
    are served; names and phones older than `keep_days` are erased. Returns the bookings erased."""
    s.execute(update(Appointment).where(Appointment.day < today, Appointment.status == BOOKED)
              .values(status=APPT_NO_SHOW).execution_options(synchronize_session=False))
    served = select(Ticket.id).where(Ticket.status == DONE)
    s.execute(update(Appointment).where(Appointment.day < today, Appointment.status == CHECKED_IN,
                                        Appointment.ticket_id.in_(served))
              .values(status=SERVED).execution_options(synchronize_session=False))
    before = today - timedelta(days=config.appointments.keep_days)
    return s.execute(update(Appointment).where(
        Appointment.day < before, Appointment.erased_at.is_(None),
        or_(Appointment.name.is_not(None), Appointment.phone.is_not(None)))
        .values(name=None, phone=None, erased_at=now).execution_options(synchronize_session=False)).rowcount


def figures(s: Session, config: HallConfig, start: date, end: date, now: datetime) -> dict[str, Any]:
    """`GET /stats`'s `appointments`: bookings against walk-ins, punctuality and the no-show rate over a range."""
    rows = s.execute(select(Appointment.status, Appointment.day, Appointment.late, Appointment.starts_at,
                            Appointment.checked_in_at, Ticket.status)
                     .outerjoin(Ticket, Ticket.id == Appointment.ticket_id)
                     .where(Appointment.day >= start, Appointment.day <= end)).all()
    today = local_today(config, now)
    count = {"booked": 0, "cancelled": 0, "checked_in": 0, "served": 0, "no_show": 0, "on_time": 0, "late": 0}
    early_s: list[float] = []
    for status, day, late, starts_at, checked_in_at, ticket_status in rows:
        count["booked"] += 1
        if status == APPT_CANCELLED:
            count["cancelled"] += 1
        elif status in (CHECKED_IN, SERVED):
            count["checked_in"] += 1
            count["served"] += status == SERVED or ticket_status == DONE
            count["late" if late else "on_time"] += 1
            if not late and checked_in_at is not None:
                early_s.append((starts_at - checked_in_at).total_seconds())
        elif status == APPT_NO_SHOW or day < today:
            count["no_show"] += 1
    walk_ins = dict(s.execute(select(Ticket.appointment, func.count()).where(
        Ticket.business_day >= start, Ticket.business_day <= end).group_by(Ticket.appointment)).all())
    due = count["checked_in"] + count["no_show"]  # bookings whose day has come and gone, or that came
    return {**count,
            "tickets_appointment": int(walk_ins.get(True, 0)), "tickets_walk_in": int(walk_ins.get(False, 0)),
            "no_show_rate": round(count["no_show"] / due, 4) if due else None,
            "on_time_rate": round(count["on_time"] / count["checked_in"], 4) if count["checked_in"] else None,
            "avg_early_s": round(sum(early_s) / len(early_s)) if early_s else None}


__all__ = ["figures", "book", "cancel", "check_in", "slots", "day_list", "close_days", "public", "clean_code", "new_code",
           "TooManyBookings"]
