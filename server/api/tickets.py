"""Tickets: issuing at a kiosk, the holder's view, rating, reprint, cancel."""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from .. import appointments
from ..context import hall
from ..queueing.engine import scoped_key
from ..queueing.estimate import place_of
from ..queueing.errors import Invalid, NotFound
from ..paper import add_job, job_status, ticket_view
from ..queueing.models import Ticket
from ..records import PrintJob
from ..state import HallView
from . import ApiError, allow, api, base_url
from .counters import rating_amendment, rating_json
from .parse import answers, takes
from .schemas import AmendRating, IssueTicket, RateTicket
from .schemas_answers import RatingAnswer, Reprinted, TicketAnswer, TicketIssued


def _priority(value: bool | str) -> tuple[bool, str | None]:
    """`priority` is true/false, or a category code from config (meaning true)."""
    if isinstance(value, str):
        codes = [c.code for c in hall().config.priority_categories]
        if value not in codes:
            raise Invalid("invalid_value", field="priority", allowed="true, false, " + ", ".join(codes))
        return True, value
    return value, None


def _ticket(s, token: str) -> Ticket:
    ticket = s.execute(select(Ticket).where(Ticket.token == token)).scalar_one_or_none()
    if ticket is None:
        raise NotFound("not_found", what="ticket")
    return ticket


def _seen_key(actor: str, key: str | None) -> bool:
    if not key:
        return False
    full = scoped_key(actor, key)
    return hall().db.read(lambda s: s.execute(select(Ticket.id).where(Ticket.idempotency_key == full)).first()) is not None


@api.post("/tickets")
@allow(role="staff", devices=("kiosk",))
@takes(IssueTicket)
@answers(TicketIssued, 201)
def issue(body: IssueTicket):
    """Hand out a number, or check a booking in (`appointment`); never waits for a printer."""
    h, p = hall(), g.principal
    service, code = body.service, body.appointment
    priority, category = _priority(body.priority) if not code else (False, None)
    lang = body.lang or "vi"
    key = body.idempotency_key
    if p.kind == "device" and not h.issue_limiter.allow(p.actor) and not _seen_key(p.actor, key):
        raise ApiError(429, "rate_limited")  # a retry of a ticket already given is never refused
    now = h.clock()

    base = base_url()

    checked: dict = {}

    def work(s):
        if not code:
            return h.engine.issue(s, service=service, actor=p.actor, now=now, priority=priority, category=category,
                                  lang=lang, idempotency_key=key)
        out, booking = appointments.check_in(s, h.engine, code, actor=p.actor, now=now, lang=lang, idempotency_key=key)
        checked.update(code=booking.code, start=booking.start, end=booking.end, late=bool(booking.late))
        return out

    def answer(view, out):
        ticket = view.ticket(out.ticket, with_token=True, place=out.place)
        if out.replayed:
            return ticket, True, None, job_status(view.s, out.ticket.id)
        job = None
        if p.printer:  # the job is committed with its ticket: a crash loses neither
            paper = ticket_view(h.config, out.ticket, out.place, base)
            job = add_job(view.s, out.ticket, p.printer, paper, now).id
        return ticket, False, job, {"status": "queued" if job else "none"}

    ticket, replayed, job, printing = h.change(work, answer, now=now, base_url=base)
    if job is not None:
        h.printers.submit(job, p.printer)
    resp = jsonify({"ticket": ticket, "print": printing, **({"checked_in": checked} if checked else {})})
    resp.status_code = 201
    if replayed:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp


@api.get("/tickets/<token>")
@allow(public=True)
@answers(TicketIssued)
def show(token: str):
    """A ticket as its holder sees it."""
    h = hall()
    now, base = h.clock(), base_url()

    def op(s):
        ticket = _ticket(s, token)
        return {"ticket": HallView(s, h.config, now, base).ticket(ticket, with_token=True), "print": job_status(s, ticket.id)}

    return jsonify(h.db.read(op))


@api.post("/tickets/<token>/rating")
@allow(anonymous=True, devices=("rating",))  # staff never rate their own service
@takes(RateTicket)
@answers(RatingAnswer, 201)
def rate(token: str, body: RateTicket):
    """The citizen's satisfaction with a finished ticket, 1..4 (4 = very satisfied)."""
    h, p = hall(), g.principal
    score, comment = body.score, body.comment
    now = h.clock()
    h.change(lambda s: h.engine.rate(s, _ticket(s, token), score=score, comment=comment, actor=p.actor, now=now),
             now=now)
    return jsonify({"rating": {"score": score, "comment": comment}}), 201


@api.patch("/tickets/<token>/rating")
@allow(anonymous=True, devices=("rating",))  # staff never rate their own service
@takes(AmendRating)
@answers(RatingAnswer)
def amend(token: str, body: AmendRating):
    """Add a comment (or a reason, or a changed score) to the rating just given, by whoever gave it."""
    h, p = hall(), g.principal
    changes = rating_amendment(body)
    now = h.clock()

    def op(s):
        out = h.engine.amend_rating(s, _ticket(s, token), actor=p.actor, now=now, **changes)
        return rating_json(s, out.ticket)

    return jsonify({"rating": h.db.write(op)})


@api.post("/tickets/<token>/cancel")
@allow(public=True)  # whoever holds the ticket's token
@answers(TicketAnswer)
def cancel(token: str):
    """Withdraw a waiting ticket (its holder, or staff)."""
    h, p = hall(), g.principal
    now, base = h.clock(), base_url()

    ticket = h.change(lambda s: h.engine.cancel(s, _ticket(s, token), actor=p.actor, now=now),
                      lambda view, out: view.ticket(out.ticket, with_token=True), now=now, base_url=base)
    return jsonify({"ticket": ticket})


@api.post("/tickets/<token>/reprint")
@allow(role="staff", devices=("kiosk",))
@answers(Reprinted)
def reprint(token: str):
    """Print a ticket again on the issuing kiosk's printer."""
    h, p = hall(), g.principal

    if p.kind == "device" and not p.printer:
        raise ApiError(409, "no_printer")
    now = h.clock()
    base = base_url()

    def op(s):
        ticket = _ticket(s, token)
        if p.kind == "device" and ticket.issued_by != p.actor:
            raise ApiError(403, "forbidden")
        last = s.execute(select(PrintJob).where(PrintJob.ticket_id == ticket.id).order_by(PrintJob.id.desc())
                         .limit(1)).scalar_one_or_none()
        printer = p.printer or (last.printer if last else None)
        if printer is None:
            raise ApiError(409, "no_printer")
        paper = ticket_view(h.config, ticket, place_of(s, h.config, ticket), base)
        return add_job(s, ticket, printer, paper, now).id, printer

    job, printer = h.db.write(op)
    h.printers.submit(job, printer)
    return jsonify({"print": {"status": "queued"}})
