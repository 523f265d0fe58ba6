"""People and devices (/admin/people) in Chromium against a real server, checked through the API."""
from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.support.auth import PASSWORD
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .test_counter import desk_config

ADMIN = "boss"


class Admin:
    def __init__(self, server, auth_for) -> None:
        self.server = server
        self.auth = auth_for(server)
        self.token = self.auth.admin(ADMIN)

    @property
    def url(self) -> str:
        return self.server.url

    def user(self, name: str) -> dict:
        resp = self.server.get("users", token=self.token)
        assert resp.status_code == 200, resp.text
        return next(u for u in resp.json() if u["username"] == name)

    def device(self, name: str) -> dict:
        resp = self.server.get("devices", token=self.token)
        assert resp.status_code == 200, resp.text
        return next(d for d in resp.json() if d["name"] == name)

    def login_status(self, name: str, password: str) -> int:
        """A fresh login, without the test session's cookies."""
        return requests.post(f"{self.url}/api/v1/login", json={"username": name, "password": password}, timeout=30).status_code

    def me_status(self, token: str) -> int:
        return requests.get(f"{self.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code


@pytest.fixture(scope="module")
def admin(live_server, auth) -> Admin:  # noqa: F811
    return Admin(live_server(desk_config()), auth)


def open_people(new_page, admin: Admin, username: str = ADMIN):
    page = new_page(1280, 900)
    page.goto(f"{admin.url}/admin/people")
    page.locator("#admin-username").fill(username)
    page.locator("#admin-password").fill(PASSWORD)
    page.locator("#admin-password").press("Enter")
    return page


def user_row(page, name: str):
    return page.locator(f'#users tr[data-username="{name}"]')


def device_row(page, name: str):
    return page.locator(f'#devices tr[data-device="{name}"]')


def test_add_a_person_bound_to_a_counter_then_change_disable_and_reset(new_page, admin):
    page = open_people(new_page, admin)
    expect(user_row(page, ADMIN)).to_contain_text("(bạn)")
    page.locator("#new-username").fill("hoa")
    page.locator("#new-role").select_option("staff")
    page.locator("#new-password").fill("hoa-password-1")
    page.locator("#new-counter").select_option("4")
    page.get_by_role("button", name="Thêm cán bộ").click()
    expect(page.locator("#people-message")).to_have_text("Đã thêm hoa.")
    expect(user_row(page, "hoa")).to_contain_text("Đang hoạt động")
    assert (admin.user("hoa")["role"], admin.user("hoa")["counter"]) == ("staff", 4)
    assert admin.login_status("hoa", "hoa-password-1") == 200

    user_row(page, "hoa").locator("[data-role]").select_option("supervisor")
    expect(page.locator("#people-message")).to_have_text("Đã cập nhật hoa.")
    assert admin.user("hoa")["role"] == "supervisor"
    user_row(page, "hoa").locator("[data-counter]").select_option("")
    expect(page.locator("#people-message")).to_have_text("Đã cập nhật hoa.")
    assert admin.user("hoa")["counter"] is None

    user_row(page, "hoa").get_by_role("button", name="Khoá").click()
    expect(user_row(page, "hoa")).to_contain_text("Đã khoá")
    assert admin.user("hoa")["active"] is False
    assert admin.login_status("hoa", "hoa-password-1") == 401
    user_row(page, "hoa").get_by_role("button", name="Mở khoá").click()
    expect(user_row(page, "hoa")).to_contain_text("Đang hoạt động")
    assert admin.login_status("hoa", "hoa-password-1") == 200

    user_row(page, "hoa").get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.locator("#dlg-password")).to_be_visible()
    expect(page.locator("#password-title")).to_have_text("Mật khẩu mới cho hoa")
    new_password = page.locator("#reset-password").input_value()
    assert len(new_password) >= 8
    page.locator("#dlg-password").get_by_role("button", name="Lưu").click()
    expect(page.locator("#people-message")).to_have_text("Đã đặt mật khẩu mới cho hoa.")
    assert admin.login_status("hoa", "hoa-password-1") == 401
    assert admin.login_status("hoa", new_password) == 200
    assert page.js_errors == []


def test_the_last_admin_stays_an_admin(new_page, admin):
    page = open_people(new_page, admin)
    user_row(page, ADMIN).locator("[data-role]").select_option("staff")
    expect(page.locator("#people-message")).to_have_text("Không thể bỏ quyền hoặc khoá quản trị viên cuối cùng.")
    expect(user_row(page, ADMIN).locator("[data-role]")).to_have_value("admin")
    user_row(page, ADMIN).get_by_role("button", name="Khoá").click()
    expect(page.locator("#people-message")).to_have_text("Không thể bỏ quyền hoặc khoá quản trị viên cuối cùng.")
    assert admin.user(ADMIN)["role"] == "admin" and admin.user(ADMIN)["active"] is True


def test_pair_a_device_with_its_one_time_token_then_revoke_it(new_page, admin):
    page = open_people(new_page, admin)
    expect(user_row(page, ADMIN)).to_be_visible()
    page.locator("#new-device").fill("r5")
    page.locator("#new-kind").select_option("rating")
    expect(page.locator("#new-printer")).to_be_disabled()  # printers are for kiosks
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#token-box")).to_be_visible()
    expect(page.locator("#token-title")).to_have_text("Mã của thiết bị r5")
    token = page.locator("#token-value").inner_text()
    assert token.startswith("hqd_")
    expect(page.locator("#token-counter")).to_have_value("5")  # guessed from the name
    pairing = page.locator("#token-url").inner_text()
    assert pairing == f"{admin.url}/rating/5#token={token}"
    expect(device_row(page, "r5")).to_contain_text("Chưa hoạt động")

    tablet = new_page(1280, 800, has_touch=True)
    tablet.goto(pairing)
    expect(tablet.locator("#screen-locked")).to_be_visible()  # paired: the tablet waits for a finish
    page.get_by_role("button", name="Đã ghi lại, đóng").click()
    expect(page.locator("#token-box")).to_be_hidden()
    assert token not in page.content()  # shown once, then gone from the page

    deadline = time.monotonic() + 15  # "last seen" is written behind the requests, not in them
    while admin.device("r5")["last_seen_at"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    page.locator("#audit-refresh").click()
    page.reload()
    expect(device_row(page, "r5")).to_contain_text(re.compile(r"\d\d:\d\d \d\d/\d\d/\d{4}|\d\d/\d\d/\d{4}"))
    expect(device_row(page, "r5")).not_to_contain_text("Chưa hoạt động")

    device_row(page, "r5").get_by_role("button", name="Thu hồi").click()
    expect(page.locator("#revoke-title")).to_have_text("Thu hồi thiết bị r5?")
    page.locator("#dlg-revoke").get_by_role("button", name="Thu hồi").click()
    expect(page.locator("#people-message")).to_have_text("Đã thu hồi r5.")
    expect(device_row(page, "r5")).to_contain_text("Đã thu hồi")
    assert admin.device("r5")["revoked"] is True
    assert admin.me_status(token) == 401
    tablet.reload()
    expect(tablet.locator("#pairing-reason")).to_have_text("Mã thiết bị của máy này không hợp lệ hoặc đã bị thu hồi.")

    audit = page.locator("#audit tbody tr")
    expect(audit.filter(has_text="Thu hồi thiết bị").filter(has_text="r5")).to_have_count(1)
    expect(audit.filter(has_text="Thêm thiết bị").filter(has_text="r5")).to_have_count(1)


def test_a_kiosk_gets_its_printer_and_pairing_address(new_page, admin):
    page = open_people(new_page, admin)
    expect(user_row(page, ADMIN)).to_be_visible()
    page.locator("#new-device").fill("k7")
    page.locator("#new-printer").fill("dummy://")
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#token-title")).to_have_text("Mã của thiết bị k7")
    token = page.locator("#token-value").inner_text()
    expect(page.locator("#token-url")).to_have_text(f"{admin.url}/kiosk#token={token}")
    expect(page.locator("#token-counter-field")).to_be_hidden()
    expect(device_row(page, "k7")).to_contain_text("dummy://")
    assert admin.device("k7")["kind"] == "kiosk"
    me = requests.get(f"{admin.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    assert (me["kind"], me["name"], me["device_kind"]) == ("device", "k7", "kiosk")
    page.locator("#new-device").fill("k7")
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#people-message")).to_have_text("Tên này đã có.")


def test_only_admins_see_people(new_page, admin):
    admin.auth.staff("tam")
    admin.auth.supervisor("sup")
    for name in ("tam", "sup"):
        page = open_people(new_page, admin, name)
        expect(page.locator("#admin-login-why")).to_contain_text(name)
        expect(page.locator("#admin-main")).to_be_hidden()
        resp = page.evaluate("async () => (await fetch('/api/v1/users')).status")
        assert resp == 403


@pytest.mark.parametrize("name", ["kiosk a/b", "Màn hình tầng 1/2 – sảnh Đông"])
def test_any_device_name_is_added_and_revoked_from_the_page(new_page, admin, name):
    page = open_people(new_page, admin)
    expect(user_row(page, ADMIN)).to_be_visible()
    page.locator("#new-device").fill(f"  {name}  ")
    page.locator("#new-kind").select_option("kiosk" if name.startswith("kiosk") else "display")
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#token-title")).to_have_text(f"Mã của thiết bị {name}")
    token = page.locator("#token-value").inner_text()
    assert admin.me_status(token) == 200
    page.get_by_role("button", name="Đã ghi lại, đóng").click()

    device_row(page, name).get_by_role("button", name="Thu hồi").click()
    expect(page.locator("#revoke-title")).to_have_text(f"Thu hồi thiết bị {name}?")
    page.locator("#dlg-revoke").get_by_role("button", name="Thu hồi").click()
    expect(page.locator("#people-message")).to_have_text(f"Đã thu hồi {name}.")
    expect(device_row(page, name)).to_contain_text("Đã thu hồi")
    assert admin.device(name)["revoked"] is True
    assert admin.me_status(token) == 401  # at once
    assert page.js_errors == []


def test_the_page_says_why_a_device_is_refused(new_page, admin):
    page = open_people(new_page, admin)
    expect(user_row(page, ADMIN)).to_be_visible()
    page.locator("#new-device").fill("k-gopher")
    page.locator("#new-printer").fill("gopher://x")
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#people-message")).to_contain_text("Máy in không hợp lệ")
    page.locator("#new-device").fill("   ")
    page.locator("#new-printer").fill("")
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#people-message")).to_have_text("Vui lòng điền đủ các ô bắt buộc.")  # trimmed: blank
    resp = requests.get(f"{admin.url}/api/v1/devices", headers={"Authorization": f"Bearer {admin.token}"}, timeout=30)
    assert all(d["name"] not in ("k-gopher", "") for d in resp.json())
    assert page.js_errors == []


def test_a_kiosk_with_its_printer_on_its_own_pc_gets_the_agent_command(new_page, admin):
    """Printer "agent" (offered in the field's list): the token box adds the command the kiosk PC runs."""
    page = open_people(new_page, admin)
    expect(user_row(page, ADMIN)).to_be_visible()
    assert page.locator("#printer-choices option").evaluate_all("os => os.map(o => o.value)") == ["agent"]
    page.locator("#new-device").fill("k-agent-pc")
    page.locator("#new-printer").fill("agent")
    page.get_by_role("button", name="Thêm thiết bị").click()
    expect(page.locator("#token-agent-row")).to_be_visible()
    token = page.locator("#token-value").inner_text()
    assert token.startswith("hqd_")
    expect(page.locator("#token-agent")).to_have_text(
        f"hallq agent --server {admin.url} --token {token} --printer usb://VENDOR:PRODUCT")
    expect(device_row(page, "k-agent-pc")).to_contain_text("agent")
    page.locator("#token-done").click()
    expect(page.locator("#token-agent")).to_have_text("")  # wiped with the rest of the token box
    assert page.js_errors == []
