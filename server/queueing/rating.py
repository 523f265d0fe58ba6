"""Ratings: the citizen's satisfaction with a finished ticket, saved once, amended briefly.

A score is saved the moment it is tapped; a reason or a comment given afterwards amends that
same rating (same ticket, same tablet or phone, within rating.grace_seconds), so a citizen
who walks away after tapping a low score still leaves their score, and reports count it once.
Mixed into Engine: uses its config and `_event`.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Conflict, Invalid, NotFound
from .models import DONE, Rating, Ticket, TicketEvent
from .outcome import Outcome, TicketRated

if TYPE_CHECKING:
    from ..config import HallConfig


class Ratings:
    """The rating rules of Engine."""

    config: "HallConfig"

    def rate(self, s: Session, ticket: Ticket, *, score: int, comment: str | None, actor: str,
             now: datetime, reason: str | None = None) -> Outcome:
        """Record the citizen's satisfaction with a finished ticket, once."""
        if ticket.status != DONE:
            raise Conflict("ticket_not_finished", number=ticket.number)
        self._check_reason(reason)
        if s.get(Rating, ticket.id) is not None:
            raise Conflict("already_rated", number=ticket.number)
        served_by = s.execute(
            select(TicketEvent.actor).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "finished")
            .order_by(TicketEvent.id.desc()).limit(1)).scalar_one_or_none()
        s.add(Rating(ticket_id=ticket.id, score=score, comment=comment, reason=reason, counter=ticket.counter,
                     staff=served_by, at=now, by=actor))
        out = Outcome(ticket=ticket, changes=[TicketRated(ticket.id, score)])
        self._event(s, out, "rated", ticket, actor, now, counter=ticket.counter, score=score)
        return out

    def amend_rating(self, s: Session, ticket: Ticket, *, actor: str, now: datetime, score: int | None = None,
                     reason: str | None = None, comment: str | None = None) -> Outcome:
        """Add a reason or a comment to a rating just saved (or change its score): only by whoever gave it,
        within rating.grace_seconds of it. Still one rating: reports count its score once."""
        grace = self.config.rating.grace_seconds
        rating = s.get(Rating, ticket.id, with_for_update=True)
        if rating is None or rating.by != actor or (now - rating.at).total_seconds() > grace:
            raise Conflict("nothing_to_amend", number=ticket.number, seconds=grace)
        self._check_reason(reason)
        if score is not None:
            rating.score = score
        if reason is not None:
            rating.reason = reason
        if comment is not None:
            rating.comment = comment
        # No broadcast: ticket_rated went out with the first save, and is counted once.
        return Outcome(ticket=ticket)

    def amend_at_counter(self, s: Session, counter: int, *, actor: str, now: datetime, number: str | None = None,
                         score: int | None = None, reason: str | None = None, comment: str | None = None) -> Outcome:
        """The rating tablet adds the citizen's reason or comment to the score it has just saved."""
        if self.config.counter(counter) is None:
            raise NotFound("unknown_counter", counter=counter)
        grace = self.config.rating.grace_seconds
        # The newest rating this tablet gave here, found by its event (indexed by time), not by scanning ratings.
        ticket_id = s.execute(
            select(TicketEvent.ticket_id).where(
                TicketEvent.kind == "rated", TicketEvent.counter == counter, TicketEvent.actor == actor,
                TicketEvent.at >= now - timedelta(seconds=grace))
            .order_by(TicketEvent.id.desc()).limit(1)).scalar_one_or_none()
        ticket = s.get(Ticket, ticket_id) if ticket_id else None
        if ticket is None or (number is not None and ticket.number != number):
            raise Conflict("nothing_to_amend", number=number or "", seconds=grace)
        return self.amend_rating(s, ticket, actor=actor, now=now, score=score, reason=reason, comment=comment)

    def _check_reason(self, reason: str | None) -> None:
        if reason is not None and reason not in {r.code for r in self.config.rating.reasons}:
            raise Invalid("invalid_value", field="reason", allowed=", ".join(r.code for r in self.config.rating.reasons))

    def rateable(self, s: Session, counter: int, now: datetime, grace_s: int = 0) -> Ticket | None:
        """The ticket the counter's rating tablet may rate now: finished here moments ago, not yet rated."""
        if self.config.counter(counter) is None:
            raise NotFound("unknown_counter", counter=counter)
        ticket_id = s.execute(
            select(TicketEvent.ticket_id).where(TicketEvent.kind == "finished", TicketEvent.counter == counter)
            .order_by(TicketEvent.seq.desc()).limit(1)).scalar_one_or_none()
        ticket = s.get(Ticket, ticket_id) if ticket_id else None
        if ticket is None or ticket.status != DONE or ticket.finished_at is None:
            return None
        if (now - ticket.finished_at).total_seconds() > self.config.rating.unlock_seconds + grace_s:
            return None
        return None if s.get(Rating, ticket.id) is not None else ticket

    def rate_at_counter(self, s: Session, counter: int, *, score: int, reason: str | None, comment: str | None,
                        actor: str, now: datetime) -> Outcome:
        """The rating tablet's rating of the ticket the counter has just finished."""
        # A citizen who started choosing a reason before the tablet locked may still finish.
        ticket = self.rateable(s, counter, now, grace_s=self.config.rating.grace_seconds)
        if ticket is None:
            raise Conflict("nothing_to_rate", counter=counter)
        return self.rate(s, ticket, score=score, comment=comment, reason=reason, actor=actor, now=now)
