"""A staff member changes their own password from the console's dialog, then logs in with the new one."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.auth import PASSWORD

from .conftest import browser_hall
from .test_counter import log_in

pytestmark = pytest.mark.slow

NEW = "hoa-sen-2026"
SHOTS = Path("/work/wt/ownpw-shots")


def test_a_staff_member_changes_their_password_from_the_console(start_hall, new_page):
    # A hall of its own: the shared one keeps the default 10 logins a minute per address.
    hall = start_hall(browser_hall(server={"login_attempts_per_minute": 6000}))
    elsewhere = hall.auth.staff("thu")  # a login of theirs elsewhere: the change ends it
    page = new_page(1280, 800)
    log_in(page, hall.url, "thu", 1)

    page.locator("#change-password").click()
    dialog = page.locator("#dlg-own-password")
    expect(dialog).to_be_visible()
    expect(page.locator("#own-password-current")).to_be_focused()
    message = page.locator("#own-password-message")

    page.locator("#own-password-current").fill("not-my-password")
    page.locator("#own-password-new").fill(NEW)
    page.locator("#own-password-repeat").fill(NEW)
    page.locator("#own-password-submit").click()
    expect(message).to_have_text("Mật khẩu hiện tại không đúng.")
    expect(page.locator("#own-password-current")).to_be_focused()
    page.keyboard.press("n")  # typing in the dialog calls nobody
    expect(page.locator("#own-password-current")).to_have_value("n")

    page.locator("#own-password-current").fill(PASSWORD)
    page.locator("#own-password-new").fill("ngan")
    page.locator("#own-password-repeat").fill("ngan")
    page.locator("#own-password-submit").click()
    expect(message).to_have_text("Mật khẩu cần ít nhất 8 ký tự.")
    page.locator("#own-password-repeat").fill("ngan-khac")
    page.locator("#own-password-submit").click()
    expect(message).to_have_text("Hai lần nhập mật khẩu mới không khớp nhau.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-password-refused.png"))

    page.locator("#own-password-new").fill(NEW)
    page.locator("#own-password-repeat").fill(NEW)
    page.locator("#own-password-submit").click()
    expect(message).to_have_text("Đã đổi mật khẩu. 1 phiên đăng nhập khác của bạn đã kết thúc.")
    page.screenshot(path=str(SHOTS / "console-password-done.png"))
    assert hall.server.get("me", token=elsewhere).status_code == 401
    page.locator("#own-password-cancel").click()
    expect(dialog).to_be_hidden()

    page.locator("#logout").click()
    page.locator("#username").fill("thu")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator("#login-error")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    page.locator("#password").fill(NEW)
    page.locator("#password").press("Enter")
    expect(page.locator("#view-pick, #view-console").locator("visible=true")).to_have_count(1)
    assert page.js_errors == []
