"""The appointment endpoints' answers (server/api/appointments.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from .schemas_answers import Names, Shape
from .schemas_setup import Hours

Status = Literal["booked", "checked_in", "served", "no_show", "cancelled"]


class Slot(Shape):
    start: str = Field(description="HH:MM on the center's clock")
    end: str
    free: int = Field(description="seats left; 0: full")


class BookingService(Shape):
    """A service that takes bookings, as the booking page lists it."""

    code: str
    name: Names
    group: Names | None
    slot_minutes: int
    days_ahead: int
    cutoff_minutes: int
    hours: Hours | None = Field(description="the booking hours; null: the service's")
    days: list[str] = Field(description="the days (YYYY-MM-DD) with slots, from today")
    grace_minutes: int = Field(description="how late a booking may check in and still be called ahead (the hall's)")
    keep_days: int = Field(description="days after which a booking's name and phone are erased (the hall's)")


class Booking(Shape):
    """A booking as its holder sees it (never anyone's name or phone)."""

    code: str = Field(description="typed or scanned at the kiosk: 6 of A–Z and 2–9, without O, I")
    service: str
    service_name: Names | None
    date: str
    start: str
    end: str
    status: Status


class BookingMade(Booking):
    token: str = Field(description="the booking's link (/book/{token}): its page and its cancelling")
    url: str = Field(description="the booking's page")


class DayBooking(Booking):
    """A booking in the day's list, for staff."""

    name: str | None
    phone: str | None
    ticket: str | None = Field(description="the number of its ticket, once checked in")
    ticket_status: str | None
    late: bool | None = Field(description="checked in past the grace: served as a walk-in")
    created_at: datetime
    checked_in_at: datetime | None
