"""Exports: one row per ticket (CSV with BOM, XLSX) and the summary workbook (XLSX).

Headers, statuses, outcomes, rating reasons and priority groups in the export's language
(Vietnamese unless asked for English), with the codes in their own last columns; dates
dd/mm/yyyy and 24-hour times in the center's zone. A CSV text cell that a spreadsheet would
take for a formula is neutralized; the workbooks write text as text, never as a formula.
"""
from __future__ import annotations

import csv
import functools
import io
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..config import HallConfig
from ..messages import label
from ..queueing.cases import CASE_OUTCOMES
from ..queueing.models import STATUSES
from .facts import EXPIRED, TicketFacts, ticket_facts
from .xlsx import write_sheet

COLUMNS = ("day", "number", "service", "service_name", "service_now", "status", "outcome", "priority",
           "priority_category", "counter", "staff", "issued_at", "called_at", "started_at", "finished_at", "wait_s",
           "service_s", "transfers", "score", "reason", "comment",
           # The codes behind the labels, last, so integrations reading the columns above keep working.
           "status_code", "outcome_code", "reason_code", "priority_category_code",
           # Case files (issue 15), after everything that was there before.
           "case_code", "case_outcome", "case_note", "case_outcome_code")
MOMENTS = (11, 12, 13, 14)  # issued, called, started, finished
TICKET_WIDTHS = [11, 9, 8, 26, 10, 14, 18, 7, 16, 6, 12, 19, 19, 19, 19, 9, 9, 7, 8, 18, 30, 10, 10, 10, 14,
                 28, 18, 30, 12]
DATE_FORMAT = "dd/mm/yyyy"
LANGS = ("vi", "en")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = frozenset("=+-@\t\r")


def header(lang: str = "vi", *, sites: bool = False) -> list[str]:
    """The ticket export's column titles in `lang` (a province's: the center first)."""
    return [label("col.site", lang)] * sites + [label(f"col.{name}", lang) for name in COLUMNS]


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if type(value) is str and value[:1] in FORMULA_START:
        return "'" + value
    return value


def _openpyxl() -> Any:
    """openpyxl, imported when a workbook is asked for: it would cost the server ~16 MB for good."""
    import openpyxl
    import openpyxl.cell
    import openpyxl.styles

    return openpyxl


class Names:
    """The human names an export shows for codes, in one language (dicts: a month has 100,000 rows)."""

    def __init__(self, config: HallConfig, lang: str) -> None:
        self.services = {svc.code: svc.name.get(lang) for svc in config.services}
        self.categories = {c.code: c.name.get(lang) for c in getattr(config, "priority_categories", [])}
        self.reasons = {r.code: r.name.get(lang) for r in config.rating.reasons}
        self.statuses = {code: label(f"status.{code}", lang) for code in STATUSES}
        self.outcomes = {code: label(f"outcome.{code}", lang) for code in (*STATUSES, EXPIRED)}
        self.case_outcomes = {code: label(f"case_outcome.{code}", lang) for code in CASE_OUTCOMES}


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def _text(moment: datetime | None, tz: ZoneInfo) -> str:
    if not moment:
        return ""
    m = moment.astimezone(tz)  # dd/mm/yyyy HH:MM:SS (an f-string: strftime costs 3× more)
    return f"{m.day:02d}/{m.month:02d}/{m.year} {m.hour:02d}:{m.minute:02d}:{m.second:02d}"


def _values(f: TicketFacts, names: Names) -> list[Any]:
    """One ticket as [day, number, ..., comment, codes...]: raw values, formatted by each writer."""
    category, reason = f.priority_category or "", f.reason or ""
    return [
        f.day, f.number, f.service, names.services.get(f.service, ""),
        f.service_now if f.service_now != f.service else "",
        names.statuses.get(f.status, f.status), names.outcomes.get(f.outcome, f.outcome), "x" if f.priority else "",
        names.categories.get(category, category), f.counter or "", f.staff or "",
        f.issued_at, f.first_called_at, f.started_at, f.finished_at,
        None if f.wait_s is None else round(f.wait_s), None if f.service_s is None else round(f.service_s),
        f.transfers or "", f.score or "", names.reasons.get(reason, reason), f.comment or "",
        f.status, f.outcome, reason, category,
        f.case_code or "", names.case_outcomes.get(f.case_outcome or "", ""), f.case_note or "", f.case_outcome or "",
    ]


def ticket_rows(s: Session, config: HallConfig, start: date, end: date,
                lang: str = "vi") -> tuple[list[str], list[list[Any]]]:
    """The CSV's header and rows: text cells, times in the center's zone."""
    return text_rows(list(ticket_facts(s, start, end)), config, lang)


def _site_values(f: Any, names: Names, sites: dict[tuple[str, str], str] | None) -> list[Any]:
    """A province's row: its center first, the service named as that center names it."""
    v = _values(f, names)
    v[3] = sites.get((f.site, f.service), v[3])
    v.insert(0, f.site)
    return v


def text_rows(facts: Iterable[TicketFacts], config: HallConfig, lang: str = "vi", *,
              sites: dict[tuple[str, str], str] | None = None) -> tuple[list[str], list[list[Any]]]:
    """`sites` (a province's service names by (center, code)): the rows are centers' facts, with a center column."""
    tz = config.center.tz
    names = Names(config, lang)
    at = int(sites is not None)
    out = []
    for f in facts:
        v = _values(f, names) if sites is None else _site_values(f, names, sites)
        v[at] = f.day.strftime("%d/%m/%Y")
        for i in MOMENTS:
            v[i + at] = _text(v[i + at], tz)
        v[15 + at] = "" if v[15 + at] is None else v[15 + at]
        v[16 + at] = "" if v[16 + at] is None else v[16 + at]
        out.append(v)
    return header(lang, sites=sites is not None), out


def tickets_csv(facts: Iterable[TicketFacts], config: HallConfig, *, head: bool = True, lang: str = "vi",
                sites: dict[tuple[str, str], str] | None = None) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Vietnamese intact; CRLF line ends as Excel writes them.

    head=False gives just the rows, for the chunks after the first of a streamed export.
    Every text cell goes through csv_safe: a comment "=HYPERLINK(…)" must not become a link.
    """
    titles, rows = text_rows(facts, config, lang, sites=sites)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if head:
        buf.write("\ufeff")
        writer.writerow(titles)
    danger = FORMULA_START  # csv_safe, inlined: it runs on every cell of a month
    writer.writerows([("'" + v) if type(v) is str and v[:1] in danger else v for v in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def _head(ws: Any, labels: list[str]) -> list[Any]:
    cells = []
    for label in labels:
        xl = _openpyxl()
        cell = xl.cell.WriteOnlyCell(ws, value=label)
        cell.font = xl.styles.Font(bold=True, color="FFFFFF")
        cell.fill = xl.styles.PatternFill("solid", fgColor="0A4A94")
        cell.alignment = xl.styles.Alignment(vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _widths(ws: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def tickets_xlsx(facts: Iterable[TicketFacts], config: HallConfig, lang: str = "vi", *,
                 sites: dict[tuple[str, str], str] | None = None) -> bytes:
    """One row per ticket as a workbook: real dates and times, a frozen header, a filter.

    `sites` as for text_rows: a province's workbook, its center first."""
    tz = config.center.tz
    names = Names(config, lang)
    at = int(sites is not None)

    def rows() -> Iterator[list[Any]]:
        for f in facts:
            v = _values(f, names) if sites is None else _site_values(f, names, sites)
            for i in MOMENTS:
                v[i + at] = _local(v[i + at], tz)
            yield v

    widths = [18] * at + TICKET_WIDTHS
    return write_sheet(label("sheet.tickets", lang), header(lang, sites=at == 1), rows(), widths,
                       freeze="D2" if at else "C2")


def _formatted(ws: Any, fmt: str):
    """A maker of cells that show dates the Vietnamese way (dd/mm/yyyy, 24-hour)."""

    cell_class = _openpyxl().cell.WriteOnlyCell

    def make(value: Any) -> Any:
        cell = cell_class(ws, value=value)
        cell.number_format = fmt
        return cell

    return make


def _save(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


FIGURES = ("tickets", "served", "no_shows", "expired", "transferred", "wait_mean", "wait_median", "wait_p90",
           "service_mean", "service_median", "service_p90", "within_target", "ratings", "rating_mean", "satisfied")


def _figure_values(f: dict[str, Any]) -> list[Any]:
    w, sv, r = f["wait_s"], f["service_s"], f["rating"]
    share = f["within_target"]["share"]
    satisfied = r["satisfied_share"]
    return [f["tickets"], f["served"], f["no_shows"], f["expired"], f["transferred"],
            _minutes(w["mean"]), _minutes(w["median"]), _minutes(w["p90"]),
            _minutes(sv["mean"]), _minutes(sv["median"]), _minutes(sv["p90"]),
            None if share is None else round(share * 100, 1), r["count"], r["mean"],
            None if satisfied is None else round(satisfied * 100, 1)]


def _typed(ws: Any, values: list[Any]) -> list[Any]:
    """Text as text cells: openpyxl would store a name starting with "=" as a formula."""
    cell_class = _openpyxl().cell.WriteOnlyCell
    out = []
    for value in values:
        if type(value) is str:
            cell = cell_class(ws, value=value)
            cell.data_type = "s"
            value = cell
        out.append(value)
    return out


def summary_xlsx(report: dict[str, Any], center: str, lang: str = "vi") -> bytes:
    """The report as a workbook: totals, services, counters, staff, hours of day, days (a hall's: appointments)."""
    wb = _openpyxl().Workbook(write_only=True)
    start = date.fromisoformat(report["from"]).strftime("%d/%m/%Y")
    end = date.fromisoformat(report["to"]).strftime("%d/%m/%Y")
    title = label("summary.title", lang, center=center, start=start, end=end)
    t = functools.partial(label, lang=lang)
    figure_head = [t(f"fig.{name}") for name in FIGURES]

    def name(text: dict[str, str]) -> str:
        return (text.get("en") or text["vi"]) if lang == "en" else text["vi"]

    def sheet(key: str, first: list[str], rows: Callable[[Any], Iterable[list[Any]]], widths: list[int]) -> None:
        ws = wb.create_sheet(t(key))
        ws.freeze_panes = "A4"
        _widths(ws, widths)
        ws.append(_typed(ws, [title]))
        ws.append([])
        ws.append(_head(ws, first))
        for row in rows(ws):
            ws.append(_typed(ws, row))

    fw = [11] * len(FIGURES)
    sheet("sheet.total", [t("summary.figure"), t("summary.value")],
          lambda ws: ([head, value] for head, value in zip(figure_head, _figure_values(report["total"]))),
          [26, 12])
    sheet("sheet.services", [t("summary.code"), t("summary.service"), t("summary.target")] + figure_head,
          lambda ws: ([code, name(f["name"]), _minutes(f["target_wait_s"])] + _figure_values(f)
                      for code, f in report["services"].items()), [8, 34, 10] + fw)
    if report.get("sites"):  # a province's report: each center's figures
        sheet("sheet.sites", [t("col.site")] + figure_head,
              lambda ws: ([site] + _figure_values(f) for site, f in report["sites"].items()), [24] + fw)
    sheet("sheet.counters", [t("summary.counter"), t("summary.counter_name")] + figure_head,
          lambda ws: ([f["number"], name(f["name"])] + _figure_values(f) for f in report["counters"].values()),
          [6, 34] + fw)
    sheet("sheet.staff", [t("summary.staff")] + figure_head,
          lambda ws: ([person] + _figure_values(f) for person, f in report["staff"].items()), [16] + fw)
    sheet("sheet.hours", [t("summary.hour"), t("fig.tickets")],
          lambda ws: ([f"{h['hour']:02d}:00–{h['hour']:02d}:59", h["tickets"]] for h in report["by_hour"]),
          [14, 10])

    def days(ws: Any) -> Iterable[list[Any]]:
        day_cell = _formatted(ws, DATE_FORMAT)
        for d in report["by_day"]:
            share = d["within_target_share"]
            yield [day_cell(date.fromisoformat(d["day"])), d["tickets"], d["served"], d["no_shows"], d["expired"],
                   _minutes(d["wait_mean_s"]), _minutes(d["service_mean_s"]),
                   None if share is None else round(share * 100, 1), d["rating_mean"]]

    sheet("sheet.days", [t(key) for key in ("summary.day", "fig.tickets", "fig.served", "fig.no_shows", "fig.expired",
                                            "fig.wait_mean", "fig.service_mean", "fig.within_target",
                                            "fig.rating_mean")], days, [12] + [11] * 8)
    if report.get("appointments"):  # a hall's report: bookings against walk-ins (docs/appointments.md)
        sheet("sheet.appointments", [t("summary.figure"), t("summary.value")],
              lambda ws: ([t(f"appt.{key}"), value] for key, value in _appointment_values(report["appointments"])),
              [30, 12])
    return _save(wb)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _appointment_values(a: dict[str, Any]) -> list[tuple[str, Any]]:
    """The appointments sheet's rows: counts, then the rates in %, then tickets of bookings against walk-ins."""
    tickets = a["tickets_appointment"] + a["tickets_walk_in"]
    return [(key, a[key]) for key in ("booked", "cancelled", "checked_in", "on_time", "late", "served", "no_show")] + [
        ("no_show_rate", _percent(a["no_show_rate"])), ("on_time_rate", _percent(a["on_time_rate"])),
        ("avg_early", _minutes(a["avg_early_s"])),
        ("tickets_appointment", a["tickets_appointment"]), ("tickets_walk_in", a["tickets_walk_in"]),
        ("tickets_share", _percent(a["tickets_appointment"] / tickets if tickets else None))]
