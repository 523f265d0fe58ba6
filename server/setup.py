"""The hall's set-up: its services, counters, holidays, priority categories and boards, kept in the database.

config.yaml's `services`, `counters`, `holidays` and `priority_categories` seed a new database
(the first start on a database without a set-up row), and its `display.boards` (what each board
shows) seed `boards` (then, or the first start after an upgrade that brought `boards`; a board's
own `notice` stays in config.yaml, the machine's); from then on the database is the truth,
changed live by the admin API (server/api/setup.py) and `hallq config import`, each change a
new version. Every other key of config.yaml is the machine's (port, database, printers, voice,
reports, the center's name and time zone) and stays in the file (docs/admin.md, "Where each
setting lives").

A change is one transaction: the set-up row locked, the document changed, the whole hall
validated as config.yaml would be (`applied`), the row written, the change audited. A process
serves the version it last loaded (`Hall.use`); it loads a newer one when the change is its own,
when another process's `setup_changed` event reaches it, or when its hub sees the version move
(a `hallq config import` beside a running server).
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .config import Board, ConfigError, Counter, HallConfig, Holiday, Service, parse_config
from .number_blocks import NumberFormat, overlap
from .queueing.errors import Conflict, Invalid, NotFound
from .queueing.models import WAITING, Setup, Ticket

KEYS = ("services", "counters", "holidays", "priority_categories", "boards")


def document(config: HallConfig) -> dict[str, Any]:
    """The set-up part of a config, as JSON (what the database keeps and `config export` writes)."""
    data = config.model_dump(mode="json", exclude_none=True)
    return {key: data.get(key, {} if key == "boards" else []) for key in KEYS}


def applied(base: HallConfig, doc: dict[str, Any]) -> HallConfig:
    """`base`'s machine settings with `doc`'s set-up, checked as one config.yaml; ConfigError if it is not one."""
    data = base.model_dump(mode="json", exclude=set(KEYS), exclude_none=True)
    return parse_config({**data, **{key: doc[key] for key in KEYS if key in doc}})


def seed(s: Session, config: HallConfig, now: datetime) -> None:
    """Put config.yaml's set-up in a database that has none yet, and its boards in one from before boards."""
    row = s.execute(select(Setup).where(Setup.id == 1)).scalar_one_or_none()
    if row is None:
        s.add(Setup(id=1, version=1, document=document(config), updated_at=now, updated_by="config"))
    elif "boards" not in row.document:  # the same version: every process reads the same file the same way
        row.document = {**row.document, "boards": document(config)["boards"]}


def load(s: Session) -> tuple[int, dict[str, Any]]:
    row = s.execute(select(Setup.version, Setup.document).where(Setup.id == 1)).one()
    return row.version, row.document


def version(s: Session) -> int:
    return s.execute(select(Setup.version).where(Setup.id == 1)).scalar_one()


def differs_from_file(config_file: HallConfig, loaded: HallConfig) -> list[str]:
    """The set-up keys config.yaml gives otherwise than the database (which wins), for a warning at start."""
    file, db = document(config_file), document(loaded)
    return [key for key in KEYS if file[key] != db[key]]


# -- one change ------------------------------------------------------------------------------


# The field a rule over a whole spec is about (a service's cap must fit its block of numbers).
WHOLE = {"Service": "daily_cap"}
# What a field takes, written so that it reads in either language (the message around it is the catalog's).
ALLOWED = {
    "code": "A–Z, 0–9, _ (≤ 16)", "numbers": "1001-1999, A###", "hours": "07:30-11:30, 13:30-17:00",
    "closed_days": "YYYY-MM-DD", "date": "YYYY-MM-DD", "last_ticket_at": "HH:MM", "note": "≤ 300",
    "closed_reason": "≤ 300", "priority_ratio": "1:2", "picking": "oldest_first, preference",
    "default_service_time_s": "10–14400", "target_wait_s": "≥ 60", "number": "1–999", "services": "≥ 1",
    "booking": "slot_minutes 5–240, per_slot 1–100, days_ahead 0–90, cutoff_minutes 0–10080, hours as a service's",
}


def invalid(err: ValidationError, prefix: str = "", data: dict[str, Any] | None = None) -> Invalid:
    """A spec's first wrong field as the contract's 422, named by its whole path (`hours.mon`)."""
    first = err.errors()[0]
    loc = first["loc"] or (WHOLE.get(err.title, ""),)
    field = ".".join(str(part) for part in (prefix, *loc) if part != "")
    if first["type"] == "missing":
        return Invalid("missing_field", field=field)
    own = {"Choice": {"code": "a–z, 0–9, _ (≤ 32)"}}.get(err.title, {})  # a priority category's code
    allowed = (own.get(str(loc[0])) or ALLOWED.get(str(loc[0]))) if loc and loc[0] != "" else None
    if loc and loc[0] == "daily_cap":  # at most the numbers in its block
        try:
            allowed = f"1–{NumberFormat.parse((data or {}).get('numbers', '')).capacity}"
        except (ValueError, TypeError, AttributeError):
            allowed = "≥ 1"
    return Invalid("invalid_value", field=field or prefix,
                   allowed=allowed or str(first["msg"]).removeprefix("Value error, "))


def checked(base: HallConfig, doc: dict[str, Any]) -> HallConfig:
    """The hall with this set-up, or the refusal that names what is wrong: duplicates and overlaps are 409s."""
    codes = [svc["code"] for svc in doc["services"]]
    for code in codes:
        if codes.count(code) > 1:
            raise Conflict("service_code_in_use", service=code)
    numbers = [counter["number"] for counter in doc["counters"]]
    for number in numbers:
        if numbers.count(number) > 1:
            raise Conflict("counter_number_in_use", counter=number)
    if found := overlap([(svc["code"], svc["numbers"]) for svc in doc["services"]]):
        one, block, other, other_block, shared = found
        raise Conflict("numbers_overlap", service=one, numbers=block, other=other, other_numbers=other_block,
                       shared=shared)
    for counter in doc["counters"]:
        for code in counter["services"]:
            if code not in codes:
                raise Invalid("unknown_service", service=code, field="services")
    for name, board in doc.get("boards", {}).items():
        for code in board.get("services") or []:
            if code not in codes:
                raise Invalid("unknown_service", service=code, field=f"boards.{name}.services")
        for number in board.get("counters") or []:
            if number not in numbers:
                raise Invalid("unknown_counter", counter=number, field=f"boards.{name}.counters")
    try:
        return applied(base, doc)
    except ConfigError as err:
        raise Invalid("invalid_value", field="setup", allowed=str(err)) from None


def waiting_by_service(s: Session) -> dict[str, int]:
    """Waiting tickets of each service that any of its counters may call (a ticket sent to a counter waits for it)."""
    rows = s.execute(select(Ticket.service, func.count()).where(
        Ticket.status == WAITING, Ticket.target_counter.is_(None)).group_by(Ticket.service)).all()
    return {service: n for service, n in rows if n}


def served(counters: list[dict[str, Any]]) -> set[str]:
    """The services some counter calls."""
    return {code for counter in counters for code in counter["services"]}


def waiting_in(s: Session, service: str) -> int:
    return s.execute(select(func.count()).where(Ticket.status == WAITING, Ticket.service == service)).scalar_one()


class Change:
    """One set-up change in a write transaction: the document, locked, to change; then `finish`."""

    def __init__(self, s: Session, base: HallConfig) -> None:
        self.s, self.base = s, base
        self.row = s.execute(select(Setup).where(Setup.id == 1).with_for_update()).scalar_one()
        self.doc = copy.deepcopy(self.row.document)

    def service(self, code: str) -> dict[str, Any]:
        found = next((svc for svc in self.doc["services"] if svc["code"] == code), None)
        if found is None:
            raise NotFound("unknown_service", service=code)
        return found

    def counter(self, number: int) -> dict[str, Any]:
        found = next((c for c in self.doc["counters"] if c["number"] == number), None)
        if found is None:
            raise NotFound("unknown_counter", counter=number)
        return found

    def amend(self, item: dict[str, Any], model: type[Service] | type[Counter], changes: dict[str, Any]) -> dict[str, Any]:
        """Change one service's or counter's JSON in place, checked alone (a 422 naming the field); its JSON before."""
        before = dict(item)
        checked_spec = spec(model, {**before, **changes})
        item.clear()
        item.update(checked_spec)
        return before

    def finish(self, actor: str, now: datetime, *, confirm: bool = False) -> HallConfig:
        """Check the hall as changed, refuse to strand waiting tickets unless confirmed, and write it."""
        config = checked(self.base, self.doc)
        if not confirm:  # a service some counter called before and none calls now, with people waiting in it
            dropped = served(self.row.document["counters"]) - served(self.doc["counters"])
            newly = {code: n for code, n in waiting_by_service(self.s).items() if code in dropped}
            if newly:
                raise Conflict("would_strand", waiting=sum(newly.values()), services=", ".join(sorted(newly)))
        self.row.document = self.doc
        self.row.version += 1
        self.row.updated_at, self.row.updated_by = now, actor
        return config


def spec(model: type[Service] | type[Counter] | type[Holiday], data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A service's, counter's or holiday's JSON as the set-up keeps it, checked alone; a 422 naming the field if not."""
    try:
        return model.model_validate(data).model_dump(mode="json", exclude_none=True)
    except ValidationError as err:
        raise invalid(err, prefix, data) from None


def service_json(svc: dict[str, Any]) -> dict[str, Any]:
    """A service as the API shows it: every field, null where unset."""
    return Service.model_validate(svc).model_dump(mode="json")


def counter_json(counter: dict[str, Any]) -> dict[str, Any]:
    return Counter.model_validate(counter).model_dump(mode="json")


def board_json(board: dict[str, Any]) -> dict[str, Any]:
    """A board's settings as the API shows them: every field, null (all) where unset."""
    return Board.model_validate(board).model_dump(mode="json")
