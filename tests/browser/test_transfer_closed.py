"""Sending a ticket where nobody can call it, in Chromium: the console asks, the phone says so,
the supervisors' dashboard raises an alert once the wait passes the service's target.

The desk hall of test_counter.py: counters 11–17, one service each (KB at 12 and 13).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from server.queueing.models import Ticket
from server.storage import Database
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .test_admin_dashboard import log_in as admin_log_in
from .test_counter import Desk, desk_config, open_console
from .test_status import open_status

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(live_server, auth) -> Desk:  # noqa: F811
    return Desk(live_server(desk_config(), name="transfer-closed"), auth)


def test_the_console_asks_before_sending_a_ticket_to_a_closed_counter(new_page, desk):
    ticket = desk.issue("KD")
    console = open_console(new_page, desk, "an", 15, width=1280, height=800)
    phone = open_status(new_page, desk, ticket["token"])
    console.keyboard.press("n")
    expect(console.locator("#current-number")).to_have_text(ticket["number"])

    console.keyboard.press("t")
    expect(console.locator('#transfer-counters [data-counter="16"]')).to_contain_text("đang đóng")
    expect(console.locator("#transfer-input")).to_be_focused()
    console.keyboard.type("16")
    console.keyboard.press("Enter")
    expect(console.locator("#dlg-confirm")).to_be_visible()
    expect(console.locator("#confirm-title")).to_have_text(f"Vẫn chuyển số {ticket['number']}?")
    expect(console.locator("#confirm-text")).to_have_text(
        f"Quầy 16 đang đóng: số {ticket['number']} sẽ chờ đến khi quầy mở lại, và công dân thấy điều này trên điện thoại.")
    console.keyboard.press("Escape")  # choose another: back to the choices, nothing sent
    expect(console.locator("#dlg-transfer")).to_be_visible()
    expect(console.locator("#dlg-confirm")).to_be_hidden()
    assert desk.counter(15)["current"]["number"] == ticket["number"]

    console.locator('#transfer-counters [data-counter="16"]').click()
    expect(console.locator("#confirm-go")).to_be_focused()
    console.keyboard.press("Enter")  # send it anyway: the API accepts it
    expect(console.locator("#message")).to_have_text(f"Đã chuyển số {ticket['number']} đến Quầy 16")
    assert [t["number"] for t in desk.queue(16)["waiting"]] == [ticket["number"]]

    # The citizen's phone says why nobody calls them, instead of "Không phải chờ".
    expect(phone.locator("#status")).to_have_text("Đang chờ quầy 16")
    expect(phone.locator("#status-note")).to_contain_text("Quầy 16 đang đóng")
    expect(phone.locator("#wait")).to_have_text("Chưa có quầy mở")
    opened = desk.server.post("counters/16/take", {}, token=desk.auth.staff("binh"))
    assert opened.status_code == 200, opened.text
    expect(phone.locator("#status-note")).to_be_hidden()  # live, from the counter's change
    expect(phone.locator("#wait")).not_to_have_text("Chưa có quầy mở")
    assert console.js_errors == [] and phone.js_errors == []


def test_a_paused_counter_and_a_service_nobody_serves_now_are_said_too(new_page, desk):
    chi = desk.auth.staff("chi")
    assert desk.server.post("counters/12/take", {}, token=chi).ok
    assert desk.server.post("counters/12/pause", {"reason": "meeting"}, token=chi).ok
    console = open_console(new_page, desk, "dung", 15, width=1280, height=800)
    for target, typed, words in (("KF", "kf", "Chưa có quầy nào đang mở cho lĩnh vực Con nuôi"),
                                 ("12", "12", "Quầy 12 đang tạm nghỉ")):
        ticket = desk.issue("KD")
        expect(console.locator(f'#queue-list [data-number="{ticket["number"]}"]')).to_be_visible()
        console.keyboard.press("n")
        expect(console.locator("#current-number")).to_have_text(ticket["number"])
        console.keyboard.press("t")
        expect(console.locator("#transfer-input")).to_be_focused()  # typed ahead, the first key would be lost
        console.keyboard.type(typed)
        console.keyboard.press("Enter")
        expect(console.locator("#confirm-text")).to_contain_text(words)
        console.keyboard.press("Enter")
        expect(console.locator("#current-label")).to_have_text("Chưa gọi số nào")
        phone = open_status(new_page, desk, ticket["token"])
        expect(phone.locator("#wait")).to_have_text("Chưa có quầy mở")
        expect(phone.locator("#status-note")).to_contain_text(
            "Chưa có quầy nào đang mở cho lĩnh vực này" if target == "KF" else "Quầy 12 đang tạm nghỉ")
    # An open counter needs no question.
    ticket = desk.issue("KD")
    expect(console.locator(f'#queue-list [data-number="{ticket["number"]}"]')).to_be_visible()
    console.keyboard.press("n")
    expect(console.locator("#current-number")).to_have_text(ticket["number"])
    console.keyboard.press("t")
    expect(console.locator("#transfer-input")).to_be_focused()
    console.keyboard.type("16")  # taken by binh above
    console.keyboard.press("Enter")
    expect(console.locator("#message")).to_have_text(f"Đã chuyển số {ticket['number']} đến Quầy 16")
    expect(console.locator("#dlg-confirm")).to_be_hidden()


def test_the_dashboard_alerts_when_such_a_ticket_waits_past_its_target(new_page, desk):
    supervisor = desk.auth.supervisor("boss")
    day = desk.server.get("dashboard", token=supervisor).json()["day"]
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=45)
    db = Database(f"sqlite:///{desk.server.sqlite_path}", synchronous="normal")
    # Written into the hall's database as if sent to counter 17 (closed) 45 minutes ago.
    db.write(lambda s: s.add(Ticket(
        token=secrets.token_urlsafe(16), number="G999", ordinal=999, service_issued="KF", service="KF",
        business_day=date.fromisoformat(day), status="waiting", priority=False, lang="vi", target_counter=17,
        issued_at=long_ago, queued_at=long_ago, call_count=0, issued_by="test")))
    db.inline_engine.dispose()
    desk.issue("KA")  # an event: the dashboard's cache moves on
    page = new_page(1280, 800)
    admin_log_in(page, f"{desk.url}/admin")
    alert = page.locator('.a-alert[data-kind="sent_to_closed_counter"][data-number="G999"]')
    expect(alert).to_have_text("Số G999 (Con nuôi) được chuyển đến quầy 17 đang đóng và đã chờ 45 phút (mục tiêu 30 phút).")
    page.click("#admin-lang")
    expect(alert).to_have_text(
        "Ticket G999 (Con nuôi) was sent to counter 17, which is closed, and has waited 45 min (target 30 min).")
    assert page.js_errors == []
