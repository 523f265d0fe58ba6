"""The kiosk's answers to what can go wrong: full services, API errors, printer states."""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.printers.virtual_printer import PtyPrinter

from .conftest import CAPPED
from .test_kiosk import open_kiosk, tile


def test_a_full_service_says_so_and_is_greyed(new_page, hall):
    page = open_kiosk(new_page, hall)
    if hall.waiting(CAPPED) == 0:
        hall.issue(CAPPED)  # its one number of the day
    tile(page, CAPPED).click(force=True)
    expect(page.locator("#home-message")).to_contain_text("đã hết số trong ngày")
    expect(tile(page, CAPPED)).to_have_attribute("aria-disabled", "true")
    expect(tile(page, CAPPED)).to_contain_text("Đã hết số hôm nay")
    expect(page.locator("#screen-ticket")).to_be_hidden()


def _answer(status: int, code: str):
    body = json.dumps({"error": {"code": code, "message": "server text"}})
    return lambda route: route.fulfill(status=status, content_type="application/json", body=body)


def test_rate_limited_is_a_human_message(new_page, hall):
    page = open_kiosk(new_page, hall)
    page.route("**/api/v1/tickets", _answer(429, "rate_limited"))
    tile(page, "DD").click()
    expect(page.locator("#home-message")).to_contain_text("Thao tác quá nhanh")
    page.locator("#lang").click()
    tile(page, "DD").click()
    expect(page.locator("#home-message")).to_contain_text("Too many requests")


def test_a_rejected_token_shows_the_pairing_message(new_page, hall):
    page = open_kiosk(new_page, hall)
    page.route("**/api/v1/tickets", _answer(401, "unauthenticated"))
    tile(page, "DD").click()
    expect(page.locator("#screen-pairing")).to_be_visible()
    expect(page.locator("#pairing-reason")).to_contain_text("Vui lòng ghép nối lại")


def _with_print(print_state: dict):
    """Pass a call through to the server and put `print` into its answer."""

    def handle(route):
        resp = route.fetch()
        data = resp.json()
        data["print"] = print_state
        route.fulfill(response=resp, body=json.dumps(data))

    return handle


def test_printed_ticket(new_page, hall):
    page = open_kiosk(new_page, hall)
    page.route("**/api/v1/tickets", _with_print({"status": "printed"}))
    tile(page, "DD").click()
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    expect(page.locator("#t-print")).to_contain_text("Phiếu đã in xong")


def test_a_print_failure_keeps_the_number_longer_with_the_reason(new_page, hall):
    """The failure comes pushed (`ticket_printed`) from a real printer that is out of paper."""
    printer = PtyPrinter()
    try:
        printer.model.paper = "out"
        token = hall.auth.device("k-paper-out", "kiosk", printer=printer.url)
        page = new_page(1080, 1920)
        page.goto(f"{hall.url}/kiosk?return=2&failed=40#token={token}")
        expect(page.locator(".k-service").first).to_be_visible()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if re.search(r"/api/v1/tickets/[^/]+$", r.url) else None)
        expect(page.locator("body")).to_have_attribute("data-live", "on")  # its print results come this way
        tile(page, "HT").click()
        expect(page.locator("#t-take")).to_have_text("Máy in gặp sự cố — vui lòng chụp lại mã QR hoặc ghi nhớ số")
        expect(page.locator("#t-print-detail")).to_have_text("Máy in hết giấy.")  # the code's words, never the reason
        expect(page.locator("#t-print-box")).to_have_attribute("data-status", "failed")
        # The longer countdown for a failure, not the 2 s of a good print.
        expect(page.locator("#t-countdown")).to_have_text(re.compile(r"\((3\d|40) giây\)"))
        expect(page.locator("#t-number")).to_be_visible()
        expect(page.locator("#t-qr svg")).to_be_visible()
        assert asked == [], f"the kiosk asked for its ticket while its live connection was up: {asked}"
    finally:
        printer.close()
