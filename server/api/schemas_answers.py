"""What the main endpoints answer, as pydantic models: the response schemas of the OpenAPI document.

The views build their JSON from the hall (server/state.py); these models describe it, and
tests/test_routes.py checks real answers against them. Answers may grow new fields (the
contract's "extend freely"), so every model allows more than it lists.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Names(Shape):
    """A name in both of the hall's languages."""

    vi: str
    en: str


class Ticket(Shape):
    """A ticket. `token` and `status_url` only for its holder and staff; never in the public snapshot."""

    number: str = Field(description='printed and announced, e.g. "1023", "A023"')
    service: str
    status: Literal["waiting", "called", "serving", "done", "no_show", "cancelled"]
    priority: bool
    issued_at: datetime
    called_at: datetime | None
    counter: int | None
    waiting_ahead: int | None
    estimated_wait_s: int | None = Field(description="null while no counter serving the service is open")
    priority_category: str | None = Field(None, description="staff only")
    service_issued: str | None = Field(None, description="where it was issued, before any transfer")
    started_at: datetime | None = None
    finished_at: datetime | None = None
    business_day: date | None = None
    lang: str | None = None
    rated: bool | None = None
    target_counter: int | None = Field(None, description="sent straight to this counter by a transfer")
    target_counter_status: Literal["open", "paused", "closed"] | None = None
    counters_open: int | None = Field(None, description="open counters that may call it now (waiting)")
    token: str | None = None
    status_url: str | None = None
    priority_name: Names | None = None


class PrintState(Shape):
    status: Literal["queued", "printed", "failed", "none"]
    code: str | None = Field(None, description="why it failed, a stable code")
    message: str | None = None


class TicketIssued(Shape):
    ticket: Ticket
    print: PrintState


class TicketAnswer(Shape):
    ticket: Ticket


class Counter(Shape):
    number: int
    name: Names
    services: list[str]
    status: Literal["open", "paused", "closed"]
    current: Ticket | None
    pause_reason: str | None = None
    staff: str | None = Field(None, description="the login at the counter; staff and up only")
    staff_name: str | None = None
    since: datetime | None = None
    picking: str | None = None


class CounterAction(Shape):
    """A counter action's result: the ticket it moved (if any) and the counter as it is now."""

    ticket: Ticket | None
    counter: Counter


class Service(Shape):
    code: str
    name: Names
    waiting: int
    estimated_wait_s: int | None
    open: bool
    closed: Literal["closed", "holiday", "closed_day", "last_ticket", "out_of_hours"] | None = Field(
        None, description="why it takes no ticket now: the manager closed it, a holiday, its own closed day, "
                          "past its last-ticket time, outside its hours")
    closed_reason: Names | None = Field(None, description="what kiosks say of it while closed (the manager's "
                                                          "reason, or the holiday's name)")
    full: bool | None = Field(None, description="today's numbers are all given out (daily cap)")
    remaining: int | None = None
    group: Names | None = Field(None, description="the kiosk groups services under this heading")
    note: Names | None = Field(None, description="what to bring (config.yaml's note), shown with the kiosk's ticket")
    hours: list[str] | None = Field(None, description="today's hours")
    priority_allowed: bool | None = None
    counters: list[int] | None = None


class RecentCall(Shape):
    seq: int
    number: str
    service: str
    counter: int | None
    recall: bool
    at: datetime | None = None
    announce: dict | None = Field(None, description="as ticket_called's: for a board that missed the live call")


class Center(Shape):
    name: Names
    timezone: str


class Snapshot(Shape):
    """The hall: the same body as the Socket.IO `snapshot` event."""

    seq: int
    counters: list[Counter]
    recent_calls: list[RecentCall]
    services: list[Service]
    center: Center | None = None
    server_time: datetime | None = None
    notice: Names | None = Field(None, description="the boards' scrolling notice (null: none)")


class NoticeSet(Shape):
    """The notice as saved (null: cleared), and the seq of its `notice_changed` event."""

    notice: Names | None
    seq: int


class LoginUser(Shape):
    username: str
    role: Literal["staff", "supervisor", "admin"]


class LoggedIn(Shape):
    token: str
    user: LoginUser


class Me(Shape):
    kind: Literal["user", "device"]
    name: str
    role: str | None
    device_kind: str | None
    counter: int | None
    full_name: str | None
    display_name: str


class Rating(Shape):
    number: str | None = None
    score: int = Field(ge=1, le=4)
    reason: str | None = None
    comment: str | None = None


class RatingAnswer(Shape):
    rating: Rating


class Printer(Shape):
    name: str
    url: str | None
    online: bool | None
    paper: Literal["ok", "near_end", "out", "unknown"] | None
    cover_open: bool | None
    last_error: str | None
    pending_jobs: int
    kiosk: str | None = Field(None, description="the device names using it")
    kiosks: list[str] = []
    via: Literal["server", "agent"] = "server"
    error_code: str | None = None


class User(Shape):
    username: str
    full_name: str | None
    display_name: str
    role: Literal["staff", "supervisor", "admin"]
    active: bool
    counter: int | None
    created_at: datetime


class Device(Shape):
    name: str
    kind: Literal["kiosk", "display", "rating"]
    printer: str | None
    created_at: datetime | None = None
    last_seen_at: datetime | None = None
    revoked: bool | None = None


class DeviceAdded(Device):
    token: str = Field(description="shown in this answer only")


class Revoked(Shape):
    name: str
    revoked: bool


class Done(Shape):
    ok: bool


class PasswordChanged(Shape):
    ok: bool
    revoked: int = Field(description="the person's other logins ended by the change")


class Reprinted(Shape):
    print: PrintState


class ErrorDetail(Shape):
    code: str = Field(description="stable snake_case: what programs look at")
    message: str = Field(description="human text, Vietnamese unless Accept-Language prefers English")
    field: str | None = Field(None, description="the request field at fault, where one is known")
    params: dict[str, str | int | float | bool] | None = Field(
        None, description="the error's own values, to word it from the catalog /static/messages.js")


class Error(Shape):
    """Every error answer; a rejected request changes nothing."""

    error: ErrorDetail


class Choice(Shape):
    """One entry of a list from config.yaml: a stable code and its names."""

    code: str
    name: Names


class ConsoleSettings(Shape):
    allow_call_specific: bool
    pause_reasons: list[Choice]
    priority_categories: list[Choice]


class KioskSettings(Shape):
    priority_categories: list[Choice]
    center: Center


class QueuedTicket(Shape):
    number: str
    service: str
    priority: bool
    priority_category: str | None
    issued_at: datetime
    waited_s: int
    sent_here: bool


class CounterQueue(Shape):
    """Who waits for the counter in calling order, and today's no-shows."""

    counter: int
    waiting: list[QueuedTicket]
    no_shows: list[QueuedTicket]
    waiting_by_service: dict[str, int]


class RateableTicket(Shape):
    number: str
    service: str
    finished_at: datetime


class RatingTarget(Shape):
    """What the counter's rating tablet may rate now (`ticket` null: nothing)."""

    ticket: RateableTicket | None
    seconds_left: int | None = None
    reasons: list[Choice]
    low_score: int
    amend_seconds: int


class AuditEntry(Shape):
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict | None
    address: str | None
