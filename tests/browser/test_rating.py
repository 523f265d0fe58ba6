"""The rating tablet (/rating/{n}) next to the staff console, in Chromium against a real server.

The console is driven by the keyboard, the tablet by touch, as in the hall.
"""
from __future__ import annotations

import csv
import io
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .test_counter import Desk, desk_config, open_console

RATING_COUNTER = 11   # serves KA (see test_counter.COUNTERS)
QUICK_COUNTER = 14    # serves KC; its tablet is used by the tests that lock quickly


@pytest.fixture(scope="module")
def desk(live_server, auth) -> Desk:  # noqa: F811
    return Desk(live_server(desk_config()), auth)


def as_phone(desk: Desk, ticket: dict, score: int) -> requests.Response:
    """The citizen rates on the status page: no login, only the ticket's token (no shared cookies)."""
    return requests.post(f"{desk.url}/api/v1/tickets/{ticket['token']}/rating", json={"score": score}, timeout=30)


def open_tablet(new_page, desk: Desk, n: int, token: str | None, width: int = 1280, height: int = 800):
    page = new_page(width, height, has_touch=True)
    page.goto(f"{desk.url}/rating/{n}" + (f"#token={token}" if token else ""))
    return page


def serve_one(desk: Desk, n: int, code: str) -> dict:
    """Issue, call, start and finish one ticket at counter n over the API."""
    ticket = desk.issue(code)
    for step in ("call-next", "start", "finish"):
        resp = desk.server.post(f"counters/{n}/{step}", {}, token=desk.staff)
        assert resp.status_code == 200, f"{step}: {resp.text}"
    return ticket


def test_console_finish_unlocks_the_tablet_and_a_low_rating_asks_why(new_page, desk):
    tablet_token = desk.auth.rating(f"r{RATING_COUNTER}")
    tablet = open_tablet(new_page, desk, RATING_COUNTER, tablet_token)
    expect(tablet.locator("#screen-locked")).to_be_visible()
    expect(tablet.locator("#screen-locked h1")).to_have_text("Cảm ơn Ông/Bà")
    expect(tablet.locator("#counter-name")).to_have_text("Quầy 11 – Khai sinh")
    assert "#" not in tablet.url  # the token left the address bar…
    assert tablet.evaluate("localStorage.getItem('hallq.rating.token')") == tablet_token  # …for the tablet's storage

    ticket = desk.issue("KA")
    console = open_console(new_page, desk, "lan", RATING_COUNTER)
    expect(console.locator(f'#queue-list [data-number="{ticket["number"]}"]')).to_be_visible()
    console.keyboard.press("n")
    expect(console.locator("#current-number")).to_have_text(ticket["number"])
    console.keyboard.press("s")
    expect(console.locator("#current-label")).to_have_text("Đang phục vụ số")
    expect(tablet.locator("#screen-locked")).to_be_visible()  # not before the service is over
    console.keyboard.press("f")
    expect(console.locator("#current-label")).to_have_text("Chưa gọi số nào")

    expect(tablet.locator("#screen-rate")).to_be_visible()
    expect(tablet.locator("#rate-ticket")).to_have_text(f"Số thứ tự {ticket['number']} · Khai sinh")
    expect(tablet.locator(".r-face")).to_have_text(["Rất hài lòng", "Hài lòng", "Chưa hài lòng", "Không hài lòng"])
    tablet.locator('[data-score="1"]').tap()
    expect(tablet.locator("#screen-reason")).to_be_visible()
    expect(tablet.locator("#reason-chosen")).to_have_text("Ông/Bà đã chọn: Không hài lòng")
    expect(tablet.locator("#reason-send")).to_be_disabled()  # a reason first
    tablet.locator(".r-reason", has_text="Chờ quá lâu").tap()
    expect(tablet.locator('[data-reason="long_wait"]')).to_have_attribute("aria-checked", "true")
    tablet.locator("#comment").fill("Chờ hơn một tiếng ở tầng 2")
    tablet.locator("#reason-send").tap()
    expect(tablet.locator("#thanks-title")).to_have_text("Cảm ơn Ông/Bà đã đánh giá!")
    expect(tablet.locator("#screen-locked")).to_be_visible()  # and locked again for the next citizen

    # Stored once: the tablet and the phone are both refused a second rating.
    again = desk.server.post(f"counters/{RATING_COUNTER}/rating", {"score": 4}, token=tablet_token)
    assert again.status_code == 409, again.text
    phone = as_phone(desk, ticket, 4)
    assert (phone.status_code, phone.json()["error"]["code"]) == (409, "already_rated")
    # The supervisor's export has the score, the reason and the comment.
    supervisor = desk.auth.supervisor()
    export = desk.server.get("reports/tickets.csv", token=supervisor)
    assert export.status_code == 200, export.text
    rows = [r for r in csv.reader(io.StringIO(export.content.decode("utf-8-sig"))) if ticket["number"] in r]
    assert len(rows) == 1, rows
    assert "1" in rows[0] and "Chờ hơn một tiếng ở tầng 2" in rows[0], rows[0]
    assert "long_wait" in rows[0] or "Chờ quá lâu" in rows[0], rows[0]
    assert tablet.js_errors == [] and console.js_errors == []


def test_a_high_rating_needs_no_reason(new_page, desk):
    tablet = open_tablet(new_page, desk, QUICK_COUNTER, desk.auth.rating(f"r{QUICK_COUNTER}"), 800, 1280)
    expect(tablet.locator("#screen-locked")).to_be_visible()
    serve_one(desk, QUICK_COUNTER, "KC")
    expect(tablet.locator("#screen-rate")).to_be_visible()
    tablet.locator("#lang").tap()  # a foreign citizen
    expect(tablet.locator('[data-score="4"]')).to_have_text("Very satisfied")
    tablet.locator('[data-score="4"]').tap()
    expect(tablet.locator("#thanks-title")).to_have_text("Thank you for your rating!")
    expect(tablet.locator("#screen-locked h1")).to_have_text("Cảm ơn Ông/Bà")  # back in Vietnamese


def test_a_rating_on_the_phone_locks_the_tablet(new_page, desk):
    tablet = open_tablet(new_page, desk, QUICK_COUNTER, desk.auth.rating(f"r{QUICK_COUNTER}"))
    ticket = serve_one(desk, QUICK_COUNTER, "KC")
    expect(tablet.locator("#screen-rate")).to_be_visible()
    resp = as_phone(desk, ticket, 3)
    assert resp.status_code == 201, resp.text
    expect(tablet.locator("#screen-locked")).to_be_visible()


def test_a_tablet_opened_after_the_finish_still_offers_the_rating(new_page, desk):
    ticket = serve_one(desk, QUICK_COUNTER, "KC")
    tablet = open_tablet(new_page, desk, QUICK_COUNTER, desk.auth.rating(f"r{QUICK_COUNTER}"))
    expect(tablet.locator("#rate-ticket")).to_contain_text(ticket["number"])
    tablet.locator('[data-score="2"]').tap()  # "Chưa hài lòng" is low enough to ask why
    expect(tablet.locator("#screen-reason")).to_be_visible()
    tablet.locator("#reason-back").tap()
    expect(tablet.locator("#screen-rate")).to_be_visible()
    tablet.locator('[data-score="3"]').tap()
    expect(tablet.locator("#screen-thanks")).to_be_visible()


def test_the_tablet_locks_again_when_its_time_is_over(new_page, live_server, auth):  # noqa: F811
    config = desk_config()
    config["rating"] = {"unlock_seconds": 5, "grace_seconds": 0}
    quick = Desk(live_server(config, name="quick"), auth)
    tablet = open_tablet(new_page, quick, QUICK_COUNTER, quick.auth.rating("rq"))
    serve_one(quick, QUICK_COUNTER, "KC")
    expect(tablet.locator("#screen-rate")).to_be_visible()
    expect(tablet.locator("#countdown")).to_be_visible()
    expect(tablet.locator("#screen-locked")).to_be_visible()  # nobody touched it
    rateable = lambda: quick.server.get(f"counters/{QUICK_COUNTER}/rating", token=quick.auth.rating("rq")).json()  # noqa: E731
    deadline = time.monotonic() + 15  # the tablet rounds down: the server's window may end a moment later
    while rateable()["ticket"] is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    late = quick.server.post(f"counters/{QUICK_COUNTER}/rating", {"score": 4}, token=quick.auth.rating("rq"))
    assert (late.status_code, late.json()["error"]["code"]) == (409, "nothing_to_rate")


def test_an_unpaired_tablet_says_how_to_pair_it(new_page, desk):
    page = open_tablet(new_page, desk, RATING_COUNTER, None)
    expect(page.locator("#screen-pairing")).to_be_visible()
    expect(page.locator("#pairing-text")).to_contain_text("hallq device add")
    expect(page.locator("#pairing-text")).to_contain_text(f"/rating/{RATING_COUNTER}#token=")
    page = open_tablet(new_page, desk, RATING_COUNTER, "hqd_not-a-real-token")
    expect(page.locator("#pairing-reason")).to_have_text("Mã thiết bị của máy này không hợp lệ hoặc đã bị thu hồi.")
    kiosk = open_tablet(new_page, desk, RATING_COUNTER, desk.kiosk)  # a kiosk's token is not a tablet's
    expect(kiosk.locator("#pairing-reason")).to_be_visible()
