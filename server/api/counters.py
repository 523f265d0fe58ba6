"""Counter actions by staff: call, recall, start, finish, no-show, transfer, pause, resume."""
from __future__ import annotations

from typing import Any, Callable

from flask import g, jsonify
from sqlalchemy.orm import Session

from ..context import hall
from ..queueing.engine import Outcome
from ..queueing.errors import Invalid, NotFound
from ..queueing.models import Rating, Ticket
from ..state import HallView, counter_queue
from . import ApiError, allow, api, base_url, body
from .parse import int_between, optional_str, required_str



def check_counter(n: int) -> None:
    """The counter exists, and a person bound to another counter may not act here."""
    h, p = hall(), g.principal
    if h.config.counter(n) is None:
        raise NotFound("unknown_counter", counter=n)
    if p.counter is not None and p.counter != n and not p.at_least("supervisor"):
        raise ApiError(403, "wrong_counter", counter=p.counter)


# The engine's counter operations, by name: each a plain call that readers and tools can follow.
OPERATIONS: dict[str, Callable[..., Outcome]] = {
    "call_next": lambda e, s, n, **kw: e.call_next(s, n, **kw),
    "call_ticket": lambda e, s, n, **kw: e.call_ticket(s, n, **kw),
    "recall": lambda e, s, n, **kw: e.recall(s, n, **kw),
    "start": lambda e, s, n, **kw: e.start(s, n, **kw),
    "finish": lambda e, s, n, **kw: e.finish(s, n, **kw),
    "no_show": lambda e, s, n, **kw: e.no_show(s, n, **kw),
    "transfer": lambda e, s, n, **kw: e.transfer(s, n, **kw),
    "take": lambda e, s, n, **kw: e.take(s, n, **kw),
    "leave": lambda e, s, n, **kw: e.leave(s, n, **kw),
    "pause": lambda e, s, n, **kw: e.pause(s, n, **kw),
    "resume": lambda e, s, n, **kw: e.resume(s, n, **kw),
}


def act(n: int, operation: str, **params: Any):
    """Run one engine operation for counter n as one unit of work, and answer with the ticket and counter."""
    h, p = hall(), g.principal
    check_counter(n)
    now, base = h.clock(), base_url()
    run = OPERATIONS[operation]

    def answer(view: HallView, out: Outcome) -> dict[str, Any]:
        ticket = view.ticket(out.ticket, with_token=True) if out.ticket is not None else None
        return {"ticket": ticket, "counter": view.counter(n, with_token=True)}

    return jsonify(h.change(lambda s: run(h.engine, s, n, actor=p.actor, now=now, **params), answer,
                            now=now, base_url=base))


@api.post("/counters/<int:n>/call-next")
@allow(role="staff")
def call_next(n: int):
    """Call the next waiting ticket by the counter's picking rule."""
    return act(n, "call_next")


@api.post("/counters/<int:n>/call")
@allow(role="staff")
def call_ticket(n: int):
    """Call one ticket by its number: a waiting one, or a no-show who came back."""
    data = body()  # `service` picks between tickets that share a number (after a config change)
    return act(n, "call_ticket", number=required_str(data, "number", 16), service=optional_str(data, "service", 16))


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
    """The current ticket waits again in another service, or for one counter, keeping its number."""
    data = body()
    to_counter = data.get("counter")
    if to_counter is not None and (isinstance(to_counter, bool) or not isinstance(to_counter, int)):
        raise Invalid("invalid_value", field="counter", allowed="a counter number")
    return act(n, "transfer", service=optional_str(data, "service", 16), to_counter=to_counter)


@api.post("/counters/<int:n>/pause")
@allow(role="staff")
def pause(n: int):
    """The counter stops taking tickets, with a reason from config (break, meeting, training…)."""
    reasons = [r.code for r in hall().config.console.pause_reasons]
    reason = optional_str(body(), "reason", 40) or reasons[0]
    if reason not in reasons:
        raise Invalid("invalid_value", field="reason", allowed=", ".join(reasons))
    return act(n, "pause", reason=reason)


@api.get("/console-settings")
@allow(role="staff")
def console_settings():
    """What the staff console offers: calling a chosen number, pause reasons, priority categories."""
    c = hall().config
    return jsonify({"allow_call_specific": c.console.allow_call_specific,
                    "pause_reasons": [r.model_dump() for r in c.console.pause_reasons],
                    "priority_categories": [r.model_dump() for r in c.priority_categories]})


@api.post("/counters/<int:n>/take")
@allow(role="staff")
def take(n: int):
    """Sit down at the counter: it opens under your name."""
    return act(n, "take")


@api.post("/counters/<int:n>/leave")
@allow(role="staff")
def leave(n: int):
    """Leave the counter: it closes (finish or transfer its ticket first)."""
    return act(n, "leave")


@api.get("/counters/<int:n>/queue")
@allow(role="staff")
def queue(n: int):
    """Who waits for this counter, in the order it will call them, and today's no-shows."""
    h = hall()
    check_counter(n)
    now = h.clock()
    return jsonify(h.db.read(lambda s: counter_queue(s, h.config, n, now)))


@api.get("/counters/<int:n>/rating")
@allow(role="staff", devices=("rating",))
def rating_target(n: int):
    """What the counter's rating tablet may rate now: the ticket just finished, for a few seconds."""
    h = hall()
    check_counter(n)
    now = h.clock()

    def op(s):
        ticket = h.engine.rateable(s, n, now)
        if ticket is None:
            return {"ticket": None}
        until = ticket.finished_at.timestamp() + h.config.rating.unlock_seconds
        return {"ticket": {"number": ticket.number, "service": ticket.service,
                           "finished_at": ticket.finished_at.isoformat()},
                "seconds_left": max(0, int(until - now.timestamp()))}

    result = h.db.read(op)
    result["reasons"] = [r.model_dump() for r in h.config.rating.reasons]
    result["low_score"] = h.config.rating.low_score
    result["amend_seconds"] = h.config.rating.grace_seconds  # a reason may follow the saved score this long
    return jsonify(result)


@api.post("/counters/<int:n>/rating")
@allow(devices=("rating",))
def rate_at_counter(n: int):
    """The rating tablet's rating (1..4, 4 = very satisfied) of the ticket the counter just finished."""
    h, p = hall(), g.principal
    check_counter(n)
    data = body()
    score = int_between(data, "score", 1, 4)
    reason = optional_str(data, "reason", 40)
    comment = optional_str(data, "comment", 1000)
    now = h.clock()

    number = h.change(
        lambda s: h.engine.rate_at_counter(s, n, score=score, reason=reason, comment=comment, actor=p.actor, now=now),
        lambda view, out: out.ticket.number, now=now)
    return jsonify({"rating": {"number": number, "score": score, "reason": reason}}), 201


@api.patch("/counters/<int:n>/rating")
@allow(devices=("rating",))
def amend_at_counter(n: int):
    """Add the citizen's reason or comment (or a changed score) to the rating this tablet has just saved."""
    h, p = hall(), g.principal
    check_counter(n)
    data = body()
    amend = rating_amendment(data)
    number = optional_str(data, "number", 16)
    now = h.clock()

    def op(s):
        out = h.engine.amend_at_counter(s, n, actor=p.actor, now=now, number=number, **amend)
        return rating_json(s, out.ticket)

    return jsonify({"rating": h.db.write(op)})


def rating_amendment(data: dict[str, Any]) -> dict[str, Any]:
    """{score?, reason?, comment?} of an amend; at least one of them."""
    amend = {"score": int_between(data, "score", 1, 4) if "score" in data else None,
             "reason": optional_str(data, "reason", 40), "comment": optional_str(data, "comment", 1000)}
    if all(v is None for v in amend.values()):
        raise Invalid("missing_field", field="score/reason/comment")
    return amend


def rating_json(s: Session, ticket: Ticket) -> dict[str, Any]:
    """A ticket's rating as it stands now."""
    rating = s.get(Rating, ticket.id)
    return {"number": ticket.number, "score": rating.score, "reason": rating.reason, "comment": rating.comment}


@api.post("/counters/<int:n>/resume")
@allow(role="staff")
def resume(n: int):
    """The counter takes tickets again."""
    return act(n, "resume")
