"""What each endpoint reads: its JSON body or its query string, as a pydantic model.

Bodies are strict (a score of "4" is not 4, `true` is not a counter number); unknown fields
are ignored, as they always were. Each field says with `Refuse` which of the contract's errors
a wrong value gets; a required field that is absent, null or "" is `missing_field`.
The same models describe the requests in the OpenAPI document (server/api/openapi.py).
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Callable, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError, PydanticUseDefault


class Refuse:
    """The error a wrong value of a field gets: a catalog code and its message's parameters.

    A parameter may be a function of the hall's config (its printer names, its priority
    categories): it is filled in when a value is refused.
    """

    def __init__(self, code: str = "invalid_value", **params: str | Callable[[Any], str]) -> None:
        self.code, self.params = code, params

    def __repr__(self) -> str:
        return f"Refuse({self.code!r})"


def _present(value: Any) -> Any:
    if value is None or value == "":
        raise PydanticCustomError("missing", "Field required")
    return value


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def text(max_len: int, *, required: bool = False) -> Any:
    """A string of at most `max_len` characters; `required`: absent, null and "" are `missing_field`."""
    if required:
        return Annotated[str, BeforeValidator(_present), StringConstraints(min_length=1, max_length=max_len),
                         Refuse(allowed=f"text up to {max_len} characters")]
    return Annotated[str, StringConstraints(max_length=max_len), Refuse(allowed=f"text up to {max_len} characters")]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


# A field that may be left out but not sent as null: absent means "unchanged".
UNCHANGED: Any = Field(None, json_schema_extra=_no_default)

Score = Annotated[int, Field(ge=1, le=4, description="4 = very satisfied"), Refuse(allowed="1..4")]
Lang = Annotated[Literal["vi", "en"] | None, BeforeValidator(_blank_is_none), Refuse(allowed="vi, en")]


class Body(BaseModel):
    """A JSON request body."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Query(BaseModel):
    """A query string: every value arrives as text."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# -- bodies ----------------------------------------------------------------------------------


class Login(Body):
    username: text(64, required=True)
    password: text(200, required=True)


class ChangePassword(Body):
    current: text(200, required=True) = Field(description="the password now")
    new: text(200, required=True) = Field(description="the new password, at least 8 characters")


def _priority_allowed(config: Any) -> str:
    return "true, false, " + ", ".join(c.code for c in config.priority_categories)


class IssueTicket(Body):
    """A ticket of `service`, or (`appointment`) the check-in of a booking: one of the two."""

    service: text(16) | None = Field(None, description="the service's code (required without `appointment`)")
    appointment: text(40) | None = Field(None, description="a booking's code: checks it in (docs/appointments.md)")
    priority: Annotated[bool | str, Refuse(allowed=_priority_allowed)] = Field(
        False, description="true/false, or a priority category code from config (meaning true)")
    lang: Lang = Field(None, description="the printed ticket's language (default vi)")
    idempotency_key: text(100) | None = Field(None, description="the same key again returns the same ticket")

    @model_validator(mode="after")
    def _one(self) -> IssueTicket:
        if not self.service and not self.appointment:
            raise PydanticCustomError("missing_field", "service", {"field": "service"})
        return self


class RateTicket(Body):
    score: Score
    comment: text(1000) | None = None


class AmendRating(Body):
    """At least one of score, reason, comment. A score left out keeps the one given (null is refused)."""

    score: Score = UNCHANGED
    reason: text(40) | None = None
    comment: text(1000) | None = None

    @model_validator(mode="after")
    def _something(self) -> AmendRating:
        if self.score is None and self.reason is None and self.comment is None:
            raise PydanticCustomError("missing_field", "score, reason or comment", {"field": "score/reason/comment"})
        return self


class AmendCounterRating(AmendRating):
    number: text(16) | None = Field(None, description="the ticket the tablet rated (its number)")


class RateAtCounter(Body):
    score: Score
    reason: text(40) | None = Field(None, description="a low score's reason code from config")
    comment: text(1000) | None = None


class CallTicket(Body):
    number: text(16, required=True)
    service: text(16) | None = Field(None, description="which service, when two waiting tickets share the number")


class Transfer(Body):
    """One of `service` (wait again there) or `counter` (go first at that counter)."""

    counter: Annotated[int | None, Refuse(allowed="a counter number")] = None
    service: text(16) | None = None


class Pause(Body):
    reason: text(40) | None = Field(None, description="a pause reason code from config (default: the first)")


class NewUser(Body):
    username: text(200, required=True) = Field(description="letters without accents, digits, . _ -")
    role: text(16, required=True) = Field(description="staff, supervisor or admin")
    full_name: Annotated[str | None, Refuse("invalid_full_name", maximum=100)] = None
    password: text(200, required=True)
    counter: Annotated[int | None, Refuse(allowed="a counter number, or null")] = Field(
        None, description="bind the person to one counter")


class ChangeUser(Body):
    """Only the fields sent change; null clears `counter` and `full_name`."""

    role: text(16) | None = None
    active: Annotated[bool, Refuse(allowed="true, false")] = UNCHANGED
    password: text(200) | None = None
    counter: Annotated[int | None, Refuse(allowed="a counter number, or null")] = None
    full_name: Annotated[str | None, Refuse("invalid_full_name", maximum=100)] = None


def _printer_names(config: Any) -> str:
    return ", ".join(sorted(config.printers)) or "—"


class NewDevice(Body):
    name: Annotated[str, BeforeValidator(_present), Refuse("invalid_device_name", maximum=64)] = Field(
        description="1–64 characters, any script, / included")
    kind: Annotated[Literal["kiosk", "display", "rating"], BeforeValidator(_present),
                    Refuse(allowed="kiosk, display, rating")]
    printer: Annotated[str | None, Refuse("invalid_device_printer", names=_printer_names, detail="")] = Field(
        None, description="a kiosk's printer: a URL or a printer name from config")


def _notice_text(value: str) -> str:
    from ..notice import clean

    try:
        return clean(value)
    except ValueError as err:
        raise PydanticCustomError("invalid_notice", str(err)) from None


NoticeLine = Annotated[str, AfterValidator(_notice_text), Refuse("invalid_notice", maximum=500)]


class NoticeText(Body):
    vi: NoticeLine = Field("", description="shown to everyone; required when `en` is given")
    en: NoticeLine = Field("", description="shown on boards in English; empty: they show `vi`")


class SetNotice(Body):
    """`text` null, absent, or with both languages empty clears the notice."""

    text: NoticeText | None = None


# -- query strings ---------------------------------------------------------------------------


def _day(value: Any) -> Any:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        return value
    return date.fromisoformat(value)  # a ValueError is refused as the field's invalid_value


def _int_or_default(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PydanticUseDefault() from None


def _between(low: int, high: int | None) -> AfterValidator:
    return AfterValidator(lambda v: max(low, v if high is None else min(v, high)))


Day = Annotated[date | None, BeforeValidator(_day), Refuse(allowed="YYYY-MM-DD")]


class Range(Query):
    """Both days included; `from` defaults to today, `to` to `from`."""

    start: Day = Field(None, alias="from")
    end: Day = Field(None, alias="to")


class Export(Range):
    lang: Lang = Field(None, description="the language of the labels (default vi)")


class RatingsQuery(Range):
    limit: Annotated[int, BeforeValidator(_int_or_default), _between(1, 100)] = Field(
        20, description="1..100 (clamped)")
    offset: Annotated[int, BeforeValidator(_int_or_default), _between(0, None)] = 0


class AuditQuery(Query):
    limit: Annotated[int, BeforeValidator(_int_or_default), _between(1, 1000)] = Field(
        200, description="1..1000 (clamped)")


# -- appointments (server/api/appointments.py) ----------------------------------------------------

_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class SlotsQuery(Query):
    service: Annotated[str, BeforeValidator(_present), Refuse(allowed="a service's code")]
    day: Annotated[date, BeforeValidator(_present), BeforeValidator(_day), Refuse(allowed="YYYY-MM-DD")] = Field(
        alias="date")


class DayQuery(Query):
    day: Day = Field(None, alias="date", description="YYYY-MM-DD; default today")


class BookAppointment(Body):
    service: text(16, required=True)
    day: Annotated[date, BeforeValidator(_present), BeforeValidator(_day), Refuse(allowed="YYYY-MM-DD")] = Field(
        alias="date")
    start: Annotated[str, BeforeValidator(_present), StringConstraints(pattern=_HHMM), Refuse(allowed="HH:MM")]
    name: text(100) | None = None
    phone: text(30) | None = Field(None, description="8–15 digits; at most `appointments.open_per_phone` open bookings")
    lang: Lang = Field(None, description="the booking page's language (default vi)")
