"""The set-up endpoints' bodies and answers (server/api/setup.py).

The bodies say each field's type for the OpenAPI document; what a value may be (a number block,
a span of hours, a cap that fits its block) is the config's own rule (server/config.py), checked
when the service or counter is put together, so the API and config.yaml refuse the same things.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .schemas import UNCHANGED, Body, Refuse, _no_default, text
from .schemas_answers import Names, Shape

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Hours = list[str] | dict[Weekday, list[str]]
HOURS = ('["07:30-11:30", "13:30-17:00"] every day, or by weekday {"mon": [...], …, "sun": []} '
         "(a weekday left out: closed)")


def unchanged(description: str):
    """A field that may be left out (unchanged) but not sent as null, with what it is."""
    return Field(None, description=description, json_schema_extra=_no_default)


class NamesBody(Body):
    vi: text(200, required=True)
    en: text(200) = ""


class BookingBody(Body):
    """A service's appointments; null (or left out of a new service): it takes none."""

    slot_minutes: int = Field(15, description="each slot's length, 5–240")
    per_slot: int = Field(1, description="citizens one slot takes, 1–100")
    hours: Hours | None = Field(None, description="the hours that take bookings, as a service's hours; null: the service's")
    days_ahead: int = Field(14, description="bookings from today to this many days ahead, 0–90")
    cutoff_minutes: int = Field(60, description="no booking of a slot this close to its start, 0–10080")


class ServiceFields(Body):
    name: NamesBody = UNCHANGED
    group: NamesBody | None = Field(None, description="kiosks show services under this heading (a field, lĩnh vực)")
    note: NamesBody | None = Field(None, description="what to bring, on the kiosk's ticket screen (≤300 each)")
    numbers: str = unchanged('"1001-1999" or "A###"; its own block, apart from every other service\'s')
    hours: Hours = unchanged(HOURS)
    closed_days: list[str] = unchanged("YYYY-MM-DD days this service is closed")
    daily_cap: int = UNCHANGED
    last_ticket_at: str | None = Field(None, description="HH:MM: no ticket from this local time on")
    priority_allowed: bool = UNCHANGED
    default_service_time_s: int = UNCHANGED
    target_wait_s: int = UNCHANGED
    open: bool = unchanged("false: closed now, whatever its hours (kiosks say closed_reason)")
    closed_reason: NamesBody | None = None
    booking: BookingBody | None = Field(None, description="appointments (docs/appointments.md); null: none")


class NewService(ServiceFields):
    code: text(16, required=True)
    name: NamesBody


class ServicePatch(ServiceFields):
    confirm: bool = Field(False, description="go ahead although waiting tickets would be stranded (409 would_strand)")


class CounterFields(Body):
    name: NamesBody = UNCHANGED
    display_name: NamesBody | None = Field(None, description="what the screen above the counter shows, if not its name")
    services: list[str] = unchanged("service codes, in the counter's order of preference")
    picking: Literal["oldest_first", "preference"] = UNCHANGED
    priority_ratio: str | None = Field(None, description='"1:2": one priority ticket, then two others; null: priority first')


class NewCounter(CounterFields):
    number: int
    services: list[str]


class CounterPatch(CounterFields):
    confirm: bool = Field(False, description="go ahead although waiting tickets would be stranded (409 would_strand)")


Layout = Literal["auto", "landscape", "portrait"]
Rotate = Literal[0, 90, 270]


class BoardBody(Body):
    """A board's whole settings (PUT replaces them; a field left out takes its default)."""

    services: list[str] | None = Field(None, description="service codes this board shows; null: every service")
    counters: list[int] | None = Field(None, description="counter numbers this board shows; null: every counter")
    layout: Annotated[Layout, Refuse(allowed="auto, landscape, portrait")] = Field(
        "auto", description="auto: the screen's shape decides; landscape or portrait: always that arrangement")
    rotate: Annotated[Rotate, Refuse(allowed="0, 90, 270")] = Field(
        0, description="turn the whole page clockwise, for a TV on its side whose player cannot rotate")
    media: Annotated[bool, Refuse(allowed="true, false")] = Field(True, description="false: no media zone on this board")


class HolidayBody(Body):
    date: str = Field(description="YYYY-MM-DD")
    name: NamesBody


class SetHolidays(Body):
    holidays: list[HolidayBody]


class CategoryBody(Body):
    code: str = Field(description="a-z, 0-9, _ (≤ 32), e.g. elderly")
    name: NamesBody


class SetPriorityCategories(Body):
    categories: list[CategoryBody]


# -- answers ---------------------------------------------------------------------------------


class BookingSpec(Shape):
    slot_minutes: int
    per_slot: int
    hours: Hours | None
    days_ahead: int
    cutoff_minutes: int


class ServiceSpec(Shape):
    """A service as the hall is set up with it."""

    code: str
    name: Names
    numbers: str
    hours: Hours
    closed_days: list[str]
    daily_cap: int
    last_ticket_at: str | None
    priority_allowed: bool
    default_service_time_s: int
    target_wait_s: int
    group: Names | None
    note: Names | None
    open: bool
    closed_reason: Names | None
    booking: BookingSpec | None = None


class CounterSpec(Shape):
    number: int
    name: Names
    display_name: Names | None
    services: list[str]
    picking: Literal["oldest_first", "preference"]
    priority_ratio: str | None


class HolidaySpec(Shape):
    date: str
    name: Names


class PriorityCategory(Shape):
    code: str
    name: Names


class BoardSettings(Shape):
    """A board's settings, by its display device's name."""

    services: list[str] | None = Field(description="null: every service")
    counters: list[int] | None = Field(description="null: every counter")
    layout: Layout
    rotate: Rotate
    media: bool


class BoardSpec(BoardSettings):
    """A board's settings as saved, and whether a display device of that name is paired."""

    name: str
    paired: bool = Field(description="a display device of this name exists (not revoked); false: prepared before pairing")


class HallSetup(Shape):
    """The hall's whole set-up and its version (each change adds one)."""

    version: int
    services: list[ServiceSpec]
    counters: list[CounterSpec]
    holidays: list[HolidaySpec]
    priority_categories: list[PriorityCategory]
    boards: dict[str, BoardSettings] = Field(description="by display device name; a board not here shows everything")


class Holidays(Shape):
    holidays: list[HolidaySpec]


class PriorityCategories(Shape):
    categories: list[PriorityCategory]
