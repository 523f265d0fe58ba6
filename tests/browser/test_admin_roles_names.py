"""The admin pages in Chromium: the menu by role, refusals that name the role, full names on
/admin/people, and reports with rating reasons and comments whose tables fit 1280 and 1440 px.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.auth import PASSWORD
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .test_admin_dashboard import log_in
from .test_counter import Desk, desk_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office(live_server, auth) -> Desk:  # noqa: F811
    office = Desk(live_server(desk_config(), name="admin-pages"), auth)
    office.auth.supervisor("giamsat")
    office.auth.admin("quantri")
    return office


def nav(page) -> list[str]:
    return page.locator(".a-nav__link:visible").all_text_contents()


def test_a_supervisor_sees_only_their_pages_and_is_told_who_the_others_are_for(new_page, office):
    page = new_page(1280, 800)
    log_in(page, f"{office.url}/admin", "giamsat")
    expect(page.locator("#admin-main")).to_be_visible()
    expect(page.locator(".a-nav__link:visible")).to_have_text(
        ["Bảng điều khiển", "Báo cáo", "Lịch hẹn", "Tích hợp một cửa"])  # no people page
    page.goto(f"{office.url}/admin/people")
    why = page.locator("#admin-login-why")
    expect(why).to_have_text("Trang này dành cho quản trị viên (admin). Tài khoản giamsat là giám sát viên "
                             "(supervisor). Hãy đăng nhập bằng tài khoản có quyền này.")
    expect(page.locator("#admin-main")).to_be_hidden()
    expect(page.locator(".a-nav__link:visible")).to_have_text(["Bảng điều khiển", "Báo cáo", "Lịch hẹn", "Tích hợp một cửa"])
    page.click("#admin-lang")
    expect(why).to_contain_text("This page is for administrators (admin).")
    page.click("#admin-lang")
    page.click("#admin-login-back-link")  # back to a page they may open
    expect(page).to_have_url(f"{office.url}/admin")
    expect(page.locator("#admin-main")).to_be_visible()

    admin = new_page(1440, 900)
    log_in(admin, f"{office.url}/admin", "quantri")
    expect(admin.locator(".a-nav__link:visible")).to_have_text(
        ["Bảng điều khiển", "Báo cáo", "Lịch hẹn", "Thiết lập sảnh", "Nhân sự & thiết bị", "Hình ảnh & video", "Tích hợp một cửa"])
    assert page.js_errors == [] and admin.js_errors == []


@pytest.mark.parametrize("width", [1280, 1440])
def test_people_get_a_full_name_and_a_refused_username_says_why(new_page, office, width, shots):
    page = new_page(width, 900)
    log_in(page, f"{office.url}/admin/people", "quantri")
    expect(page.locator("#users tbody tr").first).to_be_visible()
    login = f"nguyenvanbao{width}"
    # What a newcomer types first: the full name as the username.
    page.fill("#new-username", "Nguyễn Văn Bảo")
    page.fill("#new-password", PASSWORD)
    page.click("#user-add button[type=submit]")
    message = page.locator("#people-message")
    expect(message).to_have_text("Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (ví dụ: nguyenvanbao); "
                                 "họ tên đầy đủ nhập ở ô Họ và tên.")
    expect(page.locator("#new-username")).to_have_attribute("aria-invalid", "true")

    page.fill("#new-username", "")
    page.fill("#new-full-name", "Nguyễn Văn Bảo")
    expect(page.locator("#new-username")).to_have_value("nguyenvanbao")  # offered from the full name
    page.fill("#new-username", login)
    page.fill("#new-password", PASSWORD)
    page.click("#user-add button[type=submit]")
    row = page.locator(f'#users tr[data-username="{login}"]')
    expect(row.locator("input[data-full-name]")).to_have_value("Nguyễn Văn Bảo")
    user = next(u for u in office.server.get("users", token=office.auth.admin("quantri")).json() if u["username"] == login)
    assert user["full_name"] == "Nguyễn Văn Bảo"

    # Changed in the table: typed, then Enter.
    field = row.locator("input[data-full-name]")
    field.fill("Nguyễn Văn Bảo Anh")
    field.press("Enter")
    expect(message).to_have_text(f"Đã lưu họ và tên của {login}.")
    field.fill("Bảo\u0007")
    field.press("Enter")
    expect(message).to_contain_text("Họ và tên: từ 1 đến 100 ký tự")
    expect(field).to_have_value("Nguyễn Văn Bảo Anh")  # the refused change is undone on screen too
    user = next(u for u in office.server.get("users", token=office.auth.admin("quantri")).json() if u["username"] == login)
    assert user["full_name"] == "Nguyễn Văn Bảo Anh"
    overflow = page.evaluate("""() => [...document.querySelectorAll('.a-table-wrap')]
        .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.querySelector('table').id)""")
    assert overflow == []
    if width == 1280:
        message.evaluate("el => el.hidden = true")
        page.screenshot(path=str(shots / "admin-people.png"))
    assert page.js_errors == []


def test_reports_show_reasons_and_comments_and_fit_the_screen(new_page, office, shots):
    staff = office.auth.staff("hoa")
    assert office.server.request("PATCH", "users/hoa", token=office.auth.admin("quantri"),
                                 json={"full_name": "Đặng Thị Hoà"}).ok
    tablet = office.auth.rating("r11")
    for score, reason, comment in ((1, "long_wait", "Chờ hơn một tiếng ở tầng 2, không ai hướng dẫn"),
                                   (2, None, None), (4, None, "Cán bộ nhiệt tình")):
        office.issue("KA")
        for step in ("call-next", "start", "finish"):
            assert office.server.post(f"counters/11/{step}", {}, token=staff).ok
        assert office.server.post("counters/11/rating", {"score": score}, token=tablet).status_code == 201
        extra = {k: v for k, v in (("reason", reason), ("comment", comment)) if v}
        if extra:
            assert office.server.request("PATCH", "counters/11/rating", token=tablet, json=extra).ok
    for width, height in ((1280, 800), (1440, 900)):
        page = new_page(width, height)
        log_in(page, f"{office.url}/admin/reports", "giamsat")
        expect(page.locator('#rep-reasons tr[data-reason="long_wait"] [data-field="count"]')).to_have_text("1")
        expect(page.locator('#rep-reasons tr[data-reason=""] [data-field="count"]')).to_have_text("1")  # the 2
        comments = page.locator('#rep-comments [data-field="comment"]')
        expect(comments).to_have_text(["Cán bộ nhiệt tình", "Chờ hơn một tiếng ở tầng 2, không ai hướng dẫn"])
        first = page.locator("#rep-comments tbody tr").nth(1)
        expect(first).to_contain_text("Quầy 11")
        expect(first).to_contain_text("Đặng Thị Hoà")
        expect(first).to_contain_text("Không hài lòng")
        expect(first).to_contain_text("Chờ quá lâu")
        expect(page.locator('#rep-staff tr[data-key="hoa"]')).to_contain_text("Đặng Thị Hoà")
        overflow = page.evaluate("""() => [...document.querySelectorAll('.a-table-wrap')]
            .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.querySelector('table').id)""")
        assert overflow == [], f"tables wider than their box at {width} px: {overflow}"
        assert page.js_errors == []
    clip = page.evaluate("""() => {
        const top = document.getElementById('rep-staff').closest('section').getBoundingClientRect().top + scrollY;
        const bottom = document.getElementById('rep-comments').closest('section').getBoundingClientRect().bottom + scrollY;
        return { x: 0, y: top - 16, width: innerWidth, height: bottom - top + 32 };
    }""")
    page.screenshot(path=str(shots / "admin-report-ratings.png"), full_page=True, clip=clip)
