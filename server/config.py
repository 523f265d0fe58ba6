"""The hall described as data: loading and validating config.yaml."""
from __future__ import annotations

import ipaddress
import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from printer_drivers.settings import PrinterEntry
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .messages import PRIORITY
from .number_blocks import NumberFormat, check_apart, with_default_numbers

NOTE_MAX = 300  # characters per language in a service's note
AGENT_PRINTER = "agent"  # reserved: a kiosk's printer driven by `hallq agent` (print-job key `agent:<kiosk>`)


class ConfigError(Exception):
    """config.yaml is missing or wrong; the message names the key and the problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in Vietnamese first, English second."""

    vi: str = Field(min_length=1)
    en: str = ""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order


def _parse_hhmm(value: str) -> time:
    m = re.fullmatch(r"([01]?\d|2[0-4]):([0-5]\d)", value.strip())
    if not m:
        raise ValueError(f"{value!r} is not a time like 07:30")
    hours, minutes = int(m.group(1)), int(m.group(2))
    if hours == 24:
        if minutes:
            raise ValueError(f"{value!r} is past 24:00")
        return time(23, 59, 59, 999999)
    return time(hours, minutes)


def _check_spans(spans: list[str]) -> list[str]:
    for span in spans:
        parts = span.split("-")
        if len(parts) != 2:
            raise ValueError(f"{span!r} is not a span like 07:30-11:30")
        start, end = (_parse_hhmm(p) for p in parts)
        if end <= start:
            raise ValueError(f"{span!r} ends before it starts")
    return spans


def _spans(spans: list[str]) -> list[tuple[time, time]]:
    return [tuple(_parse_hhmm(p) for p in span.split("-")) for span in spans]  # type: ignore[misc]


class Holiday(Strict):
    """A day the whole hall is closed (the manager enters Vietnam's public holidays; none ship)."""

    date: date
    name: Text


class Booking(Strict):
    """A service's appointments (đặt lịch hẹn, docs/appointments.md): a service without one takes none."""

    slot_minutes: int = Field(default=15, ge=5, le=240)  # each slot's length
    per_slot: int = Field(default=1, ge=1, le=100)  # citizens one slot takes
    # The hours that take bookings, like a service's `hours`; unset: the service's own hours.
    hours: list[str] | dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[str]] | None = None
    days_ahead: int = Field(default=14, ge=0, le=90)  # today and this many days after take bookings
    cutoff_minutes: int = Field(default=60, ge=0, le=10080)  # a slot takes no booking this close to its start

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[str] | dict[str, list[str]] | None) -> list[str] | dict[str, list[str]] | None:
        for spans in (value.values() if isinstance(value, dict) else (value,)) if value is not None else ():
            _check_spans(spans)
        return value


class Service(Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,15}$")
    name: Text
    numbers: str = "1001-1999"  # in a hall: the service's own free block (number_blocks.with_default_numbers)
    # Every day alike (a list of spans), or by weekday ({mon: [...], ...}; a weekday left out is closed).
    hours: list[str] | dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[str]] = Field(
        default_factory=lambda: ["00:00-24:00"])
    closed_days: list[date] = Field(default_factory=list)  # this service only; the hall's holidays are apart
    daily_cap: int = Field(default=999, ge=1)
    last_ticket_at: str | None = None  # no ticket is handed out from this local time on, hours or not
    priority_allowed: bool = True
    default_service_time_s: int = Field(default=300, ge=10, le=14400)
    target_wait_s: int = Field(default=1800, ge=60)
    group: Text | None = None  # kiosks group services by field when there are many
    note: Text | None = None  # what to bring, shown on the kiosk's ticket screen
    open: bool = True  # the manager's switch: closed right now, whatever the hours say
    closed_reason: Text | None = None  # what the kiosk says while it is closed
    booking: Booking | None = None  # appointments: off unless set (server/appointments.py)
    _hours_enforced: bool = PrivateAttr(default=True)  # center.enforce_hours, set by HallConfig
    _holidays: dict[date, Text] = PrivateAttr(default_factory=dict)  # the hall's, set by HallConfig

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: str) -> str:
        NumberFormat.parse(value)
        return value

    @field_validator("note", "closed_reason")
    @classmethod
    def _note(cls, value: Text | None, info: Any) -> Text | None:
        # A note is read standing at the kiosk: a line or two, not a procedure.
        for lang, text in (("vi", value.vi), ("en", value.en)) if value else ():
            if len(text) > NOTE_MAX:
                raise ValueError(f"{info.field_name}.{lang} is {len(text)} characters long, at most {NOTE_MAX}")
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
        for spans in value.values() if isinstance(value, dict) else (value,):
            _check_spans(spans)
        return value

    @field_validator("last_ticket_at")
    @classmethod
    def _last_ticket(cls, value: str | None) -> str | None:
        if value:
            _parse_hhmm(value)
        return value or None

    @model_validator(mode="after")
    def _cap_fits(self) -> "Service":
        if self.daily_cap > self.number_format.capacity:
            raise ValueError(
                f"daily_cap {self.daily_cap} is more than the {self.number_format.capacity} numbers in {self.numbers!r}"
            )
        return self

    @property
    def number_format(self) -> NumberFormat:
        return NumberFormat.parse(self.numbers)

    def hours_on(self, day: date) -> list[str]:
        """The spans the service takes tickets on a day (by its weekday), as written."""
        if isinstance(self.hours, dict):
            return list(self.hours.get(WEEKDAYS[day.weekday()], []))
        return list(self.hours)

    def closed_at(self, local: datetime) -> str | None:
        """Why the service takes no ticket at this local moment, or None when it does.

        `closed` (the manager's switch) always holds; `holiday`, `closed_day`, `last_ticket`
        and `out_of_hours` only where the center enforces hours (center.enforce_hours).
        """
        if not self.open:
            return "closed"
        if not self._hours_enforced:
            return None
        day, now = local.date(), local.time()
        if day in self._holidays:
            return "holiday"
        if day in self.closed_days:
            return "closed_day"
        if self.last_ticket_at and now >= _parse_hhmm(self.last_ticket_at):
            return "last_ticket"
        if not any(start <= now < end for start, end in _spans(self.hours_on(day))):
            return "out_of_hours"
        return None

    def closed_text(self, local: datetime) -> Text | None:
        """What a kiosk says of a closed service: the manager's reason, or the holiday's name."""
        why = self.closed_at(local)
        if why == "closed":
            return self.closed_reason
        if why == "holiday":
            return self._holidays[local.date()]
        return None


class Counter(Strict):
    number: int = Field(ge=1, le=999)
    name: Text
    display_name: Text | None = None  # what the screen above the counter says, when not its name
    services: list[str] = Field(min_length=1)
    picking: Literal["oldest_first", "preference"] = "oldest_first"
    # "1:2": one priority ticket, then two normal ones, while both wait. None: priority always first.
    priority_ratio: str | None = Field(default=None, pattern=r"^[1-9]\d?:[1-9]\d?$")

    def ratio(self) -> tuple[int, int] | None:
        if not self.priority_ratio:
            return None
        priority, normal = self.priority_ratio.split(":")
        return int(priority), int(normal)


class Choice(Strict):
    """One entry of a configurable list: a stable code and its names."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: Text


DEFAULT_PRIORITY = [Choice(code=code, name=Text(vi=vi, en=en)) for code, (vi, en) in PRIORITY.items()]
DEFAULT_REASONS = [
    Choice(code="long_wait", name=Text(vi="Chờ quá lâu", en="Waited too long")),
    Choice(code="attitude", name=Text(vi="Thái độ phục vụ", en="Staff attitude")),
    Choice(code="unclear", name=Text(vi="Hướng dẫn chưa rõ", en="Unclear guidance")),
    Choice(code="documents", name=Text(vi="Yêu cầu thêm giấy tờ", en="Asked for more documents")),
    Choice(code="other", name=Text(vi="Lý do khác", en="Other")),
]


class Console(Strict):
    allow_call_specific: bool = True  # staff may call a given number (e.g. a no-show who came back)
    pause_reasons: list[Choice] = [
        Choice(code="break", name=Text(vi="Nghỉ giải lao", en="Break")),
        Choice(code="meeting", name=Text(vi="Họp", en="Meeting")),
        Choice(code="training", name=Text(vi="Tập huấn", en="Training")),
        Choice(code="other", name=Text(vi="Việc khác", en="Other")),
    ]


class RatingSettings(Strict):
    unlock_seconds: int = Field(default=30, ge=5, le=600)  # the tablet takes a rating this long after finish
    grace_seconds: int = Field(default=60, ge=0, le=600)  # a rating begun before it locked may still arrive
    low_score: int = Field(default=2, ge=1, le=3)  # this score and below asks for a reason
    reasons: list[Choice] = DEFAULT_REASONS


class Center(Strict):
    name: Text
    timezone: str = "Asia/Ho_Chi_Minh"
    day_starts_at: str = "00:00"
    ticket_footer: Text | None = None
    # Outside its hours a service takes no tickets: kiosks say "Ngoài giờ tiếp nhận". The demo
    # config turns this off so that the system can be tried at any hour.
    enforce_hours: bool = True

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone (e.g. Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("day_starts_at")
    @classmethod
    def _day_start(cls, value: str) -> str:
        _parse_hhmm(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def day_start(self) -> time:
        return _parse_hhmm(self.day_starts_at)

    def business_day(self, now: datetime) -> date:
        """The business day a moment belongs to: before `day_starts_at` it still counts as yesterday."""
        local = now.astimezone(self.tz)
        return local.date() - timedelta(days=1) if local.time() < self.day_start else local.date()

    def local(self, now: datetime) -> datetime:
        """A moment on the center's own clock (its date and weekday decide a service's hours)."""
        return now.astimezone(self.tz)

    def iso(self, moment: datetime | None) -> str | None:
        """ISO 8601 in the center's time zone, with its UTC offset."""
        return moment.astimezone(self.tz).isoformat(timespec="seconds") if moment else None


class ServerSettings(Strict):
    async_mode: Literal["eventlet", "threading"] = "eventlet"
    database_url: str | None = None
    # redis://… : several `hallq serve` processes on one database act as one hall (server/feed.py).
    message_queue: str | None = None
    public_url: str = ""
    kiosk_tickets_per_minute: int = Field(default=30, ge=1)
    login_attempts_per_minute: int = Field(default=10, ge=1)  # per client address
    # All addresses together: a flood from many addresses still hashes at most this many a minute.
    # Unset: six times the per-address limit, and at least 60.
    login_attempts_per_minute_total: int | None = Field(default=None, ge=1)
    hash_threads: int = Field(default=2, ge=1, le=8)  # password hashes at once (64 MiB each)
    # A connection that sends nothing for this long, or not a whole request head, is closed.
    idle_timeout_s: float = Field(default=60, ge=1, le=3600)
    # Open connections from one address; 0: no cap. A NAT'd Wi-Fi puts every phone behind one.
    max_connections_per_address: int = Field(default=256, ge=0)
    # Reverse proxies (nginx) whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses
    # or networks. Empty: nobody's (server/proxies.py; $HALLQ_TRUSTED_PROXIES wins).
    trusted_proxies: list[str] = Field(default_factory=list)
    recent_calls: int = Field(default=8, ge=1, le=50)
    token_ttl_hours: int = Field(default=12, ge=1)
    db_threads: int = Field(default=3, ge=2, le=32)
    sqlite_synchronous: Literal["full", "normal"] = "full"

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        return [str(parse_network(item)) for item in value]

    @field_validator("message_queue")
    @classmethod
    def _queue_url(cls, value: str | None) -> str | None:
        return check_message_queue(value) if value else None

    @property
    def login_total_per_minute(self) -> int:
        return self.login_attempts_per_minute_total or max(60, 6 * self.login_attempts_per_minute)


class Voice(Strict):
    template: Text = Text(
        vi="Mời công dân có số thứ tự {number} đến quầy số {counter}",
        en="Ticket number {number}, please go to counter {counter}",
    )
    reading: Literal["words", "digits"] = "words"
    pack: str = "vi-espeak"
    mode: Literal["clips", "speech"] = "clips"  # speech: the TV's own Web Speech voice
    repeat: int = Field(default=1, ge=1, le=3)


class DisplaySettings(Strict):
    notice: Text | None = None  # the scrolling line at the bottom of the board (the machine's, kept here)
    services: list[str] | None = None  # seeds the set-up's `boards` (HallConfig.boards)
    counters: list[int] | None = None


class Board(Strict):
    """One hall board's set-up, by its display device's name: what it shows and how it is laid out."""

    services: list[str] | None = None  # None: all
    counters: list[int] | None = None
    layout: Literal["auto", "landscape", "portrait"] = "auto"  # auto: the screen's shape decides
    rotate: Literal[0, 90, 270] = 0  # degrees clockwise: a TV on its side whose player cannot turn its output
    media: bool = True  # false: this board never shows the media zone


class Displays(Strict):
    public: bool = True
    notice: Text | None = None
    boards: dict[str, DisplaySettings] = Field(default_factory=dict)  # by display device name


class Reports(Strict):
    history_days: int = Field(default=1095, ge=30, le=36500)  # tickets, events, ratings kept
    summary_days: int = Field(default=3650, ge=30, le=36500)  # daily and monthly summaries kept
    purge_batch: int = Field(default=2000, ge=100, le=100000)  # rows deleted per write transaction


class Appointments(Strict):
    """The machine's side of appointments (each service's slots are in the set-up: Service.booking)."""

    keep_days: int = Field(default=30, ge=1, le=3650)  # a booking's name and phone are erased this long after its day
    grace_minutes: int = Field(default=15, ge=0, le=240)  # later than this after the slot began: a walk-in
    per_minute_per_address: int = Field(default=6, ge=1, le=100000)  # bookings tried from one address
    open_per_phone: int = Field(default=3, ge=1, le=50)  # bookings not yet used that one phone number may hold


class Upstream(Strict):
    """Where a center reports to its province (server/upstream.py): the province's address and this center's site token."""

    url: str = Field(pattern=r"^https?://\S+$")
    token: str = Field(min_length=1)
    batch_seqs: int = Field(default=500, ge=1, le=5000)  # hall seqs per batch sent


class SiteTargets(Strict):
    """On a province: the one measure every center is judged by on /admin/sites (docs/province.md)."""

    wait_target_s: int = Field(default=900, ge=60, le=86400)  # average wait today, and longest wait now
    satisfaction_target: float = Field(default=0.9, ge=0, le=1)  # share of today's ratings satisfied or better


# -- webhooks (server/webhooks.py, docs/integration.md) ---------------------------------------

WEBHOOK_EVENTS = ("ticket.issued", "ticket.called", "ticket.finished", "ticket.no_show", "ticket.rated")


class Webhook(Strict):
    """A receiver of the hall's events: signed POSTs, at least once, in seq order (docs/integration.md)."""

    url: str
    secret: str = Field(min_length=1, repr=False)  # never shown back: the API and the logs leave it out
    events: list[str] = Field(min_length=1)
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # default: the URL's host
    dead_after: int = Field(default=5, ge=1, le=100)  # 4xx answers to one event before it is a dead letter
    ca_file: str | None = None  # https: a CA bundle (PEM) to trust besides the system's, e.g. the LAN's own CA

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/?#]+\S*$", value):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"{value!r}: no such file (a PEM bundle of the CA that signed the receiver's certificate)")
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the secret is blank")
        return value

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        for event in value:
            if event not in WEBHOOK_EVENTS:
                raise ValueError(f"unknown event {event!r} (known: {', '.join(WEBHOOK_EVENTS)})")
        return list(dict.fromkeys(value))


def _webhook_names(hooks: list[Webhook]) -> list[Webhook]:
    """Every receiver named: its own name, else its URL's host (a second on one host: host-2, …)."""
    taken = [h.name for h in hooks if h.name]
    dupes = {n for n in taken if taken.count(n) > 1}
    if dupes:
        raise ValueError(f"webhooks: the name {sorted(dupes)[0]!r} is used twice")
    used, named = set(taken), []
    for hook in hooks:
        if not hook.name:
            host = (urlsplit(hook.url).hostname or "webhook").lower()
            name, n = host, 1
            while name in used:
                n += 1
                name = f"{host}-{n}"
            hook = hook.model_copy(update={"name": name})
            used.add(name)
        named.append(hook)
    return named


class HallConfig(Strict):
    center: Center
    server: ServerSettings = ServerSettings()
    voice: Voice = Voice()
    display: Displays = Displays()
    console: Console = Console()
    rating: RatingSettings = RatingSettings()
    priority_categories: list[Choice] = DEFAULT_PRIORITY
    reports: Reports = Reports()
    appointments: Appointments = Appointments()
    # The hall's set-up (services, counters, holidays, priority categories) seeds a new database;
    # from then on the database is the truth (server/setup.py). A hall may start with none.
    services: list[Service] = Field(default_factory=list)
    counters: list[Counter] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    boards: dict[str, Board] = Field(default_factory=dict)  # without it: display.boards' filters seed it
    printers: dict[str, PrinterEntry] = Field(default_factory=dict)
    province: bool = False  # a provincial server: takes every center's reports (server/province.py, docs/province.md)
    upstream: Upstream | None = None  # this center reports to a province ($HALLQ_UPSTREAM_URL/_TOKEN win)
    sites: SiteTargets = SiteTargets()  # on a province: the targets /admin/sites ranks centers by
    webhooks: list[Webhook] = Field(default_factory=list)  # receivers of the hall's events (server/webhooks.py)

    @model_validator(mode="before")
    @classmethod
    def _default_numbers(cls, data: Any) -> Any:
        """Each service without `numbers` gets its own free block (see server/number_blocks.py)."""
        if not isinstance(data, dict) or not isinstance(data.get("services"), list):
            return data
        return {**data, "services": with_default_numbers(data["services"], Service)}

    @model_validator(mode="before")
    @classmethod
    def _seed_boards(cls, data: Any) -> Any:
        """Without a `boards` key, config.yaml's `display.boards` say what each board shows (as they always did)."""
        if not isinstance(data, dict) or "boards" in data:
            return data
        display = data.get("display")
        given = display.get("boards") if isinstance(display, dict) else None
        if not isinstance(given, dict):
            return data
        boards = {name: {key: board[key] for key in ("services", "counters") if board.get(key) is not None}
                  for name, board in given.items() if isinstance(board, dict)}
        return {**data, "boards": boards}

    @field_validator("webhooks")
    @classmethod
    def _webhooks(cls, value: list[Webhook]) -> list[Webhook]:
        return _webhook_names(value)

    @model_validator(mode="after")
    def _references(self) -> "HallConfig":
        holidays = {h.date: h.name for h in self.holidays}
        if len(holidays) < len(self.holidays):
            raise ValueError("holidays: a day is given twice")
        for svc in self.services:
            svc._hours_enforced = self.center.enforce_hours
            svc._holidays = holidays
        codes = [s.code for s in self.services]
        dupes = {c for c in codes if codes.count(c) > 1}
        if dupes:
            raise ValueError(f"services: code {sorted(dupes)[0]!r} is used twice")
        check_apart([(svc.code, svc.numbers) for svc in self.services])
        reserved = [n for n in self.printers if n == AGENT_PRINTER or n.startswith(AGENT_PRINTER + ":")]
        if reserved:
            raise ValueError(f"printers: the name {reserved[0]!r} is reserved (a printer on the kiosk's own PC)")
        numbers = [c.number for c in self.counters]
        dupes_n = {n for n in numbers if numbers.count(n) > 1}
        if dupes_n:
            raise ValueError(f"counters: number {sorted(dupes_n)[0]} is used twice")
        for i, counter in enumerate(self.counters):
            for code in counter.services:
                if code not in codes:
                    raise ValueError(f"counters.{i}.services: unknown service {code!r} (known: {', '.join(codes)})")
        for name, board in self.boards.items():  # display.boards' when they seed it
            for code in board.services or []:
                if code not in codes:
                    raise ValueError(f"boards.{name}.services: unknown service {code!r}")
            for n in board.counters or []:
                if n not in numbers:
                    raise ValueError(f"boards.{name}.counters: unknown counter {n}")
        return self

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    def counter(self, number: int) -> Counter | None:
        return next((c for c in self.counters if c.number == number), None)


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    more = len(err.errors()) - 1
    # Cross-key checks on the whole file already name their key in the message.
    return (f"{where}: {msg}" if where else msg) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


def parse_config(data: Any) -> HallConfig:
    """Validate a parsed YAML document; raise ConfigError naming the key."""
    if not isinstance(data, dict):
        raise ConfigError("the file must be a YAML mapping with center, services and counters")
    try:
        return HallConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(err)) from None


def config_path(explicit: str | None = None) -> Path:
    """The config file to use: --config, then HALLQ_CONFIG, then ./config.yaml."""
    return Path(explicit or os.environ.get("HALLQ_CONFIG") or "config.yaml").resolve()


def load_config(path: Path) -> HallConfig:
    """Read and validate config.yaml."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (pass --config or set HALLQ_CONFIG)") from None
    except OSError as err:
        raise ConfigError(f"{path}: {err.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    try:
        return parse_config(data)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None


def database_url(config: HallConfig, path: Path) -> str:
    """HALLQ_DATABASE_URL, then server.database_url, then hallq.db beside the config."""
    return (
        os.environ.get("HALLQ_DATABASE_URL")
        or config.server.database_url
        or f"sqlite:///{path.parent / 'hallq.db'}"
    )


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An address (`127.0.0.1`, `::1`) or a network (`10.0.0.0/8`), as a network; ValueError if neither."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not an address or a network (e.g. 127.0.0.1, 10.0.0.0/8, ::1)") from None


MESSAGE_QUEUE_SCHEMES = ("redis://", "rediss://", "unix://")


def check_message_queue(url: str) -> str:
    """A message queue URL as given, when it is one hallq can use (Redis)."""
    url = url.strip()
    if not url.lower().startswith(MESSAGE_QUEUE_SCHEMES):
        raise ValueError(f"{url!r} is not a Redis URL (redis://HOST:PORT/DB, rediss://… or unix://…)")
    return url


def message_queue(config: HallConfig, explicit: str | None = None) -> str | None:
    """--message-queue, then HALLQ_MESSAGE_QUEUE, then server.message_queue; None: one process alone."""
    url = explicit or os.environ.get("HALLQ_MESSAGE_QUEUE") or config.server.message_queue
    if not url:
        return None
    try:
        return check_message_queue(url)
    except ValueError as err:
        raise ConfigError(f"message queue: {err}") from None


def upstream(config: HallConfig) -> Upstream | None:
    """$HALLQ_UPSTREAM_URL with $HALLQ_UPSTREAM_TOKEN (both or neither), then `upstream:`; None: no province."""
    url, token = os.environ.get("HALLQ_UPSTREAM_URL", "").strip(), os.environ.get("HALLQ_UPSTREAM_TOKEN", "").strip()
    if not url and not token:
        return config.upstream
    if not token or not url:
        missing = "HALLQ_UPSTREAM_TOKEN" if url else "HALLQ_UPSTREAM_URL"
        given = "HALLQ_UPSTREAM_URL" if url else "HALLQ_UPSTREAM_TOKEN"
        raise ConfigError(f"upstream: {given} is set but {missing} is not (set both, or neither)")
    try:
        return Upstream(url=url, token=token)
    except ValidationError as err:
        raise ConfigError(f"upstream: HALLQ_UPSTREAM_URL: {_describe(err)}") from None
