"""GET /stats: a date range's figures, from the daily summaries plus the days not closed yet.

Closed days are read as sums over `monthly_summaries` and `daily_summaries` (a few dozen rows
a month or a day, summed in SQL);
days not closed yet (today, or days the close has not reached) are summarized on the fly from
their tickets with the very same code. Means are exact; medians and p90 come from the
histograms (see summary.quantile).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..config import HallConfig
from ..queueing.clock import utcnow
from ..people import full_names
from ..queueing.models import ServiceDay
from .facts import ticket_facts
from .summary import Row, add, empty_row, figures, summarize
from .tables import (
    EDGES, HOURS, MAXIMA, SERVICE_BUCKETS, SUMMED, WAIT_BUCKETS, closed_days, daily_summaries, monthly_summaries,
    split_range,
)

# The distribution shown in charts: coarse bins (seconds) made of whole histogram buckets.
DISTRIBUTION_EDGES = (0, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)
DAY_SCALARS = ("tickets", "served", "no_shows", "expired", "called", "wait_sum", "within_target",
               "target_base", "service_n", "service_sum", "rating_n", "rating_sum")
assert all(edge in EDGES for edge in DISTRIBUTION_EDGES)


# each histogram bucket's coarse bin, worked out once (a province's report has ~1,000 entities)
_COARSE_BIN = [max(i for i, e in enumerate(DISTRIBUTION_EDGES) if e <= edge) for edge in EDGES]


def _coarse(row: Row, names: tuple[str, ...]) -> list[int]:
    out = [0] * len(DISTRIBUTION_EDGES)
    for idx, name in zip(_COARSE_BIN, names):
        out[idx] += row[name]
    return out


def _entity(row: Row, **about: Any) -> dict[str, Any]:
    body = figures(row)
    body["hours"] = [row[h] for h in HOURS]
    body["distribution"] = {"wait": _coarse(row, WAIT_BUCKETS), "service": _coarse(row, SERVICE_BUCKETS)}
    return {**about, **body}


def _day(day: date, row: Row) -> dict[str, Any]:
    return {
        "day": day.isoformat(), "tickets": row["tickets"], "served": row["served"],
        "no_shows": row["no_shows"], "expired": row["expired"],
        "wait_mean_s": round(row["wait_sum"] / row["called"], 1) if row["called"] else None,
        "service_mean_s": round(row["service_sum"] / row["service_n"], 1) if row["service_n"] else None,
        "within_target_share": round(row["within_target"] / row["target_base"], 4) if row["target_base"] else None,
        "rating_mean": round(row["rating_sum"] / row["rating_n"], 2) if row["rating_n"] else None,
    }


def _grouped(s: Session, table: Any, key: Any, low: date, high: date) -> list[tuple[str, int, str, Row]]:
    c = table.c
    cols = [func.sum(c[name]).label(name) for name in SUMMED] + [func.max(c[name]).label(name) for name in MAXIMA]
    result = s.execute(
        select(c.service, c.counter, c.staff, *cols)
        .where(c[key] >= low, c[key] <= high)
        .group_by(c.service, c.counter, c.staff)
    )
    names = SUMMED + MAXIMA
    return [(r.service, r.counter, r.staff, {k: int(r._mapping[k] or 0) for k in names}) for r in result]


def summed_groups(s: Session, start: date, end: date) -> list[tuple[str, int, str, Row]]:
    """Closed days' summaries summed per (service, counter, staff): whole months from the
    monthly rows, the rest from the daily ones (each a single GROUP BY)."""
    spans, months = split_range(start, end)
    groups = _grouped(s, monthly_summaries, "month", *months) if months else []
    for low, high in spans:
        groups += _grouped(s, daily_summaries, "day", low, high)
    return groups


def summed_days(s: Session, start: date, end: date) -> dict[date, Row]:
    c = daily_summaries.c
    result = s.execute(
        select(c.day, *[func.sum(c[name]).label(name) for name in DAY_SCALARS])
        .where(c.day >= start, c.day <= end).group_by(c.day)
    )
    out = {}
    for r in result:
        row = empty_row()
        row.update({name: int(getattr(r, name) or 0) for name in DAY_SCALARS})
        out[r.day] = row
    return out


def open_days(s: Session, start: date, end: date, today: date) -> list[date]:
    """Days of the range with tickets but no summary yet: today, and days the close has not reached.

    Read from the numbering rows (one per service and day), not from a year of tickets.
    """
    closed = set(s.execute(
        select(closed_days.c.day).where(closed_days.c.day >= start, closed_days.c.day <= end)).scalars())
    days = set(s.execute(
        select(ServiceDay.day).distinct().where(ServiceDay.day >= start, ServiceDay.day <= end)).scalars())
    if start <= today <= end:
        days.add(today)  # even before its first ticket (the numbering row comes with it)
    return sorted(days - closed)


def stats(s: Session, config: HallConfig, start: date, end: date, *, today: date | None = None) -> dict[str, Any]:
    """The range's figures: overall, per service, counter, staff member, hour of day and day."""
    today = today or config.center.business_day(utcnow())
    groups = summed_groups(s, start, end)
    days = summed_days(s, start, end)
    live = open_days(s, start, end, today)
    for day in live:
        rows = summarize(ticket_facts(s, day, day), config)
        day_row = empty_row()
        for (_, service, counter, staff), row in rows.items():
            groups.append((service, counter, staff, row))
            add(day_row, row)
        days[day] = day_row

    total = empty_row()
    services: dict[str, Row] = {svc.code: empty_row() for svc in config.services}
    counters: dict[int, Row] = {c.number: empty_row() for c in config.counters}
    staff: dict[str, Row] = {}
    for service, counter, person, row in groups:
        add(total, row)
        add(services.setdefault(service, empty_row()), row)
        if counter:
            add(counters.setdefault(counter, empty_row()), row)
        if person:
            add(staff.setdefault(person, empty_row()), row)

    def service_about(code: str) -> dict[str, Any]:
        svc = config.service(code)
        return {"code": code, "name": svc.name.model_dump() if svc else {"vi": code, "en": code},
                "target_wait_s": svc.target_wait_s if svc else None}

    def counter_about(n: int) -> dict[str, Any]:
        conf = config.counter(n)
        return {"number": n, "name": conf.name.model_dump() if conf else {"vi": str(n), "en": str(n)}}

    names = full_names(s)  # per-staff figures are shown by full name (the username stays the key)
    every_day = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "total": _entity(total),
        "services": {code: _entity(row, **service_about(code)) for code, row in services.items()},
        "counters": {str(n): _entity(row, **counter_about(n)) for n, row in sorted(counters.items())},
        "staff": {name: _entity(row, username=name, full_name=names.get(name)) for name, row in sorted(staff.items())},
        "by_hour": [{"hour": h, "tickets": total[name]} for h, name in enumerate(HOURS)],
        "by_day": [_day(d, days.get(d) or empty_row()) for d in every_day],
        "distribution_edges_s": list(DISTRIBUTION_EDGES),
        "days": len(every_day),
        "today": today.isoformat(),
        "live_days": [d.isoformat() for d in live],
        "method": {"wait": "issued → first call", "service": "started → finished",
                   "quantiles": "histogram, linear within 15 s buckets up to 10 min, coarser beyond"},
    }
