"""The hall's set-up page (/admin/hall) in Chromium against a real `hallq serve`, checked through the API:
a service made in the browser reaches an open kiosk and a counter's console without a restart or a reload,
and closing a service with people waiting asks first, and cancelling changes nothing."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.auth import PASSWORD

from .test_counter import log_in

ADMIN = "hall-boss"
SIZES = [(1280, 800), (1440, 900)]  # the desks the page is used at


@pytest.fixture(scope="module")
def own_hall(start_hall):
    """A hall of this module's own: its tests change the set-up the shared hall's tests count on."""
    hall = start_hall()
    hall.admin = hall.auth.admin(ADMIN)
    return hall


def open_hall_page(new_page, hall, width: int = 1280, height: int = 800):
    page = new_page(width, height)
    page.goto(f"{hall.url}/admin/hall")
    page.locator("#admin-username").fill(ADMIN)
    page.locator("#admin-password").fill(PASSWORD)
    page.locator("#admin-password").press("Enter")
    expect(page.locator('#services tr[data-service="DD"]')).to_be_visible()
    return page


def setup_of(hall) -> dict:
    resp = hall.server.get("setup", token=hall.admin)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_service_made_in_the_browser_is_taken_at_an_open_kiosk_and_called_at_its_counter(new_page, own_hall, shots):
    hall = own_hall
    kiosk = new_page(1080, 1920)
    kiosk.goto(f"{hall.url}/kiosk#token={hall.kiosk}")
    expect(kiosk.locator('.k-service[data-code="DD"]')).to_be_visible()
    kiosk.evaluate("window.__sameDocument = true")  # gone if the kiosk ever reloads
    expect(kiosk.locator('.k-service[data-code="CT"]')).to_have_count(0)

    page = open_hall_page(new_page, hall)
    page.get_by_role("button", name="Thêm lĩnh vực").click()
    page.locator("#svc-code").fill("CT")
    page.locator("#svc-name-vi").fill("Chứng thực bản sao")
    page.locator("#svc-name-en").fill("Certified copies")
    page.locator("#svc-numbers").fill("7001-7999")
    page.locator("#svc-same").check()
    page.locator("#svc-hours-every").fill("7:30-11:30, 25:00-26:00")
    page.locator("#service-save").click()  # a span that is not one is said next to the hours, and nothing is sent
    expect(page.locator('[data-field="hours.every"] .h-error')).to_contain_text("“25:00-26:00” không đúng dạng giờ")
    page.locator("#svc-hours-every").fill("00:00-24:00")  # the test hall is open around the clock
    page.locator("#svc-numbers").fill("1001-1999")  # Đất đai's
    page.locator("#service-save").click()
    expect(page.locator('[data-field="numbers"] .h-error')).to_contain_text("Lĩnh vực DD (1001-1999) và CT (1001-1999)")
    expect(page.locator("#svc-numbers")).to_have_attribute("aria-invalid", "true")
    assert "CT" not in [s["code"] for s in setup_of(hall)["services"]]
    page.locator("#svc-numbers").fill("7001-7999")
    page.locator("#service-save").click()
    expect(page.locator("#hall-message")).to_have_text("Đã thêm lĩnh vực CT.")
    expect(page.locator('#services tr[data-service="CT"]')).to_contain_text("Chưa có quầy nào phục vụ")

    page.locator('#counters tr[data-counter="10"] [data-edit]').click()
    page.locator("#cnt-service-pick").select_option("CT")
    page.locator("#cnt-service-add").click()
    page.get_by_role("button", name="Đưa CT lên").click()  # CT first, TK second: the order is the preference
    expect(page.locator("#cnt-services li").first).to_have_attribute("data-code", "CT")
    page.locator("#counter-save").click()
    expect(page.locator("#hall-message")).to_have_text("Đã lưu quầy 10.")
    expect(page.locator('#counters tr[data-counter="10"] li')).to_have_text(["CT", "TK"])
    assert next(c for c in setup_of(hall)["counters"] if c["number"] == 10)["services"] == ["CT", "TK"]

    kiosk.get_by_role("searchbox").fill("chứng thực")  # nine services: two pages; the search finds it on either
    tile = kiosk.locator('.k-service[data-code="CT"]')
    expect(tile).to_contain_text("Chứng thực bản sao")
    tile.click()
    expect(kiosk.locator("#t-number")).to_have_text("7001")
    assert kiosk.evaluate("window.__sameDocument") is True

    console = new_page(640, 900)
    log_in(console, hall.url, "lan", 10)
    console.keyboard.press("n")
    expect(console.locator("#current-number")).to_have_text("7001")
    expect(console.locator("#current-service")).to_have_text("Chứng thực bản sao")
    assert page.js_errors == [] and kiosk.js_errors == [] and console.js_errors == []


def test_closing_a_service_with_people_waiting_asks_and_cancelling_changes_nothing(new_page, own_hall, shots):
    hall = own_hall
    hall.issue("HT")
    hall.issue("HT")
    waiting = hall.waiting("HT")
    page = open_hall_page(new_page, hall)
    page.locator('#services tr[data-service="HT"] [data-edit]').click()
    expect(page.locator("#dlg-service")).to_be_visible()
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"admin-hall-edit-{width}x{height}.png"))
    page.locator("#svc-open").uncheck()
    page.locator("#svc-reason-vi").fill("Tạm dừng do sự cố mạng")
    page.locator("#service-save").click()
    dialog = page.locator("#dlg-strand")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(re.compile(rf"{waiting} người đang chờ ở lĩnh vực Hộ tịch .* Vẫn đóng\?"))
    expect(page.locator("#strand-cancel")).to_be_focused()  # Enter gives the safe answer
    for width, height in reversed(SIZES):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"admin-hall-strand-{width}x{height}.png"))
    page.locator("#strand-cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#service-error")).to_have_text("Đã huỷ, không có gì thay đổi.")
    ht = next(s for s in setup_of(hall)["services"] if s["code"] == "HT")
    assert (ht["open"], ht["closed_reason"], hall.waiting("HT")) == (True, None, waiting)
    page.keyboard.press("Escape")
    expect(page.locator('#services tr[data-service="HT"]')).to_have_attribute("data-open", "true")
    assert page.js_errors == []


def test_a_priority_category_added_in_the_browser_is_offered_by_an_open_kiosk(new_page, own_hall, shots):
    hall = own_hall
    kiosk = new_page(1080, 1920)
    kiosk.goto(f"{hall.url}/kiosk#token={hall.kiosk}")
    expect(kiosk.locator("#priority-open")).to_be_visible()
    kiosk.evaluate("window.__sameDocument = true")

    page = open_hall_page(new_page, hall)
    page.locator("#priority-code").fill("Người có công")  # not a code: said beside it, nothing sent
    page.locator("#priority-vi").fill("Người có công với cách mạng")
    page.get_by_role("button", name="Thêm đối tượng").click()
    expect(page.locator('[data-field="code"] .h-error')).to_contain_text("chữ thường không dấu")
    page.locator("#priority-code").fill("nguoi_co_cong")
    page.locator("#priority-en").fill("Revolutionary contributors")
    page.get_by_role("button", name="Thêm đối tượng").click()
    expect(page.locator('#priority tr[data-code="nguoi_co_cong"]')).to_contain_text("Người có công với cách mạng")
    page.locator("#priority").screenshot(path=str(shots / "admin-hall-priority-1280.png"))
    assert "nguoi_co_cong" in [c["code"] for c in setup_of(hall)["priority_categories"]]

    kiosk.locator("#priority-open").click()  # the kiosk's list, without a reload
    expect(kiosk.locator("#priority-choices")).to_contain_text("Người có công với cách mạng")
    assert kiosk.evaluate("window.__sameDocument") is True
