"""The touch kiosk (/kiosk) in Chromium against a real server."""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .conftest import CLOSED, WAIT_MS, browser_hall, service


def open_kiosk(new_page, hall, width=1080, height=1920, query=""):
    page = new_page(width, height)
    page.goto(f"{hall.url}/kiosk{query}#token={hall.kiosk}")
    expect(page.locator(".k-service").first).to_be_visible()
    return page


def tile(page, code):
    return page.locator(f'.k-service[data-code="{code}"]')


def test_pairing_stores_the_token_and_strips_it_from_the_url(new_page, hall):
    page = open_kiosk(new_page, hall)
    assert "#" not in page.url and hall.kiosk not in page.url
    assert page.evaluate("localStorage.getItem('hallq.kiosk.token')") == hall.kiosk
    page.reload()  # paired once: the stored token is enough from now on
    expect(tile(page, "DD")).to_be_visible()


def test_without_a_token_the_kiosk_asks_for_pairing(new_page, hall):
    page = new_page()
    page.goto(f"{hall.url}/kiosk")
    expect(page.locator("#screen-pairing")).to_contain_text("Kiosk chưa được ghép nối")
    expect(page.locator("#screen-pairing")).to_contain_text("hallq device add")
    page.goto(f"{hall.url}/kiosk#token=hqd_not-a-real-token")
    expect(page.locator("#pairing-reason")).to_contain_text("không hợp lệ")


def test_services_show_in_vietnamese_with_waiting_and_estimate(new_page, hall):
    page = open_kiosk(new_page, hall)
    expect(page.locator(".k-heading").first).to_have_text("Mời chọn lĩnh vực để lấy số thứ tự")
    expect(tile(page, "DD")).to_contain_text("Đất đai")
    expect(tile(page, "LD")).to_contain_text("Lao động – Thương binh và Xã hội")
    expect(tile(page, "TK")).to_contain_text("Tiếp nhận và trả kết quả")
    expect(tile(page, "DD")).to_contain_text("Đang chờ:")
    expect(page.locator("#center-name")).to_have_text("Trung tâm Phục vụ Hành chính công tỉnh Quảng Ninh")
    expect(page.locator("#clock-time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    assert page.js_errors == []


def test_a_closed_service_is_disabled_with_its_reason(new_page, hall):
    page = open_kiosk(new_page, hall)
    closed = tile(page, CLOSED)
    expect(closed).to_have_attribute("aria-disabled", "true")
    expect(closed).to_contain_text("Ngoài giờ tiếp nhận")
    expect(closed).to_contain_text("Giờ làm việc:")
    before = hall.waiting(CLOSED)
    closed.click(force=True)  # a finger taps it anyway
    expect(page.locator("#home-message")).to_contain_text("không tiếp nhận")
    expect(page.locator("#screen-ticket")).to_be_hidden()
    assert hall.waiting(CLOSED) == before


def test_tap_shows_the_number_and_a_double_tap_gives_one_ticket(new_page, hall):
    page = open_kiosk(new_page, hall)
    before = hall.waiting("DD")
    # Two taps in the same instant, as a hurried finger does.
    page.evaluate("""() => { const b = document.querySelector('.k-service[data-code="DD"]'); b.click(); b.click(); }""")
    number = page.locator("#t-number")
    expect(number).to_have_text(re.compile(r"^1\d{3}$"))
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    expect(page.locator("#t-service")).to_have_text("Đất đai")
    expect(page.locator("#t-qr svg")).to_be_visible()
    assert hall.waiting("DD") == before + 1
    big = page.evaluate("parseFloat(getComputedStyle(document.getElementById('t-number')).fontSize)")
    assert big >= 150, f"the number is {big}px high"
    # The QR code leads to this ticket's status page on the same origin.
    state = hall.server.state()
    assert all("token" not in json.dumps(c.get("current") or {}) for c in state["counters"])
    # Back to the start with "Xong"; the same tap-intent is never replayed.
    page.locator("#t-done").click()
    expect(tile(page, "DD")).to_be_visible()
    assert hall.waiting("DD") == before + 1


def test_a_retried_request_reuses_its_idempotency_key(new_page, hall):
    """The first answer is lost on the way back: the kiosk retries and gets the same ticket."""
    page = open_kiosk(new_page, hall)
    before = hall.waiting("XD")
    bodies: list[dict] = []

    def lose_first_answer(route):
        bodies.append(json.loads(route.request.post_data))
        if len(bodies) == 1:
            route.fetch()  # the server issues the ticket ...
            route.abort("connectionreset")  # ... and the answer never arrives
        else:
            route.continue_()

    page.route("**/api/v1/tickets", lose_first_answer)
    tile(page, "XD").click()
    expect(page.locator("#t-number")).to_have_text(re.compile(r"^4\d{3}$"))
    assert len(bodies) == 2
    assert bodies[0]["idempotency_key"] == bodies[1]["idempotency_key"]
    assert len(bodies[0]["idempotency_key"]) >= 16
    assert hall.waiting("XD") == before + 1


def test_english_toggle_and_back_to_vietnamese_after_a_ticket(new_page, hall):
    page = open_kiosk(new_page, hall, query="?return=2")
    page.locator("#lang").click()
    expect(tile(page, "DD")).to_contain_text("Land")
    expect(tile(page, "DD")).to_contain_text("Waiting:")
    expect(page.locator(".k-heading").first).to_have_text("Please choose a service to take a number")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    tile(page, "TP").click()
    expect(page.locator("#t-take")).to_have_text("Please take your ticket")
    # After the ticket the kiosk returns by itself, in Vietnamese.
    expect(tile(page, "DD")).to_contain_text("Đất đai", timeout=WAIT_MS)
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_priority_choice_issues_a_priority_ticket(new_page, hall):
    page = open_kiosk(new_page, hall)
    page.locator("#priority-open").click()
    page.locator('.k-choice[data-category="elderly"]').click()
    expect(page.locator("#priority-chosen")).to_contain_text("Người cao tuổi")
    seen: list[dict] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/api/v1/tickets") and seen.append(json.loads(r.post_data)))
    tile(page, "HT").click()
    expect(page.locator("#t-priority")).to_contain_text("Người cao tuổi")
    assert seen and seen[0]["priority"] == "elderly"


def test_waiting_counts_update_live(new_page, hall):
    page = open_kiosk(new_page, hall)
    stats = tile(page, "TK").locator(".k-service__stats")
    expect(stats).to_contain_text(f"Đang chờ: {hall.waiting('TK')}")
    hall.issue("TK")  # another kiosk, another person
    expect(stats).to_contain_text(f"Đang chờ: {hall.waiting('TK')}")


def test_many_services_are_shown_in_pages(new_page, start_hall):
    extra = [service(f"X{i}", numbers=f"{7000 + i * 100 + 1}-{7000 + i * 100 + 99}", daily_cap=99) for i in range(4)]
    hall = start_hall(browser_hall(services=extra))
    page = open_kiosk(new_page, hall)
    expect(page.locator(".k-service")).to_have_count(8)
    expect(page.locator("#page-label")).to_have_text("Trang 1/2")
    page.locator("#page-next").click()
    expect(page.locator(".k-service")).to_have_count(4)
    expect(tile(page, "X3")).to_be_visible()


def test_server_down_shows_the_interruption_and_recovers_without_reload(new_page, start_hall):
    hall = start_hall()
    page = open_kiosk(new_page, hall)
    page.evaluate("window.__sameDocument = true")
    hall.server.stop()
    expect(page.locator("#offline")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#offline")).to_contain_text("Tạm gián đoạn — vui lòng chờ trong giây lát")
    hall.server.start()  # same port, same database
    expect(page.locator("#offline")).to_be_hidden(timeout=30000)
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded itself"
    before = hall.waiting("DD")
    tile(page, "DD").click()
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    assert hall.waiting("DD") == before + 1


def test_inactivity_returns_to_vietnamese(new_page, hall):
    page = open_kiosk(new_page, hall, query="?idle=2")
    page.locator("#lang").click()
    page.locator("#priority-open").click()
    expect(page.locator("#screen-priority")).to_be_visible()
    # Nobody touches the screen: it goes back to the start, in Vietnamese.
    expect(tile(page, "DD")).to_contain_text("Đất đai")
    expect(page.locator("#screen-priority")).to_be_hidden()
