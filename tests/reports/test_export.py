"""The exports read back: CSV with the csv module, XLSX with openpyxl, Vietnamese intact."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from server.closing import expire_open_tickets
from server.reports import stats, summary_xlsx, tickets_csv, tickets_xlsx
from server.reports.facts import ticket_facts

from .day import COMMENT, DAY, OPENING, play


def facts_of(db):
    return db.read(lambda s: list(ticket_facts(s, DAY, DAY)))


def test_csv_has_a_bom_and_one_row_per_ticket(db, config, engine):
    numbers = play(db, engine)
    db.write(lambda s: expire_open_tickets(s, config, OPENING + timedelta(days=1)))
    body = tickets_csv(facts_of(db), config)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert len(rows) == 14
    by_number = {r["Số thứ tự"]: r for r in rows}
    first = by_number[numbers["dd0"]]
    assert first["Ngày"] == "26/11/2026"
    assert first["Tên lĩnh vực"] == "Đất đai"
    assert first["Kết quả"] == "Đã phục vụ" and first["Trạng thái"] == "Đã xong"
    assert (first["Mã trạng thái"], first["Mã kết quả"]) == ("done", "done")
    assert first["Lấy số"] == "26/11/2026 08:00:00"  # 24-hour, the center's time zone
    assert first["Được gọi"] == "26/11/2026 08:00:30"
    assert (first["Chờ (giây)"], first["Phục vụ (giây)"]) == ("30", "120")
    assert (first["Quầy"], first["Cán bộ"], first["Đánh giá"]) == ("1", "lan", "4")
    assert first["Góp ý"] == COMMENT
    moved = by_number[numbers["dd10"]]
    assert (moved["Lĩnh vực"], moved["Lĩnh vực sau chuyển"], moved["Số lần chuyển"], moved["Cán bộ"]) == ("DD", "HT", "1", "hoa")
    assert by_number[numbers["dd9"]]["Kết quả"] == "Vắng mặt"
    assert by_number[numbers["h1"]]["Kết quả"] == "Đã huỷ"
    expired = by_number[numbers["h2"]]
    assert (expired["Trạng thái"], expired["Kết quả"], expired["Được gọi"]) == ("Đã huỷ", "Hết hạn (đóng ngày)", "")
    assert (expired["Mã trạng thái"], expired["Mã kết quả"]) == ("cancelled", "expired")
    assert body.count(b"\r\n") == 15  # Excel's own line ends


def test_ticket_workbook_has_real_dates(db, config, engine):
    numbers = play(db, engine)
    wb = load_workbook(io.BytesIO(tickets_xlsx(facts_of(db), config)))
    ws = wb["Số thứ tự"]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Ngày", "Số thứ tự", "Lĩnh vực", "Tên lĩnh vực") and "Góp ý" in header
    assert len(body) == 14
    col = {name: i for i, name in enumerate(header)}
    first = next(r for r in body if r[col["Số thứ tự"]] == numbers["dd0"])
    assert first[col["Ngày"]] == datetime(2026, 11, 26)
    assert first[col["Lấy số"]] == datetime(2026, 11, 26, 8, 0, 0)  # local wall time
    assert first[col["Tên lĩnh vực"]] == "Đất đai" and first[col["Góp ý"]] == COMMENT
    assert first[col["Chờ (giây)"]] == 30 and first[col["Đánh giá"]] == 4
    assert ws.cell(row=2, column=1).number_format == "dd/mm/yyyy"
    assert ws.cell(row=2, column=col["Lấy số"] + 1).number_format == "dd/mm/yyyy hh:mm:ss"
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:AC15"


def test_summary_workbook(db, config, engine):
    play(db, engine)
    report = db.read(lambda s: stats(s, config, DAY, DAY, today=DAY))
    wb = load_workbook(io.BytesIO(summary_xlsx(report, config.center.name.vi)))
    assert wb.sheetnames == ["Tổng hợp", "Lĩnh vực", "Quầy", "Cán bộ", "Theo giờ", "Theo ngày"]
    title = wb["Lĩnh vực"]["A1"].value
    assert "Trung tâm Phục vụ Hành chính công tỉnh Quảng Ninh" in title and "26/11/2026" in title
    services = {row[0]: row for row in wb["Lĩnh vực"].iter_rows(min_row=4, values_only=True)}
    assert services["DD"][1] == "Đất đai" and services["DD"][3] == 11  # tickets
    assert services["HT"][2] == 10.0  # the 10-minute target, in minutes
    staff = {row[0]: row[1] for row in wb["Cán bộ"].iter_rows(min_row=4, values_only=True)}
    assert staff == {"hoa": 2, "lan": 5, "mai": 5}
    days = list(wb["Theo ngày"].iter_rows(min_row=4, values_only=True))
    assert days[0][0] == datetime(2026, 11, 26) and days[0][1] == 14
    hours = {row[0]: row[1] for row in wb["Theo giờ"].iter_rows(min_row=4, values_only=True)}
    assert hours["08:00–08:59"] == 8


def test_an_empty_range_exports_just_the_header(db, config):
    empty = db.read(lambda s: list(ticket_facts(s, date(2026, 1, 1), date(2026, 1, 31))))
    rows = list(csv.reader(io.StringIO(tickets_csv(empty, config).decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][1] == "Số thứ tự"
    wb = load_workbook(io.BytesIO(tickets_xlsx(empty, config)))
    assert wb.active.max_row == 1
