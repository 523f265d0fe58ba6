"""Public reads of the hall: services, counters, the snapshot, the OpenAPI document."""
from __future__ import annotations

from flask import jsonify

from ..context import hall
from ..state import HallView
from . import allow, api
from .openapi import document


@api.get("/services")
@allow(anonymous=True)
def services():
    """Services with people waiting, estimated wait and whether they take tickets now."""
    h = hall()
    return jsonify(h.db.read(lambda s: HallView(s, h.config, h.clock()).services()))


@api.get("/counters")
@allow(anonymous=True)
def counters():
    """Counters, their status and the ticket each serves (without its token)."""
    h = hall()
    return jsonify(h.db.read(lambda s: HallView(s, h.config, h.clock()).counters()))


@api.get("/state")
@allow(anonymous=True)
def state():
    """The hall snapshot: the same body as the Socket.IO `snapshot` event."""
    return jsonify(hall().hub.snapshot())


@api.get("/openapi.json")
@allow(anonymous=True)
def openapi():
    """The OpenAPI document of this API."""
    return jsonify(document())
