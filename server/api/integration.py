"""For the one-stop office's software: finding tickets by case-file code, and the webhooks' state.

The finish endpoint that takes a case (server/api/counters.py) reads `FinishCase` from here.
"""
from __future__ import annotations

from typing import Annotated, Any

from flask import g, jsonify
from pydantic import Field
from sqlalchemy import func, select

from ..context import hall
from ..people import audit
from ..queueing.cases import CASE_CODE_MAX, NOTE_MAX, TicketCase
from ..queueing.errors import Invalid, NotFound
from ..queueing.models import Ticket
from ..reports.facts import person
from ..state import HallView
from .. import webhook_store as store
from . import allow, api
from .parse import answers, takes
from .schemas import Body, Query, Refuse, text
from .schemas_answers import Shape, Ticket as TicketShape

SEARCH_MIN = 3
SEARCH_LIMIT = 50


class FinishCase(Body):
    """What the visit became in the one-stop software; all optional (an empty body finishes as in v1)."""

    case_code: Annotated[str | None, Refuse("invalid_case_code", maximum=str(CASE_CODE_MAX))] = Field(
        None, description="the case-file code (mã hồ sơ), e.g. 000.00.12.H41-261201-0001: letters, digits, . - _ /")
    outcome: Annotated[str | None, Refuse(allowed="received, returned, guidance, incomplete")] = Field(
        None, description="received, returned, guidance or incomplete")
    note: text(NOTE_MAX * 2) | None = Field(None, description=f"up to {NOTE_MAX} characters")


class CaseSearch(Query):
    case_code: str | None = Field(None, description=f"the case-file code or a part of it (at least {SEARCH_MIN} characters)")


class CaseShape(Shape):
    code: str | None
    outcome: str | None
    note: str | None
    at: str
    staff: str | None


class TicketWithCase(Shape):
    ticket: TicketShape
    case: CaseShape


class WebhookState(Shape):
    name: str
    url: str
    events: list[str]
    delivered_seq: int | None
    pending: int
    failures: int
    dead_letters: int


class DeadLetterShape(Shape):
    id: int
    receiver: str
    event: str
    seq: int
    attempts: int
    resend: bool


class Resent(Shape):
    dead_letter: DeadLetterShape


@api.get("/tickets")
@allow(role="supervisor")
@takes(CaseSearch)
@answers(list[TicketWithCase])
def tickets_by_case(query: CaseSearch):
    """Tickets whose case-file code holds the text given (any case), newest first, at most 50."""
    h = hall()
    wanted = (query.case_code or "").strip()
    if len(wanted) < SEARCH_MIN or len(wanted) > CASE_CODE_MAX:
        raise Invalid("invalid_value", field="case_code", allowed=f"{SEARCH_MIN} to {CASE_CODE_MAX} characters")
    pattern = "%" + wanted.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    now = h.clock()

    def read(s):
        rows = s.execute(select(Ticket, TicketCase).join(TicketCase, TicketCase.ticket_id == Ticket.id)
                         .where(func.upper(TicketCase.case_code).like(pattern, escape="\\"))
                         .order_by(Ticket.id.desc()).limit(SEARCH_LIMIT)).all()
        view = HallView(s, h.config, now, "")
        return [{"ticket": view.ticket(t, with_token=False),
                 "case": {"code": c.case_code, "outcome": c.case_outcome, "note": c.note,
                          "at": h.config.center.iso(c.at), "staff": person(c.actor)}} for t, c in rows]

    return jsonify(h.db.read(read))


@api.get("/webhooks")
@allow(role="supervisor")
@answers(list[WebhookState])
def webhooks():
    """Each webhook receiver from config.yaml and where its deliveries stand (never its secret)."""
    h = hall()
    return jsonify(h.db.read(lambda s: store.status(s, h.config)))


@api.get("/webhooks/dead-letters")
@allow(role="supervisor")
@answers(list[DeadLetterShape])
def dead_letters():
    """Deliveries a receiver kept refusing, set aside so the rest went on (newest first)."""
    h = hall()
    return jsonify(h.db.read(lambda s: store.dead_letters(s, h.config)))


@api.post("/webhooks/dead-letters/<int:n>/resend")
@allow(role="admin")
@answers(Resent, 202)
def resend_dead_letter(n: int):
    """Send dead letter n again (its id): its receiver's delivery thread takes it before its next event."""
    h, p = hall(), g.principal
    now = h.clock()

    def work(s) -> dict[str, Any]:
        row = s.get(store.DeadLetter, n)
        if row is None:
            raise NotFound("not_found", what=f"dead letter {n}")
        row.resend = True
        audit(s, p.actor, "webhook_resend", row.receiver, now, None, event=row.event, seq=row.seq)
        return {"id": row.id, "receiver": row.receiver, "event": row.event, "seq": row.seq, "number": row.number,
                "attempts": row.attempts, "resend": True}

    return jsonify({"dead_letter": h.db.write(work)}), 202
