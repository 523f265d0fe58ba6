"""A province's reports: GET /stats over one center or all, and the monthly per-center table.

Read from the per-center summaries (site_summary.py), summed in SQL as the hall's are: whole
months from `site_monthly_summaries`, whole weeks of the other days from
`site_weekly_summaries`, the rest from `site_daily_summaries`, in one GROUP BY; the chart by day
from `site_days`. The caller first summarizes again the range's dirty days (`refresh`, a write
transaction), then reads here. The answer has the hall's shape (server/reports/stats.py), so
the reports page and its charts work unchanged, plus `site` (the center asked for, or None)
and `sites` (each center's figures). Services are the centers' codes, named as the centers
name them; with every center, counters and staff members are each center's own (their keys
carry the center's name: counter 3 of one center is not counter 3 of another).
"""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from ..messages import label
from ..queueing.errors import NotFound
from ..sites import Site
from .export import csv_safe
from .site_summary import (DAY_TOTALS, day_totals, site_daily_summaries, site_days, site_monthly_summaries,
                           site_services, site_weekly_summaries)
from .stats import DISTRIBUTION_EDGES, _day, _entity
from .summary import Row, add, empty_row
from .tables import HOURS, MAXIMA, SUMMED, next_month, split_range
from .xlsx import write_sheet

Group = tuple[int, str, int, str, list]  # site id, service, counter, staff, sums in NAMES order


def site_named(s: Session, name: str) -> Site:
    """The center called `name` (revoked or not: what it delivered stays readable), else 404 `unknown_site`."""
    site = s.execute(select(Site).where(Site.name == name)).scalar_one_or_none()
    if site is None:
        raise NotFound("unknown_site", site=name)
    return site


def site_names(s: Session) -> dict[int, str]:
    return dict(s.execute(select(Site.id, Site.name)).all())


NAMES = SUMMED + MAXIMA
_SUMS, _ALL = len(SUMMED), len(SUMMED) + len(MAXIMA)


def _part(table: Any, key: str, low: date, high: date, site_ids: list[int] | None) -> Any:
    c = table.c
    query = select(c.site_id, c.service, c.counter, c.staff, *[c[n] for n in NAMES]).where(
        c[key] >= low, c[key] <= high)
    return query.where(c.site_id.in_(site_ids)) if site_ids is not None else query


def split_weeks(start: date, end: date) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """The days of start..end outside its whole weeks (Monday–Sunday), and the first and last whole weeks' Mondays."""
    first = start + timedelta(days=(7 - start.weekday()) % 7)  # the first Monday from start
    last = end - timedelta(days=(end.weekday() + 1) % 7)  # the last Sunday up to end
    if last < first + timedelta(days=6):
        return [(start, end)], None
    days = [(start, first - timedelta(days=1))] if start < first else []
    if last < end:
        days.append((last + timedelta(days=1), end))
    return days, (first, last - timedelta(days=6))


def summed_groups(s: Session, start: date, end: date, site_ids: list[int] | None) -> list[Group]:
    """The range's summaries per (center, service, counter, staff), as lists in NAMES order: the whole
    months' rows, then the whole weeks' of the other days, then the days', summed in one GROUP BY
    (a few hundred rows come back)."""
    spans, months = split_range(start, end)
    parts = [_part(site_monthly_summaries, "month", *months, site_ids)] if months else []
    for span in spans:
        days, weeks = split_weeks(*span)
        if weeks:
            parts.append(_part(site_weekly_summaries, "week", *weeks, site_ids))
        parts += [_part(site_daily_summaries, "day", low, high, site_ids) for low, high in days]
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    c = rows.c
    sums = [func.sum(c[n]) for n in SUMMED] + [func.max(c[n]) for n in MAXIMA]
    query = select(c.site_id, c.service, c.counter, c.staff, *sums).group_by(c.site_id, c.service, c.counter, c.staff)
    return [(r[0], r[1], r[2], r[3], [int(v or 0) for v in r[4:]]) for r in s.execute(query)]  # PostgreSQL: Decimal


class Sums:
    """Rows summed by key, as plain lists: ~thousands of groups × 190 columns, five ways, in well under
    a second (summary.add on dicts takes seconds for 15 centers)."""

    def __init__(self) -> None:
        self.rows: dict[Any, list[int]] = {}

    def add(self, key: Any, values: list[int]) -> None:
        row = self.rows.get(key)
        if row is None:
            self.rows[key] = list(values)
            return
        self.rows[key] = [a + b for a, b in zip(row[:_SUMS], values)] + [
            a if a > b else b for a, b in zip(row[_SUMS:], values[_SUMS:])]

    def row(self, key: Any) -> Row:
        values = self.rows.get(key)
        return dict(zip(NAMES, values)) if values is not None else empty_row()

    def items(self) -> list[tuple[Any, Row]]:
        return [(key, dict(zip(NAMES, values))) for key, values in self.rows.items()]


def summed_days(s: Session, start: date, end: date, site_ids: list[int] | None) -> dict[date, Row]:
    c = site_days.c
    query = (select(c.day, *[func.sum(c[n]).label(n) for n in DAY_TOTALS])
             .where(c.day >= start, c.day <= end, c.summarized.is_not(None)).group_by(c.day))
    if site_ids is not None:
        query = query.where(c.site_id.in_(site_ids))
    return {r.day: day_totals(r) for r in s.execute(query)}


def service_names(s: Session, site_ids: list[int] | None) -> dict[str, dict[str, Any]]:
    """Each service code's name and target as its centers named it (the first center's, by name order)."""
    c = site_services.c
    query = select(c.code, c.name_vi, c.name_en, c.target_wait_s).join(Site, Site.id == c.site_id).order_by(
        Site.name.desc())
    if site_ids is not None:
        query = query.where(c.site_id.in_(site_ids))
    return {code: {"name": {"vi": vi, "en": en}, "target_wait_s": target}
            for code, vi, en, target in s.execute(query)}  # the first by name is written last


def province_stats(s: Session, start: date, end: date, *, site: str | None, today: date,
                   live: list[date] | None = None) -> dict[str, Any]:
    """GET /stats on a province: one center's figures (`site`, its name) or every center's, in the hall's shape."""
    site_id = None if site is None else site_named(s, site).id
    site_ids = None if site_id is None else [site_id]
    names = site_names(s)
    groups = summed_groups(s, start, end, site_ids)
    days = summed_days(s, start, end, site_ids)
    about = service_names(s, site_ids)
    every = site is None  # counters and staff are each center's own

    sums = {kind: Sums() for kind in ("total", "sites", "services", "counters", "staff")}
    for site_id, service, counter, person, values in groups:
        sums["total"].add(None, values)
        sums["sites"].add(site_id, values)
        sums["services"].add(service, values)
        if counter:
            sums["counters"].add((site_id, counter), values)
        if person:
            sums["staff"].add((site_id, person), values)
    total = sums["total"].row(None)
    services = dict(sums["services"].items())
    counters = dict(sums["counters"].items())
    staff = dict(sums["staff"].items())
    per_site = {i: sums["sites"].row(i) for i in (site_ids or names)}

    def service_about(code: str) -> dict[str, Any]:
        known = about.get(code) or {"name": {"vi": code, "en": code}, "target_wait_s": None}
        return {"code": code, **known}

    def counter_entry(site_id: int, n: int, row: Row) -> tuple[str, dict[str, Any]]:
        where = names.get(site_id, "")
        if not every:
            return str(n), _entity(row, number=n, name={"vi": f"Quầy {n}", "en": f"Counter {n}"})
        return f"{where} · {n}", _entity(row, number=n, site=where,
                                         name={"vi": f"{where} · quầy {n}", "en": f"{where} · counter {n}"})

    def staff_entry(site_id: int, person: str, row: Row) -> tuple[str, dict[str, Any]]:
        where = names.get(site_id, "")
        if not every:
            return person, _entity(row, username=person, full_name=None)
        return f"{where} · {person}", _entity(row, username=person, full_name=f"{person} ({where})", site=where)

    ordered_counters = sorted(counters.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1]))
    ordered_staff = sorted(staff.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1]))
    every_day = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "site": site,
        "total": _entity(total),
        "services": {code: _entity(row, **service_about(code)) for code, row in sorted(services.items())},
        "counters": dict(counter_entry(i, n, row) for (i, n), row in ordered_counters),
        "staff": dict(staff_entry(i, p, row) for (i, p), row in ordered_staff),
        "sites": {names.get(i, str(i)): _entity(row, name=names.get(i, str(i)))
                  for i, row in sorted(per_site.items(), key=lambda kv: names.get(kv[0], ""))},
        "by_hour": [{"hour": h, "tickets": total[name]} for h, name in enumerate(HOURS)],
        "by_day": [_day(d, days.get(d) or empty_row()) for d in every_day],
        "distribution_edges_s": list(DISTRIBUTION_EDGES),
        "days": len(every_day),
        "today": today.isoformat(),
        "live_days": [d.isoformat() for d in (live or [])],
        "method": {"wait": "issued → first call", "service": "started → finished",
                   "quantiles": "histogram, linear within 15 s buckets up to 10 min, coarser beyond"},
    }


# -- the monthly table a province reports upward ----------------------------------------------------

MONTHLY_COLUMNS = ("site", "served", "rated", "rated_share", "satisfied_share", "wait_mean_s", "within_target_share")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _monthly_row(name: str | None, row: Row) -> dict[str, Any]:
    return {
        "site": name,
        "served": row["served"],
        "rated": row["rating_n"],
        # of those served, the share who rated (a rating is only taken for a served ticket)
        "rated_share": _share(row["rating_n"], row["served"]),
        "satisfied_share": _share(row["rating_3"] + row["rating_4"], row["rating_n"]),
        "wait_mean_s": round(row["wait_sum"] / row["called"], 1) if row["called"] else None,
        "within_target_share": _share(row["within_target"], row["target_base"]),
    }


def sites_monthly(s: Session, month: date) -> dict[str, Any]:
    """One row per center for the calendar month (every center, with or without tickets), and the province's total."""
    last = next_month(month) - timedelta(days=1)
    c = site_days.c
    sums = {r.site_id: day_totals(r) for r in s.execute(
        select(c.site_id, *[func.sum(c[n]).label(n) for n in DAY_TOTALS])
        .where(c.day >= month, c.day <= last, c.summarized.is_not(None)).group_by(c.site_id))}
    total = empty_row()
    rows = []
    for site_id, name in sorted(site_names(s).items(), key=lambda kv: kv[1]):
        row = sums.get(site_id) or empty_row()
        add(total, row)
        rows.append(_monthly_row(name, row))
    return {"month": month.strftime("%Y-%m"), "from": month.isoformat(), "to": last.isoformat(),
            "sites": rows, "total": _monthly_row(None, total)}


MONTHLY_HEAD = ("monthly.site", "monthly.served", "monthly.rated", "monthly.rated_share", "monthly.satisfied_share",
                "monthly.wait_mean", "monthly.within_target")


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def monthly_rows(table: dict[str, Any], lang: str = "vi") -> tuple[list[str], list[list[Any]]]:
    """The monthly table as a sheet: headings in `lang`, shares in %, waits in minutes, the total last."""
    def cells(name: str, r: dict[str, Any]) -> list[Any]:
        wait = r["wait_mean_s"]
        return [name, r["served"], r["rated"], _percent(r["rated_share"]), _percent(r["satisfied_share"]),
                None if wait is None else round(wait / 60, 1), _percent(r["within_target_share"])]

    rows = [cells(r["site"], r) for r in table["sites"]]
    rows.append(cells(label("monthly.total", lang), table["total"]))
    return [label(key, lang) for key in MONTHLY_HEAD], rows


def monthly_csv(table: dict[str, Any], lang: str = "vi") -> bytes:
    """UTF-8 with a BOM and CRLF, as the ticket export; a center's name is never run as a formula."""
    head, rows = monthly_rows(table, lang)
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def monthly_xlsx(table: dict[str, Any], lang: str = "vi") -> bytes:
    head, rows = monthly_rows(table, lang)
    return write_sheet(label("monthly.sheet", lang, month=table["month"]), head, rows, [28, 14, 14, 14, 16, 16, 16], freeze="B2")
