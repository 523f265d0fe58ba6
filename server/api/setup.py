"""The hall's set-up, changed live by admins: services, counters, holidays, boards (server/setup.py keeps it).

Each change is one unit of work (`Hall.change`): the set-up row locked and changed, the whole
hall checked, the change audited with its before and after, and a `setup_changed` event (a
fresh snapshot) sent, so kiosks, boards and consoles redraw at once; then this process serves
the new set-up. A change that would leave waiting tickets with no counter to call them, or
close a service people are waiting in, is refused with 409 `would_strand` (how many) until it
is sent again with `confirm: true`.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import g, jsonify, request
from sqlalchemy import select

from .. import setup
from ..auth import device_name
from ..config import Choice, Counter, Holiday, Service
from ..context import hall
from ..number_blocks import NumberFormat, default_blocks
from ..people import audit
from ..records import Device
from ..queueing.errors import Conflict, Invalid, NotFound
from ..queueing.outcome import Outcome, SetupChanged
from . import allow, api
from .parse import answers, takes
from .schemas_setup import (
    BoardBody, BoardSpec, CounterPatch, CounterSpec, HallSetup, Holidays, NewCounter, NewService, PriorityCategories,
    ServicePatch, ServiceSpec, SetHolidays, SetPriorityCategories,
)


@api.get("/setup")
@allow(role="admin")
@answers(HallSetup)
def get_setup():
    """The hall's whole set-up as the admin page edits it, and its version."""
    h = hall()
    version, doc = h.db.read(setup.load)
    return jsonify({"version": version, "services": [setup.service_json(svc) for svc in doc["services"]],
                    "counters": [setup.counter_json(c) for c in doc["counters"]],
                    "holidays": doc.get("holidays", []), "priority_categories": doc.get("priority_categories", []),
                    "boards": {name: setup.board_json(b) for name, b in doc.get("boards", {}).items()}})


def changed(what: str, target: str | None, edit: Callable[[setup.Change], tuple[Any, Any, Any]], *,
            confirm: bool = False, status: int = 200):
    """Run one set-up change: `edit` changes the document and returns (before, after, answer)."""
    h, p = hall(), g.principal
    now, address = h.clock(), request.remote_addr
    done: dict[str, Any] = {}

    def work(s):
        change = setup.Change(s, h.config)
        before, after, answer = edit(change)
        config = change.finish(p.actor, now, confirm=confirm)
        audit(s, p.actor, what, target, now, address, before=before, after=after)
        done.update(config=config, version=change.row.version, answer=answer)
        return Outcome(ticket=None, changes=[SetupChanged(change.row.version, config)])

    h.change(work, now=now, base_url=request.host_url)
    h.use(done["config"], done["version"])
    return jsonify(done["answer"]), status


@api.post("/services")
@allow(role="admin")
@takes(NewService)
@answers(ServiceSpec, status=201)
def add_service(body: NewService):
    """A new service, on kiosks and boards at once; its code and number block must be its own (409)."""
    given = body.model_dump(exclude_unset=True)

    def edit(change):
        if any(svc["code"] == body.code for svc in change.doc["services"]):
            raise Conflict("service_code_in_use", service=body.code)
        if "numbers" not in given:  # its own block: the next free thousand
            taken = [NumberFormat.parse(svc["numbers"]) for svc in change.doc["services"]]
            given["numbers"] = default_blocks(taken, 1)[0]
        svc = setup.spec(Service, given)
        change.doc["services"].append(svc)
        return None, svc, setup.service_json(svc)

    return changed("service_added", body.code, edit, status=201)


@api.patch("/services/<code>")
@allow(role="admin")
@takes(ServicePatch)
@answers(ServiceSpec)
def update_service(code: str, body: ServicePatch):
    """Change a service live: its names, block, hours, closed days, cap, or open it and close it now."""
    given = body.model_dump(exclude_unset=True, exclude={"confirm"})

    def edit(change):
        svc = change.service(code)
        before = change.amend(svc, Service, {**given, "code": code})
        closing = before.get("open", True) and not svc.get("open", True)
        if closing and not body.confirm and (waiting := setup.waiting_in(change.s, code)):
            raise Conflict("would_strand", waiting=waiting, services=code)
        return before, dict(svc), setup.service_json(svc)

    return changed("service_changed", code, edit, confirm=body.confirm)


@api.post("/counters")
@allow(role="admin")
@takes(NewCounter)
@answers(CounterSpec, status=201)
def add_counter(body: NewCounter):
    """A new counter, live; its number must be its own (409)."""
    given = body.model_dump(exclude_unset=True)
    given.setdefault("name", {"vi": f"Quầy {body.number}", "en": f"Counter {body.number}"})

    def edit(change):
        if any(c["number"] == body.number for c in change.doc["counters"]):
            raise Conflict("counter_number_in_use", counter=body.number)
        counter = setup.spec(Counter, given)
        change.doc["counters"].append(counter)
        return None, counter, setup.counter_json(counter)

    return changed("counter_added", str(body.number), edit, status=201)


@api.patch("/counters/<int:n>")
@allow(role="admin")
@takes(CounterPatch)
@answers(CounterSpec)
def update_counter(n: int, body: CounterPatch):
    """Change a counter live: its names, or which services it calls in what order."""
    given = body.model_dump(exclude_unset=True, exclude={"confirm"})

    def edit(change):
        counter = change.counter(n)
        before = change.amend(counter, Counter, {**given, "number": n})
        return before, dict(counter), setup.counter_json(counter)

    return changed("counter_changed", str(n), edit, confirm=body.confirm)


@api.put("/holidays")
@allow(role="admin")
@takes(SetHolidays)
@answers(Holidays)
def set_holidays(body: SetHolidays):
    """The days the whole hall is closed (kiosks say the holiday's name); the list replaces the last one."""
    holidays = [setup.spec(Holiday, item.model_dump(), f"holidays.{i}") for i, item in enumerate(body.holidays)]
    holidays.sort(key=lambda item: item["date"])

    def edit(change):
        before = change.doc.get("holidays", [])
        change.doc["holidays"] = holidays
        return before, holidays, {"holidays": holidays}

    return changed("holidays_changed", None, edit)


def _paired(s, name: str) -> bool:
    """Is a display device of this name paired (not revoked)?"""
    return s.execute(select(Device.id).where(Device.name == name, Device.kind == "display",
                                             Device.revoked_at.is_(None))).first() is not None


@api.put("/boards/<device:name>")
@allow(role="admin")
@takes(BoardBody)
@answers(BoardSpec)
def set_board(name: str, body: BoardBody):
    """What one hall board shows and how it is laid out, live; the name may be a display not paired yet."""
    name = device_name(name)  # as a device of that name would be stored
    given = body.model_dump()

    def edit(change):
        codes = {svc["code"] for svc in change.doc["services"]}
        numbers = {c["number"] for c in change.doc["counters"]}
        for code in given["services"] or []:
            if code not in codes:
                raise Invalid("unknown_service", service=code, field="services")
        for number in given["counters"] or []:
            if number not in numbers:
                raise Invalid("unknown_counter", counter=number, field="counters")
        boards = change.doc.setdefault("boards", {})
        before = boards.get(name)
        boards[name] = {key: value for key, value in given.items() if value is not None}
        return before, boards[name], {"name": name, **setup.board_json(boards[name]), "paired": _paired(change.s, name)}

    return changed("board_changed", name, edit)


@api.delete("/boards/<device:name>")
@allow(role="admin")
@answers(BoardSpec)
def remove_board(name: str):
    """A board's settings gone: it shows every service and counter, in the screen's own shape, again."""

    def edit(change):
        before = change.doc.get("boards", {}).pop(name, None)
        if before is None:
            raise NotFound("not_found", what=name)
        return before, None, {"name": name, **setup.board_json({}), "paired": _paired(change.s, name)}

    return changed("board_removed", name, edit)


@api.put("/priority-categories")
@allow(role="admin")
@takes(SetPriorityCategories)
@answers(PriorityCategories)
def set_priority_categories(body: SetPriorityCategories):
    """Who may take a priority ticket (the kiosk's list); an empty list offers none. Tickets keep their category."""
    categories = [setup.spec(Choice, item.model_dump(), f"categories.{i}") for i, item in enumerate(body.categories)]
    codes = [c["code"] for c in categories]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise Invalid("invalid_value", field=f"categories.{i}.code", allowed="≠ " + code)

    def edit(change):
        before = change.doc.get("priority_categories", [])
        change.doc["priority_categories"] = categories
        return before, categories, {"categories": categories}

    return changed("priority_categories_changed", None, edit)
