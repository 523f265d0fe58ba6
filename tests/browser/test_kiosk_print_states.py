"""What the citizen and the supervisor see of printing: the priority band, catalog words for failures,
and a dashboard alert that names the kiosk. Takes docs/screenshots/kiosk-ticket-priority-*.png."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.printers.hall_printing import issue, settled_print
from tests.printers.virtual_printer import PtyPrinter
from tests.support.auth import PASSWORD

from .conftest import browser_hall
from .test_kiosk import open_kiosk, tile
from .test_layout import check_fits, save

pytestmark = pytest.mark.slow
INK = "rgb(15, 27, 45)"  # --hq-ink: the band is the paper's black band, on screen
WHITE = "rgb(255, 255, 255)"


@pytest.fixture(scope="module")
def broken_kiosk(hall, tmp_path_factory) -> str:
    """A kiosk whose printer is a device path that is not there (unplugged)."""
    gone = tmp_path_factory.mktemp("unplugged") / "usb" / "lp0"
    return hall.auth.device("kiosk-hong", "kiosk", printer=f"file://{gone}")


def open_with(new_page, hall, token: str, width: int = 1080, height: int = 1920):
    page = new_page(width, height)
    page.goto(f"{hall.url}/kiosk?return=60&failed=60#token={token}")
    expect(tile(page, "DD")).to_be_visible()
    return page


@pytest.mark.parametrize("lang,words", [("vi", "Máy in không phản hồi."), ("en", "The printer does not answer.")])
def test_a_failing_printer_shows_catalog_words_never_the_raw_reason(new_page, hall, broken_kiosk, lang, words):
    page = open_with(new_page, hall, broken_kiosk)
    if lang == "en":
        page.locator("#lang").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    tile(page, "DD").click()
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "failed")
    expect(page.locator("#t-print-detail")).to_have_text(words)
    shown = page.locator("body").inner_text()
    assert "cannot open" not in shown and "No such file" not in shown and "lp0" not in shown


@pytest.fixture(scope="module")
def hung_hall(start_hall, tmp_path_factory):
    """A hall with a kiosk whose printer hangs in its driver (a FIFO nobody reads), given up after 2 s."""
    fifo = tmp_path_factory.mktemp("hung") / "lp.fifo"
    os.mkfifo(fifo)
    data = browser_hall()
    data["printers"] = {"hung": {"url": f"file://{fifo}", "job_timeout_s": 2}}
    hall = start_hall(data)
    yield hall, hall.auth.device("kiosk-treo", "kiosk", printer="hung")
    try:  # let the driver call stuck in open() return
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    except OSError:
        pass


def test_the_ticket_screen_waits_for_a_hung_printer_and_says_it_failed(new_page, hung_hall):
    hall, token = hung_hall
    page = new_page(1080, 1920)
    page.goto(f"{hall.url}/kiosk?return=1&failed=60#token={token}")  # back to the start 1 s after the paper
    tile(page, "DD").click()
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "queued")
    expect(page.locator("#t-print-box")).to_have_attribute("data-status", "failed")  # the job's deadline
    expect(page.locator("#t-print-detail")).to_have_text("Máy in không phản hồi kịp.")
    expect(page.locator("#t-number")).to_be_visible()
    expect(page.locator("#t-qr svg")).to_be_visible()


@pytest.mark.parametrize("name,width,height", [("portrait", 1080, 1920), ("landscape", 1920, 1080)])
def test_a_priority_ticket_shows_the_band_on_screen(new_page, hall, shots, name, width, height):
    page = open_kiosk(new_page, hall, width, height, query="?return=60")
    page.locator("#priority-open").click()
    page.locator('.k-choice[data-category="elderly"]').click()
    tile(page, "HT").click()
    band = page.locator("#t-priority")
    expect(band).to_have_text("ƯU TIÊN · Người cao tuổi")
    style = band.evaluate("el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; }")
    assert style == [INK, WHITE]
    card = page.locator(".k-ticket__main").bounding_box()
    assert band.bounding_box()["width"] >= 0.8 * card["width"]  # a band across the ticket, not a chip
    page.evaluate("document.fonts.ready")
    check_fits(page, f"priority ticket {name}")
    save(page, shots, f"kiosk-ticket-priority-{name}")
    page.locator("#t-done").click()
    tile(page, "HT").click()  # the next citizen's ticket is a normal one
    expect(page.locator("#t-number")).to_be_visible()
    expect(band).to_be_hidden()


def test_the_dashboard_alert_names_the_kiosk_and_the_printer(new_page, hall):
    printer = PtyPrinter()
    try:
        printer.model.paper = "out"
        token = hall.auth.device("kiosk-sanh-a", "kiosk", printer=printer.url)
        assert settled_print(hall.server, issue(hall.server, token)["ticket"]["token"])["status"] == "failed"
        hall.auth.person("boss", "supervisor")
        page = new_page(1440, 1000)
        page.goto(f"{hall.url}/admin")
        page.fill("#admin-username", "boss")
        page.fill("#admin-password", PASSWORD)
        page.click("#admin-login-submit")
        alert = page.locator(f'.a-alert[data-kind="printer_paper_out"][data-printer="{printer.url}"]')
        expect(alert).to_have_text(f"Máy in của kiosk-sanh-a ({printer.url}) hết giấy — cần thay cuộn giấy.")
        expect(page.locator(f'#dash-printers tr[data-printer="{printer.url}"]')).to_contain_text("kiosk-sanh-a")
    finally:
        printer.close()
