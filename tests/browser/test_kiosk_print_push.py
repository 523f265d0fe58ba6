"""The kiosk learns a print result from the live connection (`ticket_printed`), not by asking for the ticket."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_kiosk import tile

pytestmark = pytest.mark.slow


def test_the_print_result_is_pushed_and_the_kiosk_never_asks_for_the_ticket(new_page, hall):
    token = hall.auth.device("k-push", "kiosk", printer="dummy://")
    page = new_page(1080, 1920)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.method == "GET" and "/api/v1/tickets/" in r.url else None)
    page.goto(f"{hall.url}/kiosk?return=60&failed=60#token={token}")
    expect(tile(page, "DD")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-live", "on")  # its print results come this way
    tile(page, "DD").click()
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "printed")
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    assert asked == [], f"the kiosk polled for its print result while connected: {asked}"
