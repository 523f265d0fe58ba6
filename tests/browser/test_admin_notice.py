"""The boards' notice set on /admin and seen on an open board at once, in Chromium against a real `hallq serve`."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.auth import PASSWORD

LONG_VI = ("Thông báo: Hệ thống Dịch vụ công trực tuyến tạm dừng từ 12 giờ đến 13 giờ 30 ngày thứ Bảy để nâng cấp. "
           "Công dân có hồ sơ cần nộp trực tuyến vui lòng đến quầy số 9 để được hướng dẫn; trân trọng cảm ơn!")


def test_a_notice_saved_on_admin_scrolls_on_an_open_board_without_a_reload(hall, new_page, shots):
    boss = hall.auth.supervisor("notice-boss")
    before = hall.server.get("state").json()["notice"]
    try:
        board = new_page(1920, 1080)
        board.goto(f"{hall.url}/display")
        board.wait_for_function("document.body.dataset.state === 'live' && window.hallqDisplay"
                                " && window.hallqDisplay.snapshots >= 1")
        board.evaluate("window.__sameDocument = true")  # gone if the board ever reloads

        admin = new_page(1280, 900)
        admin.goto(f"{hall.url}/admin")
        admin.fill("#admin-username", "notice-boss")
        admin.fill("#admin-password", PASSWORD)
        admin.click("#admin-login-submit")
        expect(admin.locator("#notice-now")).to_have_text(before["vi"] if before else "(không có thông báo)")

        admin.fill("#notice-vi", "")
        admin.fill("#notice-en", "English only")
        admin.click("#notice-save")  # refused: Vietnamese first, and nothing changes
        expect(admin.locator("#notice-message")).to_contain_text("Vui lòng nhập dòng tiếng Việt")
        expect(admin.locator("#notice-vi")).to_have_attribute("aria-invalid", "true")

        admin.fill("#notice-vi", LONG_VI)
        admin.fill("#notice-en", "The online public service system is down from 12:00 to 13:30 on Saturday.")
        admin.click("#notice-save")
        expect(admin.locator("#notice-message")).to_have_text("Đã lưu. Các màn hình đã cập nhật.")
        expect(admin.locator("#notice-now")).to_have_text(LONG_VI)
        expect(board.locator("#notice")).to_be_visible()
        expect(board.locator("#notice-text")).to_have_text(LONG_VI)
        assert board.evaluate("window.__sameDocument") is True
        admin.screenshot(path=str(shots / "admin-notice-1280.png"), full_page=True)
        board.screenshot(path=str(shots / "board-notice-1920x1080.png"))
        board.set_viewport_size({"width": 1080, "height": 1920})
        board.screenshot(path=str(shots / "board-notice-1080x1920.png"))

        admin.fill("#notice-vi", "")
        admin.fill("#notice-en", "")
        admin.click("#notice-save")  # both empty: the notice is off
        expect(admin.locator("#notice-message")).to_have_text("Đã tắt dòng thông báo.")
        expect(board.locator("#notice")).to_be_hidden()
        assert board.evaluate("window.__sameDocument") is True
    finally:  # the shared hall's other tests expect config's notice
        hall.server.request("PUT", "notice", json={"text": before}, token=boss)
