"""A province's reports over its centers: /stats and the exports with ?site=, and the monthly table.

GET /stats, /reports/tickets.csv|xlsx and /reports/summary.xlsx (server/api/reports.py) answer,
on a province server, every center's figures or one center's (`?site=NAME`, 404 `unknown_site`
if there is none); `site=` on a hall is refused (422 `province_only`). Each report first
summarizes again the dirty days of its range, in a write transaction of its own
(server/reports/site_summary.py), then reads the summaries.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from ..context import hall
from ..queueing.errors import Invalid, NotFound
from ..reports.export import tickets_csv as write_csv
from ..reports.export import tickets_xlsx as write_xlsx
from ..reports.province import monthly_csv, monthly_xlsx, province_stats, site_named, site_names, sites_monthly
from ..reports.site_summary import dirty, refresh, site_facts, site_services
from ..reports.tables import next_month
from ..storage import offload
from . import allow, api
from .parse import answers, takes
from .schemas import MonthQuery
from .schemas_answers import Shape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def site_allowed(site: str | None) -> None:
    """`site=` means something only on a province server."""
    if site is not None and not hall().config.province:
        raise Invalid("province_only", field="site")


def file_part(site: str | None) -> str:
    """A center's name for a file name: ASCII, no diacritics ("Hạ Long" → "ha-long-")."""
    if not site:
        return ""
    plain = unicodedata.normalize("NFKD", site.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()
    return (re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "site") + "-"


def _ids(site: str | None) -> list[int] | None:
    """The ids the report covers (None: every center); 404 for an unknown name."""
    if site is None:
        return None
    return [hall().db.read(lambda s: site_named(s, site).id)]


def _refreshed(ids: list[int] | None, start: date, end: date) -> list[date]:
    """Summarize again the range's dirty days (each at most every SETTLE_S); a write transaction only when
    there are some."""
    h = hall()
    now = h.clock()
    if not h.db.read(lambda s: dirty(s, ids, start, end, now=now)):
        return []
    return h.db.write(lambda s: refresh(s, h.config.center.tz, ids, start, end, now))


def stats(start: date, end: date, site: str | None, today: date) -> dict[str, Any]:
    """The province's figures for start..end, after summarizing the dirty days among them."""
    h = hall()
    ids = _ids(site)
    live = _refreshed(ids, start, end)
    return h.db.read(lambda s: province_stats(s, start, end, site=site, today=today, live=live))


def _service_names(s: Any, lang: str) -> dict[tuple[str, str], str]:
    names = site_names(s)
    c = site_services.c
    return {(names[i], code): (en if lang == "en" else vi) or vi
            for i, code, vi, en in s.execute(select(c.site_id, c.code, c.name_vi, c.name_en))}


def _facts(s: Any, ids: list[int] | None, start: date, end: date) -> list[Any]:
    return list(site_facts(s, ids, start, end, site_names(s)))


def tickets_csv(start: date, end: date, site: str | None, lang: str, chunk_days: int) -> Response:
    """Every center's tickets (or one's), a month at a time, with the center first."""
    h = hall()
    ids = _ids(site)
    services = h.db.read(lambda s: _service_names(s, lang))

    def chunks():
        first = start
        while first <= end:
            last = min(end, first + timedelta(days=chunk_days - 1))
            facts = h.db.read(lambda s, a=first, b=last: _facts(s, ids, a, b))
            yield offload(lambda f=facts, head=first == start: write_csv(f, h.config, head=head, lang=lang,
                                                                         sites=services))
            first = last + timedelta(days=1)

    name = f"hallq-tickets-{file_part(site)}{start}-{end}.csv"
    return Response(chunks(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def tickets_xlsx(start: date, end: date, site: str | None, lang: str) -> bytes:
    h = hall()
    ids = _ids(site)
    services = h.db.read(lambda s: _service_names(s, lang))
    facts = h.db.read(lambda s: _facts(s, ids, start, end))
    return offload(lambda: write_xlsx(facts, h.config, lang, sites=services))


# -- the monthly per-center table ------------------------------------------------------------------


class MonthlyRow(Shape):
    site: str | None
    served: int
    rated: int
    rated_share: float | None
    satisfied_share: float | None
    wait_mean_s: float | None
    within_target_share: float | None


class SitesMonthly(Shape):
    """One row per center for a calendar month, and the province's total (`site` null)."""

    month: str
    sites: list[MonthlyRow]
    total: MonthlyRow


def _province() -> None:
    if not hall().config.province:
        raise NotFound("not_a_province")


def _month(query: MonthQuery) -> dict[str, Any]:
    h = hall()
    month = query.month or (h.config.center.business_day(h.clock()).replace(day=1) - timedelta(days=1)).replace(day=1)
    if not date(2000, 1, 1) <= month <= date(2999, 12, 1):
        raise Invalid("invalid_value", field="month", allowed="YYYY-MM")
    last = next_month(month) - timedelta(days=1)
    _refreshed(None, month, last)
    return h.db.read(lambda s: sites_monthly(s, month))


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@api.get("/reports/sites-monthly")
@allow(role="supervisor")
@takes(MonthQuery)
@answers(SitesMonthly)
def sites_monthly_json(query: MonthQuery):
    """A province's month per center: served, rated, % rated, % satisfied or better, mean wait, % within target."""
    _province()
    return jsonify(_month(query))


@api.get("/reports/sites-monthly.csv")
@allow(role="supervisor")
@takes(MonthQuery)
@answers(None, media="text/csv")
def sites_monthly_csv(query: MonthQuery):
    """The monthly per-center table as CSV (UTF-8 with BOM), headings in Vietnamese (?lang=en: English)."""
    _province()
    table = _month(query)
    body = monthly_csv(table, query.lang or "vi")
    return _download(body, "text/csv; charset=utf-8", f"hallq-sites-{table['month']}.csv")


@api.get("/reports/sites-monthly.xlsx")
@allow(role="supervisor")
@takes(MonthQuery)
@answers(None, media=XLSX)
def sites_monthly_as_xlsx(query: MonthQuery):
    """The monthly per-center table as a workbook, headings in Vietnamese (?lang=en: English)."""
    _province()
    table = _month(query)
    body = offload(monthly_xlsx, table, query.lang or "vi")
    return _download(body, XLSX, f"hallq-sites-{table['month']}.xlsx")
