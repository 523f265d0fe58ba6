"""Supervisor reads: printers, the live dashboard, statistics and the exports."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, jsonify

from ..context import hall
from ..queueing.errors import Invalid
from ..reports import dashboard as dashboard_body
from .. import appointments
from ..reports import stats, summary_xlsx, tickets_csv, tickets_xlsx
from ..reports.facts import ticket_facts
from ..reports.ratings import rating_report
from ..storage import offload
from . import allow, api
from .parse import answers, takes
from .schemas import RatingsQuery, SiteExport, SiteRange
from .schemas_answers import Dashboard, Printer, RatingReport, Stats
from . import province_reports as province

MAX_RANGE_DAYS = 400
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)  # past these, day arithmetic overflows
XLSX_MAX_DAYS = 92  # a quarter: ~300,000 rows at most, well inside Excel's 1,048,576
CSV_CHUNK_DAYS = 31  # the CSV streams a month at a time, so a year never sits in memory
DASHBOARD_CACHE_S = 5.0  # several supervisors' pages share one answer while nothing changes
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_dashboard_cache: dict[str, tuple[tuple[int, int], dict]] = {}


def _range(query: Range, max_days: int = MAX_RANGE_DAYS) -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both included; today when absent."""
    h = hall()
    start = query.start or h.config.center.business_day(h.clock())
    end = query.end or start
    if not FIRST_DAY <= start <= LAST_DAY or not FIRST_DAY <= end <= LAST_DAY:
        raise Invalid("invalid_value", field="from/to", allowed=f"days from {FIRST_DAY} to {LAST_DAY}")
    if end < start or (end - start).days + 1 > max_days:
        raise Invalid("invalid_value", field="from/to", allowed=f"from ≤ to, at most {max_days} days")
    return start, end


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@api.get("/printers")
@allow(role="supervisor")
@answers(list[Printer])
def printers():
    """Every printer the hall knows, with its last status."""
    return jsonify(hall().printers.listing())


@api.get("/dashboard")
@allow(role="supervisor")
@answers(Dashboard)
def dashboard():
    """The live dashboard: queues and their longest waits, counters, printers, alerts, today's figures."""
    h = hall()
    key = (h.hub.last_seq, int(h.clock().timestamp() // DASHBOARD_CACHE_S))  # the hall's clock moves waits on
    cached = _dashboard_cache.get("body")
    if cached is not None and cached[0] == key:
        return jsonify(cached[1])
    listing = h.printers.listing()
    body = h.db.read(lambda s: dashboard_body(s, h.config, h.clock(), listing))
    _dashboard_cache["body"] = (key, body)
    return jsonify(body)


@api.get("/stats")
@allow(role="supervisor")
@takes(SiteRange)
@answers(Stats)
def statistics(query: SiteRange):
    """Counts, waiting and service times, ratings, per service, counter, staff member, hour and day.

    On a province server: every center's (or, with ?site=, one center's), with `sites` per center."""
    h = hall()
    province.site_allowed(query.site)
    start, end = _range(query)
    today, now = h.config.center.business_day(h.clock()), h.clock()
    if h.config.province:
        return jsonify(province.stats(start, end, query.site, today))

    def read(s):  # the appointments' figures beside the hall's (docs/appointments.md)
        return {**stats(s, h.config, start, end, today=today), "appointments": appointments.figures(s, h.config, start, end, now)}

    return jsonify(h.db.read(read))


@api.get("/reports/ratings")
@allow(role="supervisor")
@takes(RatingsQuery)
@answers(RatingReport)
def ratings(query: RatingsQuery):
    """Counts per low-score reason, and the latest comments (?limit=, ?offset=) with ticket, service, counter, score."""
    h = hall()
    start, end = _range(query)
    limit, offset = query.limit, query.offset
    return jsonify(h.db.read(lambda s: rating_report(s, h.config, start, end, limit=limit, offset=offset)))


@api.get("/reports/tickets.csv")
@allow(role="supervisor")
@takes(SiteExport)
@answers(None, media="text/csv")
def tickets_as_csv(query: SiteExport):
    """One row per ticket, UTF-8 with BOM so Excel keeps the Vietnamese (a province's: every center's, or ?site=)."""
    h = hall()
    province.site_allowed(query.site)
    start, end = _range(query)
    lang = query.lang or "vi"
    if h.config.province:
        return province.tickets_csv(start, end, query.site, lang, CSV_CHUNK_DAYS)

    def chunks():
        # Each month read on a reader thread and written off the hub: nothing blocks the displays.
        first = start
        while first <= end:
            last = min(end, first + timedelta(days=CSV_CHUNK_DAYS - 1))
            facts = h.db.read(lambda s, a=first, b=last: list(ticket_facts(s, a, b)))
            yield offload(lambda f=facts, head=first == start: tickets_csv(f, h.config, head=head, lang=lang))
            first = last + timedelta(days=1)

    return Response(chunks(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="hallq-tickets-{start}-{end}.csv"', "Cache-Control": "no-store"})


@api.get("/reports/tickets.xlsx")
@allow(role="supervisor")
@takes(SiteExport)
@answers(None, media=XLSX)
def tickets_as_xlsx(query: SiteExport):
    """One row per ticket as an Excel workbook, with real dates and times (a province's: with the center)."""
    h = hall()
    province.site_allowed(query.site)
    start, end = _range(query, XLSX_MAX_DAYS)
    lang = query.lang or "vi"
    if h.config.province:
        body = province.tickets_xlsx(start, end, query.site, lang)
        return _download(body, XLSX, f"hallq-tickets-{province.file_part(query.site)}{start}-{end}.xlsx")
    facts = h.db.read(lambda s: list(ticket_facts(s, start, end)))
    body = offload(tickets_xlsx, facts, h.config, lang)
    return _download(body, XLSX, f"hallq-tickets-{start}-{end}.xlsx")


@api.get("/reports/summary.xlsx")
@allow(role="supervisor")
@takes(SiteExport)
@answers(None, media=XLSX)
def summary_as_xlsx(query: SiteExport):
    """The report as a workbook: totals, services, counters, staff, hours, days (a hall's: and appointments;
    a province's: and centers)."""
    h = hall()
    province.site_allowed(query.site)
    start, end = _range(query)
    lang = query.lang or "vi"
    today = h.config.center.business_day(h.clock())
    if h.config.province:
        report = province.stats(start, end, query.site, today)
        title = query.site or h.config.center.name.get(lang)
        body = offload(summary_xlsx, report, title, lang)
        return _download(body, XLSX, f"hallq-report-{province.file_part(query.site)}{start}-{end}.xlsx")
    now = h.clock()
    report = h.db.read(lambda s: {**stats(s, h.config, start, end, today=today),
                                  "appointments": appointments.figures(s, h.config, start, end, now)})
    body = offload(summary_xlsx, report, h.config.center.name.get(lang), lang)
    return _download(body, XLSX, f"hallq-report-{start}-{end}.xlsx")
