"""The reports page on a province server: every center's figures, a table by center, and a center picker.

One province (`hallq serve`, eventlet) with three centers, two of which have pushed a day of
tickets (the facts of tests/reports/test_province_reports.py); Chromium at the sizes a
supervisor's desk uses. Screenshots go to docs/screenshots/ with HALLQ_SCREENSHOTS=1.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.test_admin_dashboard import log_in
from tests.reports.test_province_reports import CAM_PHA, DAY, HA_LONG, SERVICES
from tests.support.hall import hall_config

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def province(start_hall):
    hall = start_hall(hall_config(edit=lambda d: d.update(province=True)))
    server = hall.server
    for name, facts, services in (("Hạ Long", HA_LONG, SERVICES), ("Cẩm Phả", CAM_PHA, None), ("Vân Đồn", [], None)):
        token = server.cli("site", "add", name).stdout.strip().splitlines()[-1]
        body = {"from_seq": 1, "to_seq": 2, "sent_at": f"{DAY}T09:00:00+07:00", "facts": facts}
        if services:
            body["services"] = services
        resp = server.post("upstream/facts", body, token=token)
        assert resp.status_code == 200, resp.text
    hall.auth.supervisor("boss")
    return server


def rows(page, table: str) -> dict[str, str]:
    """A table's rows: the key, and its tickets cell."""
    out = {}
    for row in page.locator(f"#{table} tbody tr").all():
        out[row.get_attribute("data-key")] = row.locator('td[data-field="tickets"]').inner_text()
    return out


@pytest.mark.parametrize("width, height", [(1440, 1000), (1024, 768)])
def test_a_province_reads_every_center_and_picks_one(new_page, province, shots, width, height):
    page = new_page(width, height)
    log_in(page, f"{province.url}/admin/reports#from={DAY}&to={DAY}")
    console = []  # from the login on (the page's first GET /me answers 401 before it, by design)
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    expect(page.locator("body")).to_have_attribute("data-loaded", f"{DAY}..{DAY}")
    expect(page.locator("#rep-site-box")).to_be_visible()
    expect(page.locator("#rep-site option")).to_have_count(4)  # every center, and each one
    assert rows(page, "rep-sites") == {"Cẩm Phả": "3", "Hạ Long": "5", "Vân Đồn": "0"}
    assert page.get_attribute("#rep-monthly", "href").endswith("/reports/sites-monthly.xlsx?month=2026-11")
    expect(page.locator("#kpi-tickets .a-kpi__value")).to_have_text("8")
    assert page.locator("#rep-counters tbody tr").count() == 3  # each center's own counters
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"admin-reports-province-{width}.png"), full_page=True)

    page.select_option("#rep-site", "Hạ Long")
    expect(page.locator("#kpi-tickets .a-kpi__value")).to_have_text("5")
    assert rows(page, "rep-sites") == {"Hạ Long": "5"}
    assert "site=" + quote("Hạ Long") in page.url
    assert "site=" + quote("Hạ Long") in page.get_attribute("#rep-csv", "href")
    assert rows(page, "rep-services") == {"DD": "2", "TK": "3"}
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"admin-reports-province-site-{width}.png"), full_page=True)
    assert page.js_errors == [] and console == []
