"""The staff console and the counter screen in Chromium: full names, and banners that follow
the language switch. The desk hall of test_counter.py (counters 11–17, one service each).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.auth import PASSWORD
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .test_counter import Desk, desk_config, log_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(live_server, auth) -> Desk:  # noqa: F811
    desk = Desk(live_server(desk_config(), name="console-names"), auth)
    desk.server.cli("user", "add", "bao", "--role", "staff", "--full-name", "Nguyễn Văn Bảo", input=PASSWORD + "\n")
    return desk


def test_the_counter_screen_and_the_console_show_the_full_name(new_page, desk, shots):
    screen = new_page(1280, 720)
    screen.goto(f"{desk.url}/display/counter/17")
    expect(screen.locator("#current-label")).to_have_text("Quầy đóng")
    expect(screen.locator("#staff")).to_be_hidden()

    console = new_page(1280, 800)
    log_in(console, desk.url, "bao", 17)
    expect(console.locator("#bar-user")).to_have_text("Cán bộ: Nguyễn Văn Bảo")
    expect(screen.locator("#staff")).to_have_text("Cán bộ tiếp nhận: Nguyễn Văn Bảo")  # live, not the login
    expect(screen.locator("#current-label")).to_have_text("Sẵn sàng")
    ticket = desk.issue("KF")
    expect(console.locator(f'#queue-list [data-number="{ticket["number"]}"]')).to_be_visible()
    console.keyboard.press("n")
    expect(screen.locator("#current-number")).to_have_text(ticket["number"])
    staff_box = screen.locator("#staff").bounding_box()
    assert staff_box and staff_box["y"] + staff_box["height"] <= 720  # on screen, not below it
    number_box = screen.locator("#current-number").bounding_box()
    assert number_box["y"] + number_box["height"] <= staff_box["y"]  # and clear of the number
    screen.evaluate("for (const el of document.querySelectorAll('.is-flash')) el.classList.remove('is-flash')")
    screen.screenshot(path=str(shots / "display-counter-staff.png"))
    console.keyboard.press("f")

    desk.auth.staff("lan")
    other = new_page(1280, 800)  # another staff member choosing a counter sees who sits at 17
    other.goto(f"{desk.url}/counter")
    other.locator("#username").fill("lan")
    other.locator("#password").fill(PASSWORD)
    other.locator("#password").press("Enter")
    expect(other.locator('#pick-list [data-counter="17"]')).to_contain_text("Đang có Nguyễn Văn Bảo")

    console.locator("#leave").click()
    expect(screen.locator("#current-label")).to_have_text("Quầy đóng")
    expect(screen.locator("#staff")).to_be_hidden()
    assert screen.js_errors == [] and console.js_errors == []


def test_banners_follow_the_language_switch(new_page, desk):
    ticket = desk.issue("KF")
    desk.auth.staff("mai")
    console = new_page(1280, 800)
    log_in(console, desk.url, "mai", 17)
    expect(console.locator(f'#queue-list [data-number="{ticket["number"]}"]')).to_be_visible()
    console.keyboard.press("n")
    expect(console.locator("#message")).to_have_text(f"Đã mời số {ticket['number']}")
    console.locator("#lang").click()
    expect(console.locator("#message")).to_have_text(f"Called {ticket['number']}")
    expect(console.locator("#current-label")).to_have_text("Calling")

    console.keyboard.press("f")
    expect(console.locator("#message")).to_have_text(f"Finished {ticket['number']}")
    console.keyboard.press("c")
    expect(console.locator("#call-input")).to_be_focused()
    console.keyboard.type("G998")
    console.keyboard.press("Enter")
    expect(console.locator("#message")).to_have_text("That number is not in this counter's queue today.")
    console.locator("#lang").click()
    expect(console.locator("#message")).to_have_text("Không có số này trong hàng chờ của quầy hôm nay.")
    console.locator("#lang").click()
    expect(console.locator("#message")).to_have_text("That number is not in this counter's queue today.")
    assert console.js_errors == []
