"""Exports: one row per ticket (CSV with BOM, XLSX) and the summary workbook (XLSX).

Vietnamese headers and outcomes, dates dd/mm/yyyy and 24-hour times in the center's zone.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..config import HallConfig
from .facts import TicketFacts, ticket_facts
from .xlsx import write_sheet

OUTCOMES = {
    "done": "Đã phục vụ", "no_show": "Vắng mặt", "cancelled": "Đã huỷ", "expired": "Hết hạn (đóng ngày)",
    "waiting": "Đang chờ", "called": "Đã gọi", "serving": "Đang phục vụ",
}
HEADER = ["Ngày", "Số thứ tự", "Lĩnh vực", "Tên lĩnh vực", "Lĩnh vực sau chuyển", "Trạng thái", "Kết quả",
          "Ưu tiên", "Đối tượng ưu tiên", "Quầy", "Cán bộ", "Lấy số", "Được gọi", "Bắt đầu", "Kết thúc",
          "Chờ (giây)", "Phục vụ (giây)", "Số lần chuyển", "Đánh giá", "Lý do", "Góp ý"]
TICKET_WIDTHS = [11, 9, 8, 26, 10, 10, 18, 7, 16, 6, 12, 19, 19, 19, 19, 9, 9, 7, 8, 14, 30]
DATE_FORMAT = "dd/mm/yyyy"
def _openpyxl() -> Any:
    """openpyxl, imported when a workbook is asked for: it would cost the server ~16 MB for good."""
    import openpyxl
    import openpyxl.cell
    import openpyxl.styles

    return openpyxl


def _names(config: HallConfig) -> tuple[dict[str, str], dict[str, str]]:
    services = {s.code: s.name.vi for s in config.services}
    categories = {c.code: c.name.vi for c in getattr(config, "priority_categories", [])}
    return services, categories


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def _text(moment: datetime | None, tz: ZoneInfo) -> str:
    if not moment:
        return ""
    m = moment.astimezone(tz)  # dd/mm/yyyy HH:MM:SS (an f-string: strftime costs 3× more)
    return f"{m.day:02d}/{m.month:02d}/{m.year} {m.hour:02d}:{m.minute:02d}:{m.second:02d}"


def _values(f: TicketFacts, config: HallConfig, services: dict[str, str], categories: dict[str, str]) -> list[Any]:
    """One ticket as [day, number, ..., comment]: raw values, formatted by each writer."""
    return [
        f.day, f.number, f.service, services.get(f.service, ""), f.service_now if f.service_now != f.service else "",
        f.status, OUTCOMES.get(f.outcome, f.outcome), "x" if f.priority else "",
        categories.get(f.priority_category or "", f.priority_category or ""), f.counter or "", f.staff or "",
        f.issued_at, f.first_called_at, f.started_at, f.finished_at,
        None if f.wait_s is None else round(f.wait_s), None if f.service_s is None else round(f.service_s),
        f.transfers or "", f.score or "", f.reason or "", f.comment or "",
    ]


def ticket_rows(s: Session, config: HallConfig, start: date, end: date) -> tuple[list[str], list[list[Any]]]:
    """The CSV's header and rows: text cells, times in the center's zone."""
    return text_rows(list(ticket_facts(s, start, end)), config)


def text_rows(facts: Iterable[TicketFacts], config: HallConfig) -> tuple[list[str], list[list[Any]]]:
    tz = config.center.tz
    services, categories = _names(config)
    out = []
    for f in facts:
        v = _values(f, config, services, categories)
        v[0] = f.day.strftime("%d/%m/%Y")
        for i in (11, 12, 13, 14):
            v[i] = _text(v[i], tz)
        v[15] = "" if v[15] is None else v[15]
        v[16] = "" if v[16] is None else v[16]
        out.append(v)
    return HEADER, out


def tickets_csv(facts: Iterable[TicketFacts], config: HallConfig, *, head: bool = True) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Vietnamese intact; CRLF line ends as Excel writes them.

    head=False gives just the rows, for the chunks after the first of a streamed export.
    """
    header, rows = text_rows(facts, config)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if head:
        buf.write("\ufeff")
        writer.writerow(header)
    writer.writerows(rows)
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


def tickets_xlsx(facts: Iterable[TicketFacts], config: HallConfig) -> bytes:
    """One row per ticket as a workbook: real dates and times, a frozen header, a filter."""
    tz = config.center.tz
    services, categories = _names(config)

    def rows() -> Iterator[list[Any]]:
        for f in facts:
            v = _values(f, config, services, categories)
            for i in (11, 12, 13, 14):
                v[i] = _local(v[i], tz)
            yield v

    return write_sheet("Số thứ tự", HEADER, rows(), TICKET_WIDTHS, freeze="C2")


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


FIGURE_HEAD = ["Số phiếu", "Đã phục vụ", "Vắng mặt", "Hết hạn", "Chuyển", "Chờ TB (phút)", "Chờ trung vị (phút)",
               "Chờ P90 (phút)", "Phục vụ TB (phút)", "Phục vụ trung vị (phút)", "Phục vụ P90 (phút)",
               "Trong mục tiêu (%)", "Lượt đánh giá", "Điểm TB (1–4)", "Hài lòng (%)"]


def _figure_values(f: dict[str, Any]) -> list[Any]:
    w, sv, r = f["wait_s"], f["service_s"], f["rating"]
    share = f["within_target"]["share"]
    satisfied = r["satisfied_share"]
    return [f["tickets"], f["served"], f["no_shows"], f["expired"], f["transferred"],
            _minutes(w["mean"]), _minutes(w["median"]), _minutes(w["p90"]),
            _minutes(sv["mean"]), _minutes(sv["median"]), _minutes(sv["p90"]),
            None if share is None else round(share * 100, 1), r["count"], r["mean"],
            None if satisfied is None else round(satisfied * 100, 1)]


def summary_xlsx(report: dict[str, Any], center: str) -> bytes:
    """The report as a workbook: totals, services, counters, staff, hours of day, days."""
    wb = _openpyxl().Workbook(write_only=True)
    start = date.fromisoformat(report["from"]).strftime("%d/%m/%Y")
    end = date.fromisoformat(report["to"]).strftime("%d/%m/%Y")
    title = f"{center} — báo cáo từ {start} đến {end}"

    def sheet(name: str, first: list[str], rows: Callable[[Any], Iterable[list[Any]]], widths: list[int]) -> None:
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A4"
        _widths(ws, widths)
        ws.append([title])
        ws.append([])
        ws.append(_head(ws, first))
        for row in rows(ws):
            ws.append(row)

    fw = [11] * len(FIGURE_HEAD)
    sheet("Tổng hợp", ["Chỉ số", "Giá trị"],
          lambda ws: ([label, value] for label, value in zip(FIGURE_HEAD, _figure_values(report["total"]))),
          [26, 12])
    sheet("Lĩnh vực", ["Mã", "Lĩnh vực", "Mục tiêu chờ (phút)"] + FIGURE_HEAD,
          lambda ws: ([code, f["name"]["vi"], _minutes(f["target_wait_s"])] + _figure_values(f)
                      for code, f in report["services"].items()), [8, 34, 10] + fw)
    sheet("Quầy", ["Quầy", "Tên quầy"] + FIGURE_HEAD,
          lambda ws: ([f["number"], f["name"]["vi"]] + _figure_values(f) for f in report["counters"].values()),
          [6, 34] + fw)
    sheet("Cán bộ", ["Cán bộ"] + FIGURE_HEAD,
          lambda ws: ([name] + _figure_values(f) for name, f in report["staff"].items()), [16] + fw)
    sheet("Theo giờ", ["Giờ", "Số phiếu"],
          lambda ws: ([f"{h['hour']:02d}:00–{h['hour']:02d}:59", h["tickets"]] for h in report["by_hour"]),
          [14, 10])

    def days(ws: Any) -> Iterable[list[Any]]:
        day_cell = _formatted(ws, DATE_FORMAT)
        for d in report["by_day"]:
            share = d["within_target_share"]
            yield [day_cell(date.fromisoformat(d["day"])), d["tickets"], d["served"], d["no_shows"], d["expired"],
                   _minutes(d["wait_mean_s"]), _minutes(d["service_mean_s"]),
                   None if share is None else round(share * 100, 1), d["rating_mean"]]

    sheet("Theo ngày", ["Ngày", "Số phiếu", "Đã phục vụ", "Vắng mặt", "Hết hạn", "Chờ TB (phút)",
                        "Phục vụ TB (phút)", "Trong mục tiêu (%)", "Điểm TB (1–4)"], days, [12] + [11] * 8)
    return _save(wb)
