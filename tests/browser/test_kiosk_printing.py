"""Tap on the kiosk → the ticket prints on a virtual serial printer (a pty), or the kiosk says why not."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.printers.virtual_printer import PtyPrinter

from .test_kiosk import tile


@pytest.fixture(scope="module")
def printer():
    p = PtyPrinter()
    yield p
    p.close()


@pytest.fixture(scope="module")
def printing_kiosk(hall, printer):
    """A kiosk device whose tickets print on the virtual printer; revoked after the module, since the
    hall is shared and a later module's pty may get the same path."""
    yield hall.auth.device("k-print", "kiosk", printer=printer.url)
    hall.server.cli("device", "revoke", "k-print")


def open_printing_kiosk(new_page, hall, token):
    page = new_page(1080, 1920)
    page.goto(f"{hall.url}/kiosk?return=60&failed=60#token={token}")
    expect(tile(page, "DD")).to_be_visible()
    return page


def test_the_ticket_prints_and_the_kiosk_says_so(new_page, hall, printer, printing_kiosk):
    cuts = printer.model.count("cut")
    page = open_printing_kiosk(new_page, hall, printing_kiosk)
    tile(page, "DD").click()
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "printed")
    expect(page.locator("#t-print")).to_contain_text("Phiếu đã in xong")
    assert printer.wait_for(lambda m: m.count("cut") > cuts, timeout=10)
    assert printer.model.count("qr_print") >= 1  # the status page's QR code, in the printer's own commands


def test_paper_out_keeps_the_number_and_qr_with_the_reason(new_page, hall, printer, printing_kiosk):
    printer.model.paper = "out"
    try:
        page = open_printing_kiosk(new_page, hall, printing_kiosk)
        tile(page, "HT").click()
        expect(page.locator("#t-number")).to_be_visible()
        expect(page.locator("#t-print-box")).to_have_attribute("data-status", "failed")
        expect(page.locator("#t-take")).to_have_text("Máy in gặp sự cố — vui lòng chụp lại mã QR hoặc ghi nhớ số")
        expect(page.locator("#t-print-detail")).not_to_be_empty()
        expect(page.locator("#t-qr svg")).to_be_visible()
        # Staff put paper in; the citizen taps "In lại phiếu" and gets the ticket after all.
        printer.model.paper = "ok"
        cuts = printer.model.count("cut")
        page.locator("#t-reprint").click()
        expect(page.locator("#t-print-box")).to_have_attribute("data-status", "printed")
        expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
        expect(page.locator("#t-reprint")).to_be_hidden()
        assert printer.wait_for(lambda m: m.count("cut") > cuts, timeout=10)
    finally:
        printer.model.paper = "ok"
