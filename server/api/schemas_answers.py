"""What the main endpoints answer, as pydantic models: the response schemas of the OpenAPI document.

The views build their JSON from the hall (server/state.py); these models describe it, and
tests/test_routes.py checks real answers against them. Answers may grow new fields (the
contract's "extend freely"), so every model allows more than it lists.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

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
    appointment: bool = Field(False, description="checked in from a booking (docs/appointments.md)")


class PrintState(Shape):
    status: Literal["queued", "printed", "failed", "none"]
    code: str | None = Field(None, description="why it failed, a stable code")
    message: str | None = None


class CheckedIn(Shape):
    """A booking checked in (`POST /tickets {appointment}`); `late`: past the grace, the ticket is a walk-in's."""

    code: str
    start: str
    end: str
    late: bool


class TicketIssued(Shape):
    ticket: Ticket
    print: PrintState
    checked_in: CheckedIn | None = None


class TicketAnswer(Shape):
    ticket: Ticket


class Counter(Shape):
    number: int
    name: Names
    display_name: Names | None = Field(None, description="what the counter's own screen shows, when not its name")
    services: list[str]
    status: Literal["open", "paused", "closed"]
    current: Ticket | None
    pause_reason: str | None = None
    staff: str | None = Field(None, description="the login at the counter; staff and up only")
    staff_name: str | None = None
    staff_photo: str | None = Field(None, description="the URL of their photo (/media/…), or null")
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


class PlaylistItem(Shape):
    """An image or a video of the boards' media zone, and when it plays (the hall's days and time)."""

    id: int
    url: str = Field(description="/media/<sha256>.<ext>, public and cacheable for ever")
    kind: Literal["image", "video"]
    seconds: int | None = Field(description="how long an image stays; null for a video, which plays to its end")
    from_: date | None = Field(alias="from", description="first day shown; null: already")
    until: date | None = Field(description="last day shown, included; null: for ever")
    weekdays: list[int] = Field(description="ISO weekdays it plays on, 1 = Monday … 7 = Sunday")
    time_from: str | None = Field(description='"HH:MM", the hall\'s time; null with time_until: all day')
    time_until: str | None


class Snapshot(Shape):
    """The hall: the same body as the Socket.IO `snapshot` event."""

    seq: int
    counters: list[Counter]
    recent_calls: list[RecentCall]
    services: list[Service]
    center: Center | None = None
    server_time: datetime | None = None
    notice: Names | None = Field(None, description="the boards' scrolling notice (null: none)")
    media: list[PlaylistItem] = Field(default_factory=list, description="the boards' media: enabled items, in order")


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
    photo_url: str | None = Field(None, description="/media/<hash>.<ext>, or null: no photo")


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
    appointment: bool = Field(False, description="checked in from a booking")
    ahead: bool = Field(False, description="an appointment whose slot has begun: called with the priority tickets")


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


# -- the supervisors' reads: the dashboard, statistics, the ratings report (server/reports/) ----


class DashboardToday(Shape):
    """Today's figures so far, the whole hall."""

    tickets: int
    served: int
    no_shows: int
    waiting: int
    wait_mean_s: float | None
    service_mean_s: float | None
    within_target_share: float | None = Field(description="0..1: called within their service's target")
    rating_mean: float | None


class DashboardService(Shape):
    code: str
    name: Names
    open: bool = Field(description="within its hours now")
    waiting: int
    longest_wait_s: int | None = Field(description="the longest-waiting ticket's wait; null with nobody waiting")
    oldest_number: str | None
    target_wait_s: int
    level: Literal["ok", "near", "over"] = Field(description="the longest wait against the target (near: past 80%)")
    counters_open: list[int]
    tickets: int
    served: int
    no_shows: int
    wait_mean_s: float | None
    service_mean_s: float | None
    within_target_share: float | None
    rating_mean: float | None


class DashboardTicket(Shape):
    """The ticket at a counter, as the dashboard shows it."""

    number: str
    service: str
    status: Literal["waiting", "called", "serving", "done", "no_show", "cancelled"]
    called_at: datetime | None
    started_at: datetime | None


class DashboardCounter(Shape):
    number: int
    name: Names
    services: list[str]
    status: Literal["open", "paused", "closed"]
    pause_reason: str | None
    since: datetime | None
    staff: str | None
    staff_name: str | None
    current: DashboardTicket | None
    idle_since: datetime | None = Field(description="open with no ticket: since when")
    served: int
    service_mean_s: float | None
    rating_mean: float | None


class WaitAlert(Shape):
    """A service's longest wait is past its target."""

    kind: Literal["wait_over_target"]
    level: Literal["danger"]
    service: str
    name: Names
    longest_wait_s: int
    target_wait_s: int
    waiting: int
    no_counter_open: bool = Field(description="no open counter may call them: open one")


class SentToClosedAlert(Shape):
    """A ticket transferred to a closed or paused counter has waited past its service's target."""

    kind: Literal["sent_to_closed_counter"]
    level: Literal["danger"]
    number: str
    service: str
    name: Names
    counter: int
    counter_status: Literal["paused", "closed"]
    waited_s: int
    target_wait_s: int


class PrinterAlert(Shape):
    """A printer in trouble, its worst state (server/printing.py's condition)."""

    kind: Literal["printer_agent_offline", "printer_paper_out", "printer_cover_open", "printer_offline",
                  "printer_failed", "printer_paper_near_end"]
    level: Literal["danger", "warn"]
    printer: str = Field(description="the printer's name, as in GET /printers")
    kiosk: str | None = Field(description="the device names using it")
    url: str | None
    error: str | None = Field(description="its last error, in words")


class Dashboard(Shape):
    """The supervisors' live view: the hall now and today so far (server/reports/dashboard.py)."""

    seq: int
    server_time: datetime
    day: date = Field(description="the business day")
    center: Center
    today: DashboardToday
    services: list[DashboardService]
    counters: list[DashboardCounter]
    printers: list[Printer]
    alerts: list[Annotated[WaitAlert | SentToClosedAlert | PrinterAlert, Field(discriminator="kind")]]
    pause_reasons: dict[str, Names] = Field(description="pause reason code -> its names")


class Times(Shape):
    """Durations in seconds; medians and p90 from the histograms (docs/reports.md)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None
    max: int | None


class ByScore(Shape):
    """How many ratings gave each score, 1 (dissatisfied) to 4 (very satisfied)."""

    one: int = Field(alias="1")
    two: int = Field(alias="2")
    three: int = Field(alias="3")
    four: int = Field(alias="4")


class RatingFigures(Shape):
    count: int
    mean: float | None
    by_score: ByScore
    satisfied_share: float | None = Field(description="scores 3 and 4, of all")


class WithinTarget(Shape):
    count: int
    of: int
    share: float | None


class Distribution(Shape):
    """Counts per bin of `distribution_edges_s`."""

    wait: list[int]
    service: list[int]


class Figures(Shape):
    """One figure set: the whole range, or one service, counter or staff member's part of it."""

    tickets: int
    served: int
    no_shows: int
    wait_s: Times = Field(description="issued → first call")
    service_s: Times = Field(description="started → finished")
    rating: RatingFigures
    cancelled: int
    expired: int
    transferred: int
    priority: int
    called: int
    within_target: WithinTarget
    no_show_share: float | None
    hours: list[int] = Field(min_length=24, max_length=24, description="tickets issued per hour of the day")
    distribution: Distribution


class ServiceFigures(Figures):
    code: str
    name: Names
    target_wait_s: int | None = Field(description="null for a service no longer in config")


class CounterFigures(Figures):
    number: int
    name: Names


class StaffFigures(Figures):
    username: str
    full_name: str | None


class HourTickets(Shape):
    hour: int = Field(ge=0, le=23)
    tickets: int


class DayFigures(Shape):
    day: date
    tickets: int
    served: int
    no_shows: int
    expired: int
    wait_mean_s: float | None
    service_mean_s: float | None
    within_target_share: float | None
    rating_mean: float | None


class StatsMethod(Shape):
    """How the figures are measured, in words."""

    wait: str
    service: str
    quantiles: str


class AppointmentFigures(Shape):
    """Bookings over the range (by their day), and the tickets issued to bookings against walk-ins."""

    booked: int = Field(description="every booking, cancelled ones too")
    cancelled: int
    checked_in: int
    served: int
    no_show: int = Field(description="not cancelled, never checked in, and its day is over")
    on_time: int = Field(description="checked in by its slot's start plus the grace")
    late: int = Field(description="checked in later: served as walk-ins")
    tickets_appointment: int
    tickets_walk_in: int
    no_show_rate: float | None = Field(description="no_show / (checked_in + no_show)")
    on_time_rate: float | None = Field(description="on_time / checked_in (punctuality)")
    avg_early_s: int | None = Field(description="how long before its slot an on-time booking checked in, on average")


class Stats(Shape):
    """A range's figures: overall, per service, counter, staff member, hour and day (server/reports/stats.py)."""

    start: date = Field(alias="from")
    end: date = Field(alias="to")
    total: Figures
    services: dict[str, ServiceFigures] = Field(description="by service code")
    counters: dict[str, CounterFigures] = Field(description='by counter number, as text ("1")')
    staff: dict[str, StaffFigures] = Field(description="by username")
    by_hour: list[HourTickets] = Field(min_length=24, max_length=24)
    by_day: list[DayFigures]
    distribution_edges_s: list[int] = Field(description="each bin's lower edge in seconds; the last is open")
    days: int
    today: date
    live_days: list[date] = Field(description="days summarized from their tickets, not closed yet")
    method: StatsMethod
    appointments: AppointmentFigures | None = Field(None, description="bookings against walk-ins (docs/appointments.md)")


class ReasonCount(Shape):
    code: str
    name: Names
    count: int


class RatingComment(Shape):
    number: str
    service: str
    day: date
    counter: int | None
    score: int = Field(ge=1, le=4)
    reason: str | None
    comment: str
    at: datetime
    staff: str | None
    staff_name: str | None


class RatingComments(Shape):
    """The comments, newest first, a page at a time."""

    total: int
    offset: int
    limit: int
    items: list[RatingComment]


class RatingReport(Shape):
    """Low scores per reason and the citizens' comments (server/reports/ratings.py)."""

    start: date = Field(alias="from")
    end: date = Field(alias="to")
    low_score: int = Field(description="scores up to this one are low and carry a reason")
    ratings: int
    low_ratings: int
    reasons: list[ReasonCount] = Field(description="config's reasons in order, then codes no longer in config")
    without_reason: int = Field(description="low scores given without a reason")
    comments: RatingComments


# -- what a board shows -----------------------------------------------------------------------


class VoiceSettings(Shape):
    mode: Literal["clips", "speech"] = Field(description="speech: the TV's own Web Speech voice")
    repeat: int = Field(ge=1, le=3)
    reading: Literal["words", "digits"]
    pack: str
    template: Names = Field(description="the sentence, with {number} and {counter}")


class DisplaySettings(Shape):
    """What a board shows and how it speaks; a display token selects its own services and counters."""

    name: str | None = Field(description="the display device's name; null for anyone else")
    public: bool
    paired: bool = Field(description="asked with a display token")
    notice: Names | None
    own_notice: bool = Field(description="true: this board's notice is its own, from config.yaml")
    services: list[str] | None = Field(description="null: every service")
    counters: list[int] | None = Field(description="null: every counter")
    layout: Literal["auto", "landscape", "portrait"] = Field(description="auto: the screen's shape decides")
    rotate: Literal[0, 90, 270] = Field(description="degrees clockwise the whole page is turned")
    media: bool = Field(description="false: this board shows no media zone")
    voice: VoiceSettings
    center: Center
class MediaItem(PlaylistItem):
    """An item as admins see it: also whether it plays, its order and its file."""

    seconds: int = Field(description="how long an image stays (3..300)")
    enabled: bool
    order: int = Field(description="playing order (then id)")
    title: str = Field(description="the uploaded file's name")
    size: int
    created_at: datetime
    created_by: str
