"""Counter actions by staff: call, recall, start, finish, no-show, transfer, pause, resume."""
from __future__ import annotations

from typing import Any, Callable

from flask import g, jsonify
from sqlalchemy.orm import Session

from ..context import hall
from ..queueing.cases import check_case
from ..queueing.engine import Outcome
from ..queueing.errors import Invalid, NotFound
from ..queueing.models import Rating, Ticket
from ..state import HallView, counter_queue
from . import ApiError, allow, api, base_url
from .integration import FinishCase
from .parse import answers, takes
from .schemas import AmendCounterRating, AmendRating, CallTicket, Pause, RateAtCounter, Transfer
from .schemas_answers import ConsoleSettings, CounterAction, CounterQueue, RatingAnswer, RatingTarget


def check_counter(n: int) -> None:
    """The counter exists, and a person bound to another counter may not act here."""
    h, p = hall(), g.principal
    if h.config.counter(n) is None:
        raise NotFound("unknown_counter", counter=n)
    if p.counter is not None and p.counter != n and not p.at_least("supervisor"):
        raise ApiError(403, "wrong_counter", counter=p.counter)


def act(n: int, operation: Callable[..., Outcome], **params: Any):
    """Run one of the engine's counter operations (`hall().engine.call_next`, …) for counter n as one
    unit of work, and answer with the ticket and the counter."""
    h, p = hall(), g.principal
    check_counter(n)
    now, base = h.clock(), base_url()

    def answer(view: HallView, out: Outcome) -> dict[str, Any]:
        ticket = view.ticket(out.ticket, with_token=True) if out.ticket is not None else None
        return {"ticket": ticket, "counter": view.counter(n, with_token=True)}

    return jsonify(h.change(lambda s: operation(s, n, actor=p.actor, now=now, **params), answer,
                            now=now, base_url=base))


@api.post("/counters/<int:n>/call-next")
@allow(role="staff")
@answers(CounterAction)
def call_next(n: int):
    """Call the next waiting ticket by the counter's picking rule."""
    return act(n, hall().engine.call_next)


@api.post("/counters/<int:n>/call")
@allow(role="staff")
@takes(CallTicket)
@answers(CounterAction)
def call_ticket(n: int, body: CallTicket):
    """Call one ticket by its number: a waiting one, or a no-show who came back."""
    # `service` picks between tickets that share a number (after a config change)
    return act(n, hall().engine.call_ticket, number=body.number, service=body.service)


@api.post("/counters/<int:n>/recall")
@allow(role="staff")
@answers(CounterAction)
def recall(n: int):
    """Announce the current ticket again."""
    return act(n, hall().engine.recall)


@api.post("/counters/<int:n>/start")
@allow(role="staff")
@answers(CounterAction)
def start(n: int):
    """The citizen arrived; service starts."""
    return act(n, hall().engine.start)


@api.post("/counters/<int:n>/finish")
@allow(role="staff")
@takes(FinishCase)
@answers(CounterAction)
def finish(n: int, body: FinishCase):
    """Service is over; optionally what it became: the case-file code, the case's outcome, a note."""
    case = check_case(body.case_code, body.outcome, body.note)  # refused before anything changes
    return act(n, hall().engine.finish, case=case or None)


@api.post("/counters/<int:n>/no-show")
@allow(role="staff")
@answers(CounterAction)
def no_show(n: int):
    """The called citizen did not come."""
    return act(n, hall().engine.no_show)


@api.post("/counters/<int:n>/transfer")
@allow(role="staff")
@takes(Transfer)
@answers(CounterAction)
def transfer(n: int, body: Transfer):
    """The current ticket waits again in another service, or for one counter, keeping its number."""
    return act(n, hall().engine.transfer, service=body.service, to_counter=body.counter)


@api.post("/counters/<int:n>/pause")
@allow(role="staff")
@takes(Pause)
@answers(CounterAction)
def pause(n: int, body: Pause):
    """The counter stops taking tickets, with a reason from config (break, meeting, training…)."""
    reasons = [r.code for r in hall().config.console.pause_reasons]
    reason = body.reason or reasons[0]
    if reason not in reasons:
        raise Invalid("invalid_value", field="reason", allowed=", ".join(reasons))
    return act(n, hall().engine.pause, reason=reason)


@api.get("/console-settings")
@allow(role="staff")
@answers(ConsoleSettings)
def console_settings():
    """What the staff console offers: calling a chosen number, pause reasons, priority categories."""
    c = hall().config
    return jsonify({"allow_call_specific": c.console.allow_call_specific,
                    "pause_reasons": [r.model_dump() for r in c.console.pause_reasons],
                    "priority_categories": [r.model_dump() for r in c.priority_categories]})


@api.post("/counters/<int:n>/take")
@allow(role="staff")
@answers(CounterAction)
def take(n: int):
    """Sit down at the counter: it opens under your name."""
    return act(n, hall().engine.take)


@api.post("/counters/<int:n>/leave")
@allow(role="staff")
@answers(CounterAction)
def leave(n: int):
    """Leave the counter: it closes (finish or transfer its ticket first)."""
    return act(n, hall().engine.leave)


@api.get("/counters/<int:n>/queue")
@allow(role="staff")
@answers(CounterQueue)
def queue(n: int):
    """Who waits for this counter, in the order it will call them, and today's no-shows."""
    h = hall()
    check_counter(n)
    now = h.clock()
    return jsonify(h.db.read(lambda s: counter_queue(s, h.config, n, now)))


@api.get("/counters/<int:n>/rating")
@allow(role="staff", devices=("rating",))
@answers(RatingTarget)
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
@takes(RateAtCounter)
@answers(RatingAnswer, 201)
def rate_at_counter(n: int, body: RateAtCounter):
    """The rating tablet's rating (1..4, 4 = very satisfied) of the ticket the counter just finished."""
    h, p = hall(), g.principal
    check_counter(n)
    score, reason, comment = body.score, body.reason, body.comment
    now = h.clock()

    number = h.change(
        lambda s: h.engine.rate_at_counter(s, n, score=score, reason=reason, comment=comment, actor=p.actor, now=now),
        lambda view, out: out.ticket.number, now=now)
    return jsonify({"rating": {"number": number, "score": score, "reason": reason}}), 201


@api.patch("/counters/<int:n>/rating")
@allow(devices=("rating",))
@takes(AmendCounterRating)
@answers(RatingAnswer)
def amend_at_counter(n: int, body: AmendCounterRating):
    """Add the citizen's reason or comment (or a changed score) to the rating this tablet has just saved."""
    h, p = hall(), g.principal
    check_counter(n)
    amend = rating_amendment(body)
    number = body.number
    now = h.clock()

    def op(s):
        out = h.engine.amend_at_counter(s, n, actor=p.actor, now=now, number=number, **amend)
        return rating_json(s, out.ticket)

    return jsonify({"rating": h.db.write(op)})


def rating_amendment(body: AmendRating) -> dict[str, Any]:
    """{score, reason, comment} of an amend (None: unchanged); the model makes sure of one of them."""
    return {"score": body.score, "reason": body.reason, "comment": body.comment}


def rating_json(s: Session, ticket: Ticket) -> dict[str, Any]:
    """A ticket's rating as it stands now."""
    rating = s.get(Rating, ticket.id)
    return {"number": ticket.number, "score": rating.score, "reason": rating.reason, "comment": rating.comment}


@api.post("/counters/<int:n>/resume")
@allow(role="staff")
@answers(CounterAction)
def resume(n: int):
    """The counter takes tickets again."""
    return act(n, hall().engine.resume)
