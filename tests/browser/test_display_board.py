"""The hall board (/display) and the counter screen (/display/counter/{n}) in Chromium,
against a real `hallq serve`: calls, counters, waiting counts, pairing and filters."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.display_support import (  # noqa: F401  (fixtures)
    display_config, display_hall, open_screen, sound_browser, start_display_hall,
)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FLASHING = re.compile(r"\bis-flash\b")


def counter_value(screen, counter: int):
    return screen.page.locator(".b-counter").filter(
        has=screen.page.get_by_text(f"Quầy {counter}", exact=True)).locator(".b-counter__value")


def service_count(screen, name: str):
    return screen.page.locator(".b-service").filter(
        has=screen.page.get_by_text(name, exact=True)).locator(".b-service__count")


def test_a_call_appears_on_the_board_and_the_counter_screen(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display")
    screen = open_screen(f"{display_hall.url}/display/counter/8", 1280, 720)
    expect(screen.page.locator("#current-label")).to_have_text("Quầy đóng")  # nobody has opened it yet
    expect(counter_value(board, 8)).to_have_text("Đóng")
    waiting = int(service_count(board, "Lao động – Thương binh và Xã hội").text_content())

    ticket = display_hall.issue("LD")
    expect(service_count(board, "Lao động – Thương binh và Xã hội")).to_have_text(str(waiting + 1))
    display_hall.act(8, "call-next")

    number = ticket["number"]
    expect(board.page.locator("#hero-number")).to_have_text(number)
    expect(board.page.locator("#hero-counter")).to_have_text("Quầy 8")
    expect(board.page.locator("#hero-service")).to_have_text("Lao động – Thương binh và Xã hội")
    expect(counter_value(board, 8)).to_have_text(number)
    expect(service_count(board, "Lao động – Thương binh và Xã hội")).to_have_text(str(waiting))
    expect(board.page.locator("#hero")).to_have_class(FLASHING)  # a new call flashes

    expect(screen.page.locator("#current-number")).to_have_text(number)
    expect(screen.page.locator("#current-label")).to_have_text("Mời số")
    expect(screen.page.locator("#current")).to_have_class(FLASHING)

    display_hall.act(8, "start")
    expect(screen.page.locator("#current-label")).to_have_text("Đang phục vụ số")
    expect(screen.page.locator("#current-number")).to_have_text(number)
    display_hall.act(8, "finish")
    expect(screen.page.locator("#current-label")).to_have_text("Sẵn sàng")
    expect(screen.page.locator("#current-number")).to_be_hidden()
    expect(counter_value(board, 8)).to_have_text("—")

    display_hall.act(8, "pause", {"reason": "break"})
    expect(screen.page.locator("#current-label")).to_have_text("Tạm nghỉ")
    expect(counter_value(board, 8)).to_have_text("Tạm nghỉ")
    display_hall.act(8, "resume")
    expect(counter_value(board, 8)).to_have_text("—")
    assert board.errors == [] and screen.errors == []


def test_the_board_lists_recent_calls_newest_first(display_hall, open_screen):
    first = display_hall.call(3, "HT")
    second = display_hall.call(4, "HT")
    board = open_screen(f"{display_hall.url}/display?voice=off")
    expect(board.page.locator("#hero-number")).to_have_text(second)   # from the snapshot
    expect(board.page.locator(".b-recent__row").first).to_contain_text(first)
    expect(board.page.locator(".b-recent__row").first).to_contain_text("Quầy 3")

    third = display_hall.call(7, "TP")
    expect(board.page.locator("#hero-number")).to_have_text(third)
    rows = board.page.locator(".b-recent__row:visible .b-recent__number")
    expect(rows.nth(0)).to_have_text(second)
    expect(rows.nth(1)).to_have_text(first)
    assert rows.count() <= 5


def test_the_board_shows_the_center_its_clock_and_the_notice(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display?voice=off")
    expect(board.page.locator("#center-name")).to_have_text("Trung tâm Phục vụ Hành chính công tỉnh Quảng Ninh")
    expect(board.page.locator("#notice-text")).to_contain_text("Trung tâm làm việc từ thứ Hai đến thứ Sáu")
    now = datetime.now(ZONE)
    shown = board.text("#clock-time")
    assert shown in {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}, shown
    assert board.text("#clock-date").endswith(now.strftime("/%m/%Y"))


def test_english_board(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display?lang=en&voice=off")
    expect(board.page.locator(".b-hero__label")).to_have_text("Now calling")
    expect(board.page.locator("#center-name")).to_have_text("Quang Ninh Public Administration Service Center")
    expect(board.page.locator(".b-counter__name").first).to_have_text("Counter 1")


def test_a_paired_board_shows_only_its_services_and_counters(display_hall, open_screen):
    token = display_hall.display_token("tv-tang-2")  # config.yaml: services DD, XD; counters 1, 2, 6
    board = open_screen(f"{display_hall.url}/display#token={token}")
    assert "token" not in board.page.url                   # the token leaves the address bar
    assert board.page.evaluate("localStorage.getItem('hallq.display.token')") == token
    expect(board.page.locator(".b-counter__name")).to_have_text(["Quầy 1", "Quầy 2", "Quầy 6"])
    expect(board.page.locator(".b-service__name")).to_have_text(["Đất đai", "Xây dựng"])

    elsewhere = display_hall.call(10, "TK")               # not this board's counter
    mine = display_hall.call(6, "XD")
    expect(board.page.locator("#hero-number")).to_have_text(mine)
    assert elsewhere not in board.text(".b-recent")
    announced = board.wait_announced(1)
    assert [(a["number"], a["counter"]) for a in announced] == [(mine, 6)]

    board.page.reload()                                    # the pairing survives a power cut
    board.live()
    expect(board.page.locator(".b-counter__name")).to_have_text(["Quầy 1", "Quầy 2", "Quầy 6"])
    assert board.page.evaluate("window.hallqDisplay.settings.name") == "tv-tang-2"


def test_a_rejected_token_shows_the_pairing_screen(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display#token=hqd_not_a_token", wait=False)
    expect(board.page.locator(".d-pairing")).to_be_visible()
    expect(board.page.locator("#pairing-reason")).to_have_text(
        "Mã thiết bị của màn hình này không hợp lệ hoặc đã bị thu hồi.")


def test_a_counter_screen_for_an_unknown_counter_says_so(display_hall, open_screen):
    screen = open_screen(f"{display_hall.url}/display/counter/42", 1280, 720)
    expect(screen.page.locator("#current-label")).to_have_text("Không có quầy số 42")


def test_without_a_public_board_an_unpaired_screen_asks_for_pairing(tmp_path, open_screen):
    config = display_config()
    config["display"]["public"] = False
    hall = start_display_hall(tmp_path, config)
    try:
        board = open_screen(f"{hall.url}/display", wait=False)
        expect(board.page.locator(".d-pairing")).to_be_visible()
        expect(board.page.locator("#pairing-reason")).to_have_text(
            "Bảng hiển thị công khai đã tắt; màn hình này cần mã thiết bị.")
        token = hall.display_token("sanh-chinh")          # a display not under `boards`: all of it
        paired = open_screen(f"{hall.url}/display#token={token}")
        expect(paired.page.locator(".b-counter")).to_have_count(10)
        expect(paired.page.locator(".d-pairing")).to_be_hidden()
    finally:
        hall.server.stop()


def test_the_board_gives_no_estimate_before_a_counter_opens(display_hall, open_screen):
    """No counter serving a service is open: the board says so instead of a wait; then a real one."""
    board = open_screen(f"{display_hall.url}/display?voice=off")
    row = board.page.locator(".b-service").filter(has=board.page.get_by_text("Đăng ký kinh doanh", exact=True))
    waiting = int(row.locator(".b-service__count").text_content())
    for _ in range(2):
        display_hall.issue("DKKD")  # counters 5 and 9 serve it, neither open yet; 480 s a ticket
    expect(row.locator(".b-service__count")).to_have_text(str(waiting + 2))
    expect(row.locator(".b-service__wait")).to_have_text("Chưa có quầy mở")
    display_hall.act(5, "take")
    expect(row.locator(".b-service__wait")).to_have_text(f"~{(waiting + 2) * 8} phút")
    display_hall.act(5, "leave")
    expect(row.locator(".b-service__wait")).to_have_text("Chưa có quầy mở")
