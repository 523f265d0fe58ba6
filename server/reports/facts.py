"""What happened to each ticket of some business days, read in a few set-based queries.

A ticket's story lives in two places: its row (status, times) and its events (who called it,
when first, whether it was transferred or expired). Reports, summaries and exports all read
it through `ticket_facts`, so they agree on every definition:

- wait: issue → first call (the citizen's wait for a counter; a transfer does not restart it);
- service: start → finish of a finished ticket;
- counter and staff: the last call's counter, and the person who finished it (else who called it);
- outcome: done, no_show, cancelled, expired (closed by the daily close), or still open.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterator

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from ..queueing.cases import TicketCase
from ..queueing.models import CANCELLED, DONE, NO_SHOW, Rating, Ticket, TicketEvent

EXPIRED = "expired"  # an outcome and an event kind; the ticket's status becomes cancelled
CLOSE_ACTOR = "system:close"


class Timings:
    """The wait and the service time of a ticket's facts, the same for a hall's and a province's."""

    __slots__ = ()
    issued_at: datetime
    first_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    status: str

    @property
    def wait_s(self) -> float | None:
        if self.first_called_at is None:
            return None
        return max(0.0, (self.first_called_at - self.issued_at).total_seconds())

    @property
    def service_s(self) -> float | None:
        if self.status != DONE or self.started_at is None or self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


@dataclass(slots=True)
class TicketFacts(Timings):
    id: int
    day: date
    number: str
    service: str  # as issued: what the citizen came for
    service_now: str  # where it ended up (differs after a transfer)
    status: str
    outcome: str
    priority: bool
    priority_category: str | None
    lang: str
    issued_at: datetime
    first_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    counter: int | None
    staff: str | None
    transfers: int
    calls: int
    score: int | None
    reason: str | None
    comment: str | None
    # What the visit became in the one-stop software, given at finish (server/queueing/cases.py).
    case_code: str | None = None
    case_outcome: str | None = None
    case_note: str | None = None


def person(actor: str | None) -> str | None:
    """'user:lan' → 'lan'; devices and the system keep their prefix."""
    if not actor:
        return None
    return actor.removeprefix("user:")


def _moments(s: Session):
    """(column wrapper, converter) for datetimes read in bulk.

    SQLite keeps them as text that SQLAlchemy parses with a regular expression, row by row;
    for a month's export (hundreds of thousands of values) the C `fromisoformat` is ~5× faster.
    """
    if s.get_bind().dialect.name != "sqlite":
        return (lambda col: col), (lambda value: value)

    def parse(value: str | None) -> datetime | None:
        # "+00:00" parsed with the rest is ~6× cheaper than .replace(tzinfo=...), and yields timezone.utc.
        return datetime.fromisoformat(value + "+00:00") if value else None

    return (lambda col: type_coerce(col, String)), parse


def ticket_facts(s: Session, start: date, end: date) -> Iterator[TicketFacts]:
    """Every ticket of business days start..end (both included), in issue order (day, then id)."""
    raw, when = _moments(s)
    in_range = (Ticket.business_day >= start, Ticket.business_day <= end)
    ids = select(Ticket.id).where(*in_range).scalar_subquery()
    of_range = TicketEvent.ticket_id.in_(ids)
    calls: dict[int, list] = {}
    finisher: dict[int, str] = {}
    transfers: dict[int, int] = {}
    for ticket_id, kind, at, actor, counter in s.execute(
        select(TicketEvent.ticket_id, TicketEvent.kind, raw(TicketEvent.at), TicketEvent.actor, TicketEvent.counter)
        .where(of_range, TicketEvent.kind.in_(("called", "finished", "transferred"))).order_by(TicketEvent.id)
    ):
        if kind == "called":
            seen = calls.get(ticket_id)
            if seen is None:
                calls[ticket_id] = [at, counter, actor, 1]
            else:  # keep the first call's time, the last call's counter and person
                seen[1], seen[2], seen[3] = counter, actor, seen[3] + 1
        elif kind == "finished":
            finisher[ticket_id] = actor
        else:
            transfers[ticket_id] = transfers.get(ticket_id, 0) + 1
    expired_from = {tid: (data or {}).get("from", "waiting") for tid, data in s.execute(
        select(TicketEvent.ticket_id, TicketEvent.data).where(of_range, TicketEvent.kind == EXPIRED))}
    rows = s.execute(
        select(Ticket.id, Ticket.business_day, Ticket.number, Ticket.service_issued, Ticket.service,
               Ticket.status, Ticket.priority, Ticket.priority_category, Ticket.lang, raw(Ticket.issued_at),
               raw(Ticket.started_at), raw(Ticket.finished_at), Ticket.counter,
               Rating.score, Rating.reason, Rating.comment,
               TicketCase.case_code, TicketCase.case_outcome, TicketCase.note)
        .outerjoin(Rating, Rating.ticket_id == Ticket.id)
        .outerjoin(TicketCase, TicketCase.ticket_id == Ticket.id)
        .where(*in_range)
        .order_by(Ticket.business_day, Ticket.id)  # ids follow issue order; no sort of a month
    )
    for (tid, day, number, issued_service, service, status, priority, category, lang, issued_at, started_at,
         finished_at, counter, score, reason, comment, case_code, case_outcome, case_note) in rows:
        call = calls.get(tid)
        if tid in expired_from:
            outcome = NO_SHOW if expired_from[tid] == NO_SHOW else EXPIRED
        else:
            outcome = status
        yield TicketFacts(
            id=tid, day=day, number=number, service=issued_service, service_now=service, status=status,
            outcome=outcome, priority=bool(priority), priority_category=category, lang=lang,
            issued_at=when(issued_at), first_called_at=when(call[0]) if call else None, started_at=when(started_at),
            finished_at=when(finished_at) if outcome != EXPIRED else None,
            counter=call[1] if call else counter,
            staff=person(finisher.get(tid) or (call[2] if call else None)),
            transfers=transfers.get(tid, 0), calls=call[3] if call else 0,
            score=score, reason=reason, comment=comment,
            case_code=case_code, case_outcome=case_outcome, case_note=case_note,
        )


__all__ = ["TicketFacts", "ticket_facts", "person", "EXPIRED", "CLOSE_ACTOR", "CANCELLED"]
