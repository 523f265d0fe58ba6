"""The staff console (/counter) in Chromium against a real `hallq serve`, driven by the keyboard.

Each test works at its own counters and services (added to the demo hall below), so the
tests of this module share one server without seeing each other's tickets.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.auth import PASSWORD
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .conftest import browser_hall, service

SERVICES = [service("KA", numbers="B###", name="Khai sinh"), service("KB", numbers="C###", name="Kết hôn"),
            service("KC", numbers="D###", name="Chứng thực"), service("KD", numbers="E###", name="Hộ khẩu"),
            service("KE", numbers="F###", name="Quốc tịch"), service("KF", numbers="G###", name="Con nuôi")]


def counter(n: int, code: str, name: str) -> dict[str, Any]:
    return {"number": n, "name": {"vi": f"Quầy {n} – {name}", "en": f"Counter {n} – {name}"}, "services": [code]}


COUNTERS = [counter(11, "KA", "Khai sinh"), counter(12, "KB", "Kết hôn"), counter(13, "KB", "Kết hôn"),
            counter(14, "KC", "Chứng thực"), counter(15, "KD", "Hộ khẩu"), counter(16, "KE", "Quốc tịch"),
            counter(17, "KF", "Con nuôi")]


def desk_config(**server: Any) -> dict[str, Any]:
    """The browser tests' hall plus this module's services and counters; logins not rate limited."""
    return browser_hall(services=SERVICES, counters=COUNTERS,
                        server={"login_attempts_per_minute": 6000, **server})


class Desk:
    """A running hall with a kiosk, a rating tablet and a supervisor, reached over the API."""

    def __init__(self, server, auth_for) -> None:
        self.server = server
        self.auth = auth_for(server)
        self.kiosk = self.auth.kiosk("k1")
        self.staff = self.auth.staff("api-staff")

    @property
    def url(self) -> str:
        return self.server.url

    def issue(self, code: str) -> dict[str, Any]:
        resp = self.server.post("tickets", {"service": code}, token=self.kiosk)
        assert resp.status_code == 201, resp.text
        return resp.json()["ticket"]

    def queue(self, n: int) -> dict[str, Any]:
        resp = self.server.get(f"counters/{n}/queue", token=self.staff)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def counter(self, n: int) -> dict[str, Any]:
        return next(c for c in self.server.get("counters").json() if c["number"] == n)


@pytest.fixture(scope="module")
def desk(live_server, auth) -> Desk:  # noqa: F811
    return Desk(live_server(desk_config()), auth)


def log_in(page, url: str, username: str, counter_number: int | None = None) -> None:
    """Keyboard only: the login form has the focus, Tab to the password, Enter; then the counter."""
    page.goto(f"{url}/counter")
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    if counter_number is not None:
        expect(page.locator("#pick-number")).to_be_focused()
        page.keyboard.type(str(counter_number))
        page.keyboard.press("Enter")
    expect(page.locator("#view-console")).to_be_visible()


def open_console(new_page, desk: Desk, username: str, counter_number: int | None, width: int = 640, height: int = 900):
    desk.auth.staff(username)  # made with the real CLI
    page = new_page(width, height)
    log_in(page, desk.url, username, counter_number)
    return page


def action(page, name: str):
    return page.locator(f'.c-act[data-action="{name}"]')


def row(page, number: str, where: str = "#queue-list"):
    return page.locator(f'{where} .c-row[data-number="{number}"]')


def test_keyboard_call_start_finish(new_page, desk):
    ticket = desk.issue("KA")
    page = open_console(new_page, desk, "lan", 11)
    expect(page.locator("#bar-counter")).to_have_text("Quầy 11 – Khai sinh")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")
    expect(row(page, ticket["number"])).to_be_visible()
    expect(page.locator('#queue-services [data-service="KA"]')).to_contain_text("1")
    for name in ("recall", "start", "finish", "no-show", "transfer"):
        expect(action(page, name)).to_be_disabled()  # nothing called yet
    expect(action(page, "call-next")).to_be_enabled()

    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    expect(page.locator("#current-label")).to_have_text("Đang mời số")
    expect(page.locator("#current-service")).to_have_text("Khai sinh")
    expect(page.locator("#t-waited")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(action(page, "call-next")).to_be_disabled()
    expect(action(page, "start")).to_be_enabled()
    expect(row(page, ticket["number"])).to_have_count(0)
    assert desk.counter(11)["current"]["status"] == "called"

    page.keyboard.press("r")
    expect(page.locator("#message")).to_have_text(f"Đã gọi lại số {ticket['number']}")
    page.keyboard.press("s")
    expect(page.locator("#current-label")).to_have_text("Đang phục vụ số")
    expect(page.locator("#t-phase-label")).to_have_text("Thời gian phục vụ")
    expect(action(page, "start")).to_be_disabled()
    expect(action(page, "recall")).to_be_disabled()
    expect(action(page, "no-show")).to_be_disabled()
    page.keyboard.press("f")
    expect(page.locator("#message")).to_have_text(f"Đã xong số {ticket['number']}")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")
    assert desk.counter(11)["current"] is None
    expect(action(page, "call-next")).to_be_disabled()  # nobody waits any more
    assert page.js_errors == []


def test_the_waiting_list_is_live(new_page, desk):
    page = open_console(new_page, desk, "lan2", 16)
    expect(page.locator("#queue-empty")).to_be_visible()
    first, second = desk.issue("KE"), desk.issue("KE")
    expect(row(page, first["number"])).to_be_visible()
    expect(page.locator("#queue-list .c-row")).to_have_count(2)
    expect(page.locator("#queue-list .c-row").first).to_have_attribute("data-number", first["number"])
    expect(page.locator("#queue-total")).to_have_text("2 người")
    resp = desk.server.post(f"tickets/{second['token']}/cancel", {})
    assert resp.status_code == 200, resp.text
    expect(page.locator("#queue-list .c-row")).to_have_count(1)
    page.keyboard.press("Space")  # Space calls the next ticket too
    expect(page.locator("#current-number")).to_have_text(first["number"])
    page.keyboard.press("f")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")


def test_transfer_to_a_service_and_to_a_counter(new_page, desk):
    ticket = desk.issue("KB")
    here = open_console(new_page, desk, "an", 12)
    there = open_console(new_page, desk, "binh", 14)
    expect(row(there, ticket["number"])).to_have_count(0)

    here.keyboard.press("n")
    expect(here.locator("#current-number")).to_have_text(ticket["number"])
    here.keyboard.press("t")
    expect(here.locator("#transfer-input")).to_be_focused()
    expect(here.locator("#transfer-title")).to_have_text(f"Chuyển số {ticket['number']}")
    here.keyboard.type("kc")
    here.keyboard.press("Enter")
    expect(here.locator("#message")).to_have_text(f"Đã chuyển số {ticket['number']} sang Chứng thực")
    expect(here.locator("#current-label")).to_have_text("Chưa gọi số nào")
    # The other counter's console shows it waiting, live, and may call it.
    expect(row(there, ticket["number"])).to_be_visible()
    assert [t["number"] for t in desk.queue(14)["waiting"]] == [ticket["number"]]

    there.keyboard.press("n")
    expect(there.locator("#current-number")).to_have_text(ticket["number"])
    expect(there.locator("#current-badges")).to_have_text("Chuyển từ Kết hôn")
    there.keyboard.press("t")
    there.keyboard.type("13")
    there.keyboard.press("Enter")
    # Nobody sits at counter 13: the console asks first (tests/browser/test_transfer_closed.py).
    expect(there.locator("#confirm-text")).to_contain_text("Quầy 13 đang đóng")
    there.keyboard.press("Enter")
    expect(there.locator("#message")).to_have_text(f"Đã chuyển số {ticket['number']} đến Quầy 13")
    waiting = desk.queue(13)["waiting"]
    assert [(t["number"], t["sent_here"]) for t in waiting] == [(ticket["number"], True)]
    assert desk.queue(12)["waiting"] == []  # sent to counter 13 only, not to its service

    # A service or counter that does not exist is refused in words, nothing moves.
    waiting = desk.issue("KC")
    expect(row(there, waiting["number"])).to_be_visible()
    there.keyboard.press("n")
    expect(there.locator("#current-number")).to_have_text(waiting["number"])
    there.keyboard.press("t")
    there.keyboard.type("XYZ")
    there.keyboard.press("Enter")
    expect(there.locator("#transfer-error")).to_have_text("Không có lĩnh vực hay quầy “XYZ”.")
    there.keyboard.press("Escape")
    expect(there.locator("#dlg-transfer")).not_to_be_visible()
    expect(there.locator("#current-label")).to_have_text("Đang mời số")
    there.keyboard.press("f")
    expect(there.locator("#current-label")).to_have_text("Chưa gọi số nào")


def test_a_no_show_is_called_again(new_page, desk):
    ticket = desk.issue("KD")
    page = open_console(new_page, desk, "chi", 15)
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.keyboard.press("v")
    expect(page.locator("#message")).to_have_text(f"Số {ticket['number']} vắng mặt")
    expect(row(page, ticket["number"], "#no-show-list")).to_be_visible()
    expect(page.locator("#no-shows-title")).to_have_text("Vắng mặt hôm nay (1)")

    # The citizen came back: C, the number, Enter.
    page.keyboard.press("c")
    expect(page.locator("#call-input")).to_be_focused()
    page.keyboard.type(ticket["number"])
    page.keyboard.press("Enter")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    expect(page.locator("#current-label")).to_have_text("Đang mời số")
    expect(row(page, ticket["number"], "#no-show-list")).to_have_count(0)
    assert desk.counter(15)["current"]["number"] == ticket["number"]

    # Gone again, then called back with one tap on its row.
    page.keyboard.press("v")
    expect(row(page, ticket["number"], "#no-show-list")).to_be_visible()
    row(page, ticket["number"], "#no-show-list").get_by_role("button", name="Gọi lại").click()
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.keyboard.press("s")
    page.keyboard.press("f")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")


def test_pause_with_a_reason_and_resume(new_page, desk):
    desk.issue("KE")
    page = open_console(new_page, desk, "dung", 16)
    page.keyboard.press("p")
    expect(page.locator("#dlg-pause")).to_be_visible()
    expect(page.locator("#pause-reasons .c-choice")).to_have_text(
        [re.compile("Nghỉ giải lao"), re.compile("Họp"), re.compile("Tập huấn"), re.compile("Việc khác")])
    page.keyboard.press("2")
    expect(page.locator("#bar-status")).to_have_text("Tạm nghỉ — Họp")
    state = desk.counter(16)
    assert (state["status"], state["pause_reason"]) == ("paused", "meeting")
    expect(action(page, "call-next")).to_be_disabled()
    expect(action(page, "resume")).to_be_visible()
    page.keyboard.press("n")  # paused: nothing is called
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")
    page.keyboard.press("p")
    expect(page.locator("#bar-status")).to_have_text("Đang mở")
    assert desk.counter(16)["status"] == "open"
    page.keyboard.press("n")
    expect(page.locator("#current-label")).to_have_text("Đang mời số")
    page.keyboard.press("f")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")


def test_errors_are_shown_in_words(new_page, desk):
    page = open_console(new_page, desk, "em", 17)
    page.keyboard.press("c")
    page.keyboard.type("G999")
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_have_text("Không có số này trong hàng chờ của quầy hôm nay.")
    ticket = desk.issue("KF")
    expect(row(page, ticket["number"])).to_be_visible()
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.locator("#leave").click()  # a counter holding a ticket cannot be left
    expect(page.locator("#message")).to_have_text("Hãy kết thúc hoặc chuyển số đang phục vụ trước khi rời quầy.")
    page.locator("#lang").click()
    expect(action(page, "call-next")).to_contain_text("Call next")
    expect(page.locator("#current-label")).to_have_text("Calling")
    page.keyboard.press("f")
    expect(page.locator("#message")).to_have_text(f"Finished {ticket['number']}")
    page.locator("#lang").click()
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")


def test_the_console_survives_a_reload_and_logs_out(new_page, desk):
    page = open_console(new_page, desk, "giang", 13)
    assert desk.counter(13)["staff"] == "giang"
    page.reload()  # still logged in (the cookie), still at the counter, without taking it again
    expect(page.locator("#view-console")).to_be_visible()
    expect(page.locator("#bar-counter")).to_have_text("Quầy 13 – Kết hôn")
    page.locator("#leave").click()
    expect(page.locator("#view-pick")).to_be_visible()
    assert desk.counter(13)["status"] == "closed"
    page.keyboard.type("13")
    page.keyboard.press("Enter")
    expect(page.locator("#view-console")).to_be_visible()
    page.locator("#logout").click()
    expect(page.locator("#view-login")).to_be_visible()
    assert desk.counter(13)["status"] == "closed"  # logging out leaves the counter
    status = page.evaluate("""async () => (await fetch('/api/v1/me')).status""")
    assert status == 401
    page.reload()
    expect(page.locator("#view-login")).to_be_visible()


def test_a_bound_staff_member_works_only_at_their_counter(new_page, desk):
    desk.server.cli("user", "add", "bao", "--role", "staff", "--counter", "17", input=PASSWORD + "\n")
    page = new_page(640, 900)
    page.goto(f"{desk.url}/counter")
    page.evaluate("localStorage.setItem('hallq.console.counter', '16')")  # remembered from another login
    log_in(page, desk.url, "bao")  # no choice to make: straight to counter 17
    expect(page.locator("#bar-counter")).to_have_text("Quầy 17 – Con nuôi")
    assert desk.counter(17)["staff"] == "bao"

    refused = page.evaluate("""async () => {
      const r = await fetch('/api/v1/counters/16/call-next', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'});
      return [r.status, (await r.json()).error.code];
    }""")
    assert refused == [403, "wrong_counter"]
    page.locator("#leave").click()
    expect(page.locator("#pick-bound")).to_have_text("Bạn được phân công ở Quầy 17.")
    expect(page.locator("#pick-list [data-counter]")).to_have_count(1)
    page.locator("#pick-number").fill("16")
    page.keyboard.press("Enter")
    expect(page.locator("#pick-error")).to_have_text("Bạn được phân công ở quầy khác.")
    assert desk.counter(16)["staff"] != "bao"


def test_calling_a_given_number_can_be_forbidden(new_page, live_server, auth):  # noqa: F811
    config = desk_config()
    config["console"] = {"allow_call_specific": False}
    strict = Desk(live_server(config, name="strict"), auth)
    ticket = strict.issue("KA")
    page = open_console(new_page, strict, "hanh", 11)
    expect(row(page, ticket["number"])).to_be_visible()
    # The console learns the rule from /console-settings: it offers no way to pick a number.
    expect(action(page, "call")).to_be_hidden()
    expect(page.locator("#queue-list [data-call]")).to_have_count(0)
    page.keyboard.press("c")
    expect(page.locator("dialog[open]")).to_have_count(0)
    # And the server refuses it anyway, to any client.
    refused = strict.server.post("counters/11/call", {"number": ticket["number"]}, token=strict.staff)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "call_specific_forbidden"
    assert strict.counter(11)["current"] is None
    page.keyboard.press("n")  # the next ticket by the rules is still fine
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
