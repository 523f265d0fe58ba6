"""Figures derived from tickets and their events: counts, times, ratings."""
from __future__ import annotations

from datetime import date
from statistics import mean, median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import HallConfig
from .queueing.models import DONE, NO_SHOW, Rating, Ticket


def _figures(rows: list[tuple[Ticket, Rating | None]]) -> dict[str, Any]:
    waits = [(t.called_at - t.issued_at).total_seconds() for t, _ in rows if t.called_at]
    services = [(t.finished_at - t.started_at).total_seconds() for t, _ in rows
                if t.status == DONE and t.started_at and t.finished_at]
    scores = [r.score for _, r in rows if r is not None]
    return {
        "tickets": len(rows),
        "served": sum(1 for t, _ in rows if t.status == DONE),
        "no_shows": sum(1 for t, _ in rows if t.status == NO_SHOW),
        "wait_s": {"mean": round(mean(waits), 1) if waits else None,
                   "median": round(median(waits), 1) if waits else None},
        "service_s": {"mean": round(mean(services), 1) if services else None,
                      "median": round(median(services), 1) if services else None},
        "rating": {"count": len(scores), "mean": round(mean(scores), 2) if scores else None,
                   "by_score": {str(k): scores.count(k) for k in (1, 2, 3, 4)}},
    }


def _rows(s: Session, start: date, end: date) -> list[tuple[Ticket, Rating | None]]:
    return list(s.execute(
        select(Ticket, Rating).outerjoin(Rating, Rating.ticket_id == Ticket.id)
        .where(Ticket.business_day >= start, Ticket.business_day <= end)
        .order_by(Ticket.business_day, Ticket.issued_at)
    ).all())


def stats(s: Session, config: HallConfig, start: date, end: date) -> dict[str, Any]:
    """The range's figures, overall, per service and per counter."""
    rows = _rows(s, start, end)
    return {
        "from": start.isoformat(), "to": end.isoformat(), "total": _figures(rows),
        "services": {svc.code: _figures([r for r in rows if r[0].service == svc.code]) for svc in config.services},
        "counters": {str(c.number): _figures([r for r in rows if r[0].counter == c.number]) for c in config.counters},
    }


def ticket_rows(s: Session, config: HallConfig, start: date, end: date) -> tuple[list[str], list[list[Any]]]:
    """The CSV export: a header and one row per ticket, times in the center's zone."""
    tz = config.center.tz

    def local(moment):
        return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M:%S") if moment else ""

    header = ["Ngày", "Số thứ tự", "Lĩnh vực", "Tên lĩnh vực", "Trạng thái", "Ưu tiên", "Quầy",
              "Lấy số", "Được gọi", "Bắt đầu", "Kết thúc", "Đánh giá", "Góp ý"]
    out = []
    for t, r in _rows(s, start, end):
        svc = config.service(t.service)
        out.append([t.business_day.strftime("%d/%m/%Y"), t.number, t.service, svc.name.vi if svc else "",
                    t.status, "x" if t.priority else "", t.counter or "", local(t.issued_at),
                    local(t.called_at), local(t.started_at), local(t.finished_at),
                    r.score if r else "", (r.comment or "") if r else ""])
    return header, out
