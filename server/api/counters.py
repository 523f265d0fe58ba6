"""Counter actions by staff: call, recall, start, finish, no-show, transfer, pause, resume."""
from __future__ import annotations

from typing import Any

from flask import g, jsonify

from ..context import hall
from ..queueing.errors import NotFound
from ..state import HallView
from . import allow, api, base_url, body
from .parse import optional_str, required_str



def act(n: int, operation: str, **params: Any):
    """Run one engine operation for counter n, commit, then tell the hall."""
    h, p = hall(), g.principal
    if h.config.counter(n) is None:
        raise NotFound("unknown_counter", counter=n)
    now, base = h.clock(), base_url()

    def op(s):
        out = getattr(h.engine, operation)(s, n, actor=p.actor, now=now, **params)
        view = HallView(s, h.config, now, base)
        events = view.broadcasts(out)
        ticket = view.ticket(out.ticket, with_token=True) if out.ticket is not None else None
        return {"ticket": ticket, "counter": view.counter(n, with_token=True)}, events

    result, events = h.db.write(op)
    h.hub.publish(events)
    return jsonify(result)


@api.post("/counters/<int:n>/call-next")
@allow(role="staff")
def call_next(n: int):
    """Call the next waiting ticket by the counter's picking rule."""
    return act(n, "call_next")


@api.post("/counters/<int:n>/call")
@allow(role="staff")
def call_ticket(n: int):
    """Call one ticket by its number: a waiting one, or a no-show who came back."""
    return act(n, "call_ticket", number=required_str(body(), "number", 16))


@api.post("/counters/<int:n>/recall")
@allow(role="staff")
def recall(n: int):
    """Announce the current ticket again."""
    return act(n, "recall")


@api.post("/counters/<int:n>/start")
@allow(role="staff")
def start(n: int):
    """The citizen arrived; service starts."""
    return act(n, "start")


@api.post("/counters/<int:n>/finish")
@allow(role="staff")
def finish(n: int):
    """Service is over."""
    return act(n, "finish")


@api.post("/counters/<int:n>/no-show")
@allow(role="staff")
def no_show(n: int):
    """The called citizen did not come."""
    return act(n, "no_show")


@api.post("/counters/<int:n>/transfer")
@allow(role="staff")
def transfer(n: int):
    """The current ticket waits again in another service, keeping its number."""
    return act(n, "transfer", service=required_str(body(), "service", 16))


@api.post("/counters/<int:n>/pause")
@allow(role="staff")
def pause(n: int):
    """The counter stops taking tickets, with a reason (break, meeting, training)."""
    reason = optional_str(body(), "reason", 40) or "break"
    return act(n, "pause", reason=reason)


@api.post("/counters/<int:n>/resume")
@allow(role="staff")
def resume(n: int):
    """The counter takes tickets again."""
    return act(n, "resume")
