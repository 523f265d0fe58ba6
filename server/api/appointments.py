"""Appointments: the slots, booking one (anyone, rate limited), a booking's link, the day's list for staff.

The rules are server/appointments.py's; checking a booking in is `POST /tickets {appointment}` (tickets.py).
"""
from __future__ import annotations

from datetime import timedelta

from flask import jsonify, request

from .. import appointments
from ..context import hall
from . import ApiError, allow, api, base_url
from .parse import answers, takes
from .schemas import BookAppointment, DayQuery, SlotsQuery
from .schemas_appointments import Booking, BookingMade, BookingService, DayBooking, Slot


@api.get("/appointments/services")
@allow(public=True)
@answers(list[BookingService])
def booking_services():
    """The services that take bookings, and the days they have slots on."""
    h = hall()
    config, now = h.config, h.clock()
    today = appointments.local_today(config, now)
    out = []
    for svc in config.services:
        b = svc.booking
        if b is None:
            continue
        days = [today + timedelta(days=i) for i in range(b.days_ahead + 1)]
        out.append({"code": svc.code, "name": svc.name.model_dump(), "group": svc.group.model_dump() if svc.group else None,
                    "slot_minutes": b.slot_minutes, "days_ahead": b.days_ahead, "cutoff_minutes": b.cutoff_minutes,
                    "hours": b.hours, "grace_minutes": config.appointments.grace_minutes,
                    "keep_days": config.appointments.keep_days, "days": [d.isoformat() for d in days if appointments.bookable(config, svc, d, now)]})
    return jsonify(out)


@api.get("/appointments/slots")
@allow(public=True)
@takes(SlotsQuery)
@answers(list[Slot])
def booking_slots(query: SlotsQuery):
    """A service's bookable slots on a day, and the seats each has left."""
    h = hall()
    now = h.clock()
    return jsonify(h.db.read(lambda s: appointments.slots(s, h.config, query.service, query.day, now)))


@api.post("/appointments")
@allow(public=True)
@takes(BookAppointment)
@answers(BookingMade, 201)
def book_slot(body: BookAppointment):
    """Book a seat in a slot; a full slot is 409. Limited per address and per phone number (429)."""
    h = hall()
    address = request.remote_addr or ""
    phone = appointments.clean_phone(body.phone)
    if not h.book_limiter.allow(address) or (phone and not h.book_limiter.allow("phone:" + phone)):
        raise ApiError(429, "rate_limited")
    now, base = h.clock(), base_url().rstrip("/")

    def op(s):
        a = appointments.book(s, h.config, service=body.service, day=body.day, start=body.start, now=now,
                              name=body.name, phone=phone, lang=body.lang or "vi")
        return {**appointments.public(a, h.config), "token": a.token, "url": f"{base}/book/{a.token}"}

    return jsonify(h.db.write(op)), 201


@api.get("/appointments/<token>")
@allow(public=True)  # whoever holds the booking's link
@answers(Booking)
def booking(token: str):
    """A booking, by its link."""
    h = hall()
    return jsonify(h.db.read(lambda s: appointments.public(appointments.by_token(s, token), h.config)))


@api.post("/appointments/<token>/cancel")
@allow(public=True)  # whoever holds the booking's link
@answers(Booking)
def cancel_booking(token: str):
    """Withdraw a booking not yet used: its seat is free again."""
    h = hall()
    now = h.clock()
    return jsonify(h.db.write(lambda s: appointments.public(appointments.cancel(s, token, now), h.config)))


@api.get("/appointments")
@allow(role="staff")
@takes(DayQuery)
@answers(list[DayBooking])
def day_bookings(query: DayQuery):
    """A day's bookings (default today) in slot order, with their status, names and phones."""
    h = hall()
    now = h.clock()
    day = query.day or appointments.local_today(h.config, now)
    return jsonify(h.db.read(lambda s: appointments.day_list(s, h.config, day, now)))
