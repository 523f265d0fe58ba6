"""Public reads of the hall: services, counters, the snapshot, the OpenAPI document."""
from __future__ import annotations

from flask import current_app, g, jsonify

from ..config import Board
from ..context import hall
from ..notice import current
from ..state import PUBLIC, STAFF, HallView, public_counter
from . import ApiError, allow, api
from .openapi import document
from .parse import answers
from .schemas_answers import Counter, DisplaySettings, Service, Snapshot


@api.get("/services")
@allow(public=True)
@answers(list[Service])
def services():
    """Services with people waiting, estimated wait and whether they take tickets now."""
    h = hall()
    return jsonify(h.db.read(lambda s: HallView(s, h.config, h.clock()).services()))


@api.get("/counters")
@allow(public=True)
@answers(list[Counter])
def counters():
    """Counters, their status and the ticket each serves (without its token)."""
    h = hall()
    counters = h.db.read(lambda s: HallView(s, h.config, h.clock()).counters())
    return jsonify(counters if _audience() == STAFF else [public_counter(c) for c in counters])


@api.get("/state")
@allow(public=True)
@answers(Snapshot)
def state():
    """The hall snapshot: the same body as the Socket.IO `snapshot` event (closed to anonymous callers
    when the public board is off)."""
    if g.principal.kind == "anonymous" and not hall().config.display.public:
        raise ApiError(401, "unauthenticated")
    return jsonify(hall().hub.snapshot(_audience()))


def _audience() -> str:
    """Staff and up see the whole hall; devices and anyone else the public part (see server/state.py)."""
    return STAFF if g.principal.at_least("staff") else PUBLIC


@api.get("/openapi.json")
@allow(public=True)
def openapi():
    """The OpenAPI document of this API, generated from its routes, models and access rules."""
    return jsonify(document(current_app))


@api.get("/display-settings")
@allow(public=True)  # a display token selects its own board
@answers(DisplaySettings)
def display_settings():
    """What a board shows, how it is laid out and how it speaks; a display token selects its own board."""
    h, p = hall(), g.principal
    d, v = h.config.display, h.config.voice
    paired = p.is_device("display")
    board = (h.config.boards.get(p.name) if paired else None) or Board()  # the set-up's, live
    machine = d.boards.get(p.name) if paired else None  # config.yaml's: only its own notice is read
    own = machine.notice if machine and machine.notice else None  # a board's own notice wins
    notice = own.model_dump() if own else h.db.read(current)
    return jsonify({
        "name": p.name if p.is_device("display") else None,
        "public": d.public,
        "paired": p.is_device("display"),
        "notice": notice,
        "own_notice": own is not None,  # true: this board keeps its notice when the hall's changes
        "services": board.services,
        "counters": board.counters,
        "layout": board.layout,
        "rotate": board.rotate,
        "media": board.media,
        "voice": {"mode": v.mode, "repeat": v.repeat, "reading": v.reading, "pack": v.pack,
                  "template": v.template.model_dump()},
        "center": {"name": h.config.center.name.model_dump(), "timezone": h.config.center.timezone},
    })
