"""A kiosk whose printer is on its own PC: `hallq agent` prints, and the page warns before the tap.

Chromium on /kiosk, a real `hallq agent` process and a virtual serial printer (a pty): the
ticket prints through the agent; with the paper out (or the agent gone) the page says so
before a citizen taps, and still issues the number, shown with its QR code.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.agent.support import AgentProcess
from tests.printers.virtual_printer import PtyPrinter

from .test_kiosk import tile

PAUSED = "Máy in tạm ngừng — số của Ông/Bà hiển thị trên màn hình và điện thoại"


@pytest.fixture(scope="module")
def printer() -> Iterator[PtyPrinter]:
    p = PtyPrinter()
    yield p
    p.close()


@pytest.fixture(scope="module")
def agent_kiosk(hall) -> Iterator[str]:
    yield hall.auth.device("k-agent-page", "kiosk", printer="agent")
    hall.server.cli("device", "revoke", "k-agent-page")  # the hall is shared: no alert left behind


@pytest.fixture
def agent(hall, agent_kiosk, printer) -> Iterator[AgentProcess]:
    process = AgentProcess("--server", hall.url, "--printer", printer.url, token=agent_kiosk)
    process.wait_for_lines(lambda line: "connected to" in line and "as k-agent-page" in line)
    yield process
    process.kill()


def open_kiosk(new_page, hall, token: str, width: int = 1080, height: int = 1920):
    page = new_page(width, height)
    page.goto(f"{hall.url}/kiosk?return=60&failed=60#token={token}")
    expect(tile(page, "DD")).to_be_visible()
    return page


def test_the_ticket_prints_through_the_agent(new_page, hall, agent_kiosk, printer, agent):
    page = open_kiosk(new_page, hall, agent_kiosk)
    expect(page.locator("#printer-paused")).to_be_hidden()
    cuts = printer.model.count("cut")
    tile(page, "DD").click()
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "printed", timeout=30000)
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    number = page.locator("#t-number").inner_text()
    assert printer.wait_for(lambda m: m.count("cut") > cuts, timeout=10)
    assert agent.wait_for_lines(lambda line: f"printed {number} (job " in line)


def test_paper_out_is_shown_before_the_tap_and_the_number_still_comes(new_page, hall, agent_kiosk, printer, agent):
    page = open_kiosk(new_page, hall, agent_kiosk, 1920, 1080)  # landscape, too
    expect(page.locator("#printer-paused")).to_be_hidden()
    printer.model.paper = "out"
    try:
        # The agent notices on its next status check and reports; the page warns without a reload.
        expect(page.locator("#printer-paused")).to_be_visible(timeout=30000)
        expect(page.locator("#printer-paused")).to_have_text(PAUSED)
        tile(page, "HT").click()
        expect(page.locator("#t-number")).to_have_text(re.compile(r"^\d{4}$"))
        expect(page.locator("#t-qr svg")).to_be_visible()
        expect(page.locator("#t-take")).not_to_have_text("Mời nhận phiếu")  # no paper will come: never "take it"
        expect(page.locator("#t-print-box")).to_have_attribute("data-status", "failed", timeout=30000)
    finally:
        printer.model.paper = "ok"
    page.goto(f"{hall.url}/kiosk?return=60&failed=60#token={agent_kiosk}")
    expect(page.locator("#printer-paused")).to_be_hidden(timeout=30000)  # paper back: the warning goes


def test_an_agent_that_is_not_there_is_shown_too(new_page, hall, agent_kiosk, printer, agent):
    page = open_kiosk(new_page, hall, agent_kiosk)
    expect(page.locator("#printer-paused")).to_be_hidden()
    assert agent.terminate() == 0
    expect(page.locator("#printer-paused")).to_be_visible(timeout=30000)
    tile(page, "DD").click()
    expect(page.locator("#t-number")).to_be_visible()
    expect(page.locator("#t-qr svg")).to_be_visible()
    # Queued for an agent that is not there: the screen says the printer is paused, not "take your ticket".
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "queued")
    expect(page.locator("#t-print-box")).to_have_attribute("data-paused", "true")
    expect(page.locator("#t-take")).to_have_text("Máy in tạm ngừng — vui lòng chụp lại mã QR hoặc ghi nhớ số")
