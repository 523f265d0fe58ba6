"""A province's summaries of its centers' tickets, kept right while facts keep changing.

The hall's summaries (tables.py) are written once, when a day closes. A province's facts
change after they arrive (a ticket called, finished, rated; a late batch after an outage), so
it keeps, per (center, day), a `version` that `take_facts` bumps in the batch's own
transaction, and `summarized`, the version its summary rows were made from. A day whose two
differ is dirty: the next report that covers it summarizes it again from its facts (a day is a
few thousand rows, read through one index) with the hall's own `summarize`, writes its rows
and the month's, and marks it summarized at the version it read *before* the facts. A batch
applied meanwhile leaves the day dirty for the next report; nothing is ever missed, at worst a
day is summarized twice. A background pass (`start_site_summaries`) summarizes again today's
and yesterday's dirty days every SETTLE_S, so reports find them current; a report does a day
itself only if it is dirty and was not summarized in the last REPORT_SETTLE_S (the pass is
behind) or ever (a late batch for an older day).

Tables (migration 0013), every column a count or a sum as in tables.py:
`site_daily_summaries`, `site_weekly_summaries` and `site_monthly_summaries` (one row per
center × day, week or month × service × counter × staff member), `site_days` (the dirty marks,
and each day's totals for the chart by day), `site_services` (each center's service names and
target waits, from its batches).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import (BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, delete, func, insert, literal,
                        or_, select, update)
from sqlalchemy.orm import Session

from ..queueing.models import Base, UtcDateTime
from ..sites import Site, SiteTicket
from .facts import Timings, _moments
from .summary import Row, add, empty_row, summarize
from .tables import MAXIMA, SUMMED, month_of, next_month

log = logging.getLogger(__name__)

SETTLE_S = 10  # the background pass summarizes again a day centers keep pushing to at most this often
REPORT_SETTLE_S = 30  # a report does it itself only for a day the pass has left longer (docs/province.md)
DEFAULT_TARGET_S = 1800  # a service whose center never said its target (an older center): the hall's default
DAY_TOTALS = ("tickets", "served", "no_shows", "expired", "called", "wait_sum", "within_target",
              "target_base", "service_n", "service_sum", "rating_n", "rating_sum", "rating_3", "rating_4")


def _count(name: str) -> Column:
    return Column(name, BigInteger if name.endswith("_sum") else Integer, nullable=False, server_default="0",
                  default=0)


def _summary(name: str, when: str) -> Table:
    return Table(
        name, Base.metadata,
        Column("site_id", Integer, ForeignKey("sites.id"), primary_key=True, autoincrement=False),
        Column(when, Date, primary_key=True),
        Column("service", String(16), primary_key=True),
        Column("counter", Integer, primary_key=True, autoincrement=False),
        Column("staff", String(80), primary_key=True),
        *(_count(n) for n in SUMMED + MAXIMA),
        Index(f"ix_{name}_{when}", when),
    )


site_daily_summaries = _summary("site_daily_summaries", "day")
site_weekly_summaries = _summary("site_weekly_summaries", "week")  # the week's Monday
site_monthly_summaries = _summary("site_monthly_summaries", "month")

site_days = Table(
    "site_days", Base.metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), primary_key=True, autoincrement=False),
    Column("day", Date, primary_key=True),
    Column("version", BigInteger, nullable=False, default=1),  # bumped by every batch with a fact of this day
    Column("summarized", BigInteger),  # the version the summaries were made from (NULL: never)
    Column("summarized_at", UtcDateTime),  # when (the province's clock)
    *(_count(n) for n in DAY_TOTALS),
    Index("ix_site_days_day", "day"),
)

site_services = Table(
    "site_services", Base.metadata,
    Column("site_id", Integer, ForeignKey("sites.id"), primary_key=True, autoincrement=False),
    Column("code", String(16), primary_key=True),
    Column("name_vi", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("target_wait_s", Integer),
)

__all__ = ["site_daily_summaries", "site_weekly_summaries", "site_monthly_summaries", "site_days", "site_services", "mark_days",
           "take_services", "refresh", "site_facts", "SiteFact", "DAY_TOTALS"]


@dataclass(slots=True)
class SiteFact(Timings):
    """A center's ticket as summaries and exports read it: the names of reports/facts.py's TicketFacts."""

    id: int
    day: date
    number: str
    service: str
    service_now: str
    status: str
    outcome: str
    priority: bool
    issued_at: datetime
    first_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    counter: int | None
    staff: str | None
    transfers: int
    score: int | None
    site: str = ""
    # what the hall's exports show and a center does not send
    priority_category: str | None = None
    reason: str | None = None
    comment: str | None = None
    calls: int = 0
    lang: str = ""
    case_code: str | None = None
    case_outcome: str | None = None
    case_note: str | None = None


def site_facts(s: Session, site_ids: Iterable[int] | None, start: date, end: date,
               names: dict[int, str] | None = None) -> Iterator[SiteFact]:
    """The facts of centers `site_ids` (None: all) for business days start..end: by center (in the
    order given; with `names`, by name), then day and ticket; one indexed query per center."""
    raw, when = _moments(s)
    t = SiteTicket
    names = names or {}
    if site_ids is None:
        site_ids = list(s.execute(select(Site.id)).scalars())
    for one in sorted(site_ids, key=lambda i: names.get(i, "")) if names else site_ids:
        query = (select(t.ticket_id, t.business_day, t.number, t.service, t.service_now, t.status, t.outcome,
                        t.priority, raw(t.issued_at), raw(t.called_at), raw(t.started_at), raw(t.finished_at),
                        t.counter, t.staff, t.transfers, t.score)
                 .where(t.site_id == one, t.business_day >= start, t.business_day <= end)
                 .order_by(t.business_day, t.ticket_id))
        site = names.get(one, "")
        for (tid, day, number, service, service_now, status, outcome, priority, issued, called, started,
             finished, counter, staff, transfers, score) in s.execute(query):
            yield SiteFact(
                id=tid, day=day, number=number, service=service, service_now=service_now, status=status,
                outcome=outcome, priority=bool(priority), issued_at=when(issued), first_called_at=when(called),
                started_at=when(started), finished_at=when(finished), counter=counter, staff=staff,
                # an older center sends no count of transfers: a changed service is one at least
                transfers=transfers if transfers is not None else int(service_now != service),
                score=score, site=site)


# -- written with each batch (server/province.py take_facts) --------------------------------------


def mark_days(s: Session, site_id: int, days: set[date]) -> None:
    """The batch's days are dirty: bump each one's version (in the batch's transaction)."""
    if not days:
        return
    c = site_days.c
    have = set(s.execute(select(c.day).where(c.site_id == site_id, c.day.in_(sorted(days)))).scalars())
    if have:
        s.execute(update(site_days).where(c.site_id == site_id, c.day.in_(sorted(have)))
                  .values(version=c.version + 1))
    new = days - have
    if new:
        s.execute(insert(site_days), [{"site_id": site_id, "day": d, "version": 1} for d in sorted(new)])


def take_services(s: Session, site_id: int, services: list[dict[str, Any]]) -> None:
    """A center's services as its batch named them: code, names, target wait (kept when changed)."""
    c = site_services.c
    have = {r.code: r for r in s.execute(select(site_services).where(c.site_id == site_id))}
    for svc in services:
        values = {"name_vi": svc["name"]["vi"], "name_en": svc["name"].get("en") or svc["name"]["vi"],
                  "target_wait_s": svc.get("target_wait_s")}
        old = have.get(svc["code"])
        if old is None:
            s.execute(insert(site_services).values(site_id=site_id, code=svc["code"], **values))
        elif any(getattr(old, k) != v for k, v in values.items()):
            s.execute(update(site_services).where(c.site_id == site_id, c.code == svc["code"]).values(**values))


# -- kept right at report time --------------------------------------------------------------------


def targets_of(s: Session) -> dict[int, dict[str, int]]:
    """Each center's target waits by service code."""
    out: dict[int, dict[str, int]] = {}
    for site_id, code, target in s.execute(select(site_services.c.site_id, site_services.c.code,
                                                  site_services.c.target_wait_s)):
        if target is not None:
            out.setdefault(site_id, {})[code] = target
    return out


class _Targets(dict):
    """A center's targets; a service it never named gets the hall's default."""

    def get(self, key: str, default: Any = None) -> int:  # noqa: D102 - summarize asks .get(code, 1800)
        return super().get(key, DEFAULT_TARGET_S if default is None else default)


def dirty(s: Session, site_ids: list[int] | None, start: date, end: date, *, now: datetime | None = None,
          settle_s: float = REPORT_SETTLE_S, lock: bool = False) -> list[tuple[int, date, int]]:
    """(center, day, version) of the dirty days in start..end; with `now`, only those not summarized
    in the `settle_s` before it (a day a center is pushing to is summarized again at most that often).

    lock=True locks their marks (PostgreSQL): of two reports at once, the second waits and
    then sees the days the first summarized as clean; a mark a batch bumped meanwhile is
    read at its new version, before the facts are.
    """
    c = site_days.c
    query = select(c.site_id, c.day, c.version).where(
        c.day >= start, c.day <= end, or_(c.summarized.is_(None), c.summarized != c.version))
    if now is not None:
        query = query.where(or_(c.summarized_at.is_(None), c.summarized_at <= now - timedelta(seconds=settle_s)))
    if site_ids is not None:
        query = query.where(c.site_id.in_(site_ids))
    query = query.order_by(c.site_id, c.day)
    return [tuple(r) for r in s.execute(query.with_for_update() if lock else query)]


def refresh(s: Session, tz: Any, site_ids: list[int] | None, start: date, end: date,
            now: datetime | None = None, settle_s: float = REPORT_SETTLE_S) -> list[date]:
    """Summarize again every dirty (center, day) of start..end (with `now`: not summarized in the last
    `settle_s`), and their weeks and months; the days done."""
    c = site_days.c
    todo = dirty(s, site_ids, start, end, now=now, settle_s=settle_s, lock=True)
    if not todo:
        return []
    targets = targets_of(s)
    months: set[tuple[int, date]] = set()
    weeks: set[tuple[int, date]] = set()
    for site_id, day, version in sorted(todo):
        rows = summarize(site_facts(s, [site_id], day, day), tz=tz, targets=_Targets(targets.get(site_id, {})))
        d = site_daily_summaries.c
        s.execute(delete(site_daily_summaries).where(d.site_id == site_id, d.day == day))
        values = [{"site_id": site_id, "day": day, "service": service, "counter": counter, "staff": staff, **row}
                  for (_, service, counter, staff), row in rows.items()]
        if values:
            s.execute(insert(site_daily_summaries), values)
        total = empty_row()
        for row in rows.values():
            add(total, row)
        s.execute(update(site_days).where(c.site_id == site_id, c.day == day)
                  .values(summarized=version, summarized_at=now, **{n: total[n] for n in DAY_TOTALS}))
        months.add((site_id, month_of(day)))
        weeks.add((site_id, week_of(day)))
    for site_id, month in sorted(months):
        rebuild_month(s, site_id, month)
    for site_id, week in sorted(weeks):
        rebuild_week(s, site_id, week)
    return sorted({day for _, day, _ in todo})


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _rebuild(s: Session, table: Table, key: str, site_id: int, first: date, after: date) -> None:
    """A center's month or week = the sums of its days' rows (one INSERT … SELECT … GROUP BY)."""
    d, r = site_daily_summaries.c, table.c
    s.execute(delete(table).where(r.site_id == site_id, r[key] == first))
    sums = [func.sum(d[n]) for n in SUMMED] + [func.max(d[n]) for n in MAXIMA]
    s.execute(insert(table).from_select(
        ["site_id", key, "service", "counter", "staff", *SUMMED, *MAXIMA],
        select(d.site_id, literal(first, Date), d.service, d.counter, d.staff, *sums)
        .where(d.site_id == site_id, d.day >= first, d.day < after)
        .group_by(d.site_id, d.service, d.counter, d.staff)))


def rebuild_month(s: Session, site_id: int, month: date) -> None:
    _rebuild(s, site_monthly_summaries, "month", site_id, month, next_month(month))


def rebuild_week(s: Session, site_id: int, monday: date) -> None:
    _rebuild(s, site_weekly_summaries, "week", site_id, monday, monday + timedelta(days=7))


def day_totals(row: Any) -> Row:
    """A `site_days` row's totals as a summary row (the rest zero)."""
    out = empty_row()
    out.update({n: int(getattr(row, n) or 0) for n in DAY_TOTALS})
    return out


# -- the background pass: today's days summarized again off the request path ---------------------------


def summarize_due(hall: Any) -> list[date]:
    """One pass: today's and yesterday's (center, day)s that are dirty and due, summarized again."""
    now = hall.clock()
    today = hall.config.center.business_day(now)
    start = today - timedelta(days=1)  # a center's evening batches still reach yesterday after midnight
    if not hall.db.read(lambda s: dirty(s, None, start, today, now=now, settle_s=SETTLE_S)):
        return []
    return hall.db.write(lambda s: refresh(s, hall.config.center.tz, None, start, today, now, SETTLE_S))


def start_site_summaries(hall: Any, socketio: Any) -> Callable[[], None]:
    """On a province: every SETTLE_S, summarize again the days centers are pushing to, so a report
    finds them current instead of doing it itself (it still does, for any day found due). A green
    thread under eventlet, an OS thread otherwise, as the upstream pusher; returns its stop."""
    stopped = socketio.server.eio.create_event()

    def loop() -> None:
        while not stopped.is_set():
            stopped.wait(SETTLE_S)
            if stopped.is_set():
                break
            try:
                summarize_due(hall)
            except Exception:  # noqa: BLE001 - a busy database must not end the passes; reports still refresh
                log.exception("summarizing the centers' days failed; trying again in %d s", SETTLE_S)

    task = socketio.start_background_task(loop)

    def stop() -> None:
        stopped.set()
        task.join()

    return stop
