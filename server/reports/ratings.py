"""GET /reports/ratings: why citizens were not satisfied, and what they wrote.

Read straight from the ratings of a range's tickets (kept with the history, see
reports.history_days): counts per low-score reason, and the newest comments a page at a time.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..config import HallConfig
from ..people import full_names
from ..queueing.models import Rating, Ticket
from .facts import person


def rating_report(s: Session, config: HallConfig, start: date, end: date, *, limit: int = 20,
                  offset: int = 0) -> dict[str, Any]:
    """Counts per reason (low scores), and comments newest first with their ticket, counter and score."""
    in_range = (Ticket.business_day >= start, Ticket.business_day <= end)
    low = config.rating.low_score
    by_reason = dict(s.execute(
        select(Rating.reason, func.count()).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(*in_range, Rating.score <= low).group_by(Rating.reason)).all())
    total, low_total = s.execute(
        select(func.count(), func.count().filter(Rating.score <= low)).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(*in_range)).one()
    known = {r.code for r in config.rating.reasons}
    reasons = [{"code": r.code, "name": r.name.model_dump(), "count": by_reason.get(r.code, 0)}
               for r in config.rating.reasons]
    # A reason no longer in config still counts, under its code.
    reasons += [{"code": code, "name": {"vi": code, "en": code}, "count": n}
                for code, n in sorted(by_reason.items(), key=lambda kv: str(kv[0])) if code and code not in known]

    commented = (*in_range, Rating.comment.is_not(None), Rating.comment != "")
    comment_count = s.execute(
        select(func.count()).select_from(Rating).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(*commented)).scalar_one()
    rows = s.execute(
        select(Rating, Ticket.number, Ticket.service, Ticket.business_day).join(Ticket, Ticket.id == Rating.ticket_id)
        .where(*commented).order_by(Rating.at.desc(), Rating.ticket_id.desc()).limit(limit).offset(offset)).all()
    names = full_names(s)
    comments = [{
        "number": number, "service": service, "day": day.isoformat(), "counter": r.counter, "score": r.score,
        "reason": r.reason, "comment": r.comment, "at": config.center.iso(r.at),
        "staff": person(r.staff), "staff_name": names.get(person(r.staff) or ""),
    } for r, number, service, day in rows]
    return {
        "from": start.isoformat(), "to": end.isoformat(), "low_score": low,
        "ratings": total, "low_ratings": low_total or 0,
        "reasons": reasons, "without_reason": by_reason.get(None, 0),
        "comments": {"total": comment_count, "offset": offset, "limit": limit, "items": comments},
    }
