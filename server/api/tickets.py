"""Tickets: issuing at a kiosk, the holder's view, rating, reprint, cancel."""
from __future__ import annotations

from flask import g, jsonify

from ..context import hall
from ..queueing.errors import Invalid, NotFound
from ..queueing.models import Ticket
from ..state import HallView
from . import ApiError, allow, api, body
from .parse import int_between, optional_bool, optional_str, required_str

PRIORITY_CATEGORIES = ("elderly", "disability", "pregnant", "small_children", "other")


def _priority(data: dict) -> tuple[bool, str | None]:
    """`priority` is true/false, or a category name meaning true."""
    value = data.get("priority", False)
    if isinstance(value, str):
        if value not in PRIORITY_CATEGORIES:
            raise Invalid("invalid_value", field="priority", allowed="true, false, " + ", ".join(PRIORITY_CATEGORIES))
        return True, value
    return optional_bool(data, "priority"), None


def _ticket(s, token: str) -> Ticket:
    from sqlalchemy import select

    ticket = s.execute(select(Ticket).where(Ticket.token == token)).scalar_one_or_none()
    if ticket is None:
        raise NotFound("not_found", what="ticket")
    return ticket


@api.post("/tickets")
@allow(role="staff", devices=("kiosk",))
def issue():
    """Hand out a number; never waits for a printer."""
    h, p = hall(), g.principal
    data = body()
    service = required_str(data, "service", 16)
    priority, category = _priority(data)
    lang = optional_str(data, "lang", 2) or "vi"
    key = optional_str(data, "idempotency_key", 100)
    if p.kind == "device" and not h.issue_limiter.allow(p.actor):
        raise ApiError(429, "rate_limited")
    now = h.clock()

    def op(s):
        out = h.engine.issue(s, service=service, actor=p.actor, now=now, priority=priority, category=category,
                             lang=lang, idempotency_key=key)
        view = HallView(s, h.config, now)
        events = [] if out.replayed else view.broadcasts(out)
        return view.ticket(out.ticket, with_token=True), events, out.replayed

    ticket, events, replayed = h.db.write(op)
    h.hub.publish(events)
    resp = jsonify({"ticket": ticket, "print": {"status": "none"}})
    resp.status_code = 201
    if replayed:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp


@api.get("/tickets/<token>")
@allow(anonymous=True)
def show(token: str):
    """A ticket as its holder sees it."""
    h = hall()
    now = h.clock()
    return jsonify({"ticket": h.db.read(lambda s: HallView(s, h.config, now).ticket(_ticket(s, token), with_token=True))})


@api.post("/tickets/<token>/rating")
@allow(anonymous=True, devices=("rating",))
def rate(token: str):
    """The citizen's satisfaction with a finished ticket, 1..4 (4 = very satisfied)."""
    h, p = hall(), g.principal
    if p.kind not in ("anonymous", "device") or (p.kind == "device" and p.device_kind != "rating"):
        raise ApiError(403, "forbidden")  # staff never rate their own service
    data = body()
    score = int_between(data, "score", 1, 4)
    comment = optional_str(data, "comment", 1000)
    now = h.clock()

    def op(s):
        ticket = _ticket(s, token)
        out = h.engine.rate(s, ticket, score=score, comment=comment, actor=p.actor, now=now)
        return HallView(s, h.config, now).broadcasts(out)

    h.hub.publish(h.db.write(op))
    return jsonify({"rating": {"score": score, "comment": comment}}), 201


@api.post("/tickets/<token>/cancel")
@allow(anonymous=True, role="staff")
def cancel(token: str):
    """Withdraw a waiting ticket (its holder, or staff)."""
    h, p = hall(), g.principal
    now = h.clock()

    def op(s):
        out = h.engine.cancel(s, _ticket(s, token), actor=p.actor, now=now)
        view = HallView(s, h.config, now)
        return view.ticket(out.ticket, with_token=True), view.broadcasts(out)

    ticket, events = h.db.write(op)
    h.hub.publish(events)
    return jsonify({"ticket": ticket})


@api.post("/tickets/<token>/reprint")
@allow(role="staff", devices=("kiosk",))
def reprint(token: str):
    """Print a ticket again on the issuing kiosk's printer."""
    h, p = hall(), g.principal

    def op(s):
        ticket = _ticket(s, token)
        if p.kind == "device" and ticket.issued_by != p.actor:
            raise ApiError(403, "forbidden")
        return ticket.issued_by

    h.db.read(op)
    if not p.printer:
        return jsonify({"print": {"status": "none", "message": "no printer attached"}})
    return jsonify({"print": {"status": "none", "message": "printing arrives with the printer drivers"}})
