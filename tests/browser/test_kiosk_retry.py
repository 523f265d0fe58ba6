"""The kiosk retries a tap the server could not answer (5xx) with the same idempotency key:
the citizen taps once and gets exactly one number, in Chromium against a real server."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from .conftest import browser_hall
from .test_kiosk import open_kiosk, tile

pytestmark = pytest.mark.slow  # a held lock answers after the server's 5 s busy timeout


@pytest.fixture(scope="module")
def lock_hall(start_hall):
    return start_hall(browser_hall(capped=False))


def ticket_posts(page) -> list[dict]:
    """Every POST /tickets the page sends and the status it gets back, in order.

    An answer is recorded as soon as Playwright delivers its event; its body (`code`, `ticket`)
    takes a round trip more, and `read` says when that is in: see `wait_until`.
    """
    seen: list[dict] = []

    def answered(response):
        request = response.request
        if request.method == "POST" and request.url.endswith("/api/v1/tickets"):
            entry = {"status": response.status, "key": json.loads(request.post_data)["idempotency_key"],
                     "code": None, "ticket": None, "read": False}
            seen.append(entry)
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            entry.update(code=(body.get("error") or {}).get("code"), ticket=body.get("ticket"), read=True)

    page.on("response", answered)
    return seen


def wait_until(page, done, timeout_ms: int = 10000) -> None:
    """Wait (bounded) until done() holds; the assertions that follow judge what was recorded.

    Playwright runs the response handlers while the test waits on the page: a page that already
    shows a number has had its 201, but the handler may not have read its body yet.
    """
    for _ in range(timeout_ms // 100):
        if done():
            return
        page.wait_for_timeout(100)


def all_read(posts: list[dict]) -> bool:
    return all(p["read"] for p in posts)


def test_a_held_database_lock_costs_the_citizen_nothing(new_page, lock_hall):
    """Another process holds SQLite's write lock past the busy timeout: the server answers
    503 database_busy; the kiosk keeps "Đang lấy số…" up, retries with the same key once the
    lock is gone, and exactly one ticket is issued and shown."""
    page = open_kiosk(new_page, lock_hall)
    posts = ticket_posts(page)
    before = lock_hall.waiting("HT")
    path = lock_hall.server.sqlite_path
    assert path and path.exists()

    holder = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the write lock: every write waits, then gives up with 503
    try:
        tile(page, "HT").click()
        expect(page.locator("#issuing")).to_be_visible()
        expect(page.locator("#issuing")).to_contain_text("Đang lấy số…")
        # Held until the server has refused at least once: then let go.
        wait_until(page, lambda: posts and posts[0]["read"], timeout_ms=30000)
        assert posts and posts[0]["status"] == 503 and posts[0]["code"] == "database_busy", posts
        expect(page.locator("#screen-ticket")).to_be_hidden()  # no error shown, nothing to tap again
        expect(page.locator("#home-message")).to_be_hidden()
    finally:
        holder.execute("COMMIT")
        holder.close()

    expect(page.locator("#t-number")).to_have_text(re.compile(r"^2\d{3}$"), timeout=30000)
    wait_until(page, lambda: any(p["status"] == 201 for p in posts) and all_read(posts))
    assert posts[-1]["status"] == 201, posts
    assert len({p["key"] for p in posts}) == 1, "every attempt carries the same idempotency key"
    assert [p["status"] for p in posts[:-1]] == [503] * (len(posts) - 1)
    assert page.locator("#t-number").text_content() == posts[-1]["ticket"]["number"]
    assert lock_hall.waiting("HT") == before + 1, "one tap, one ticket"
    assert page.js_errors == []


def test_after_the_retries_a_human_message_and_the_next_tap_keeps_the_key(new_page, lock_hall):
    """A server that keeps failing: after a few tries the kiosk says so in words, and the
    citizen's next tap on the same service reuses the key (a late success is never doubled)."""
    page = open_kiosk(new_page, lock_hall)
    posts = ticket_posts(page)
    before = lock_hall.waiting("TP")

    def unavailable(route):
        route.fulfill(status=503, content_type="application/json",
                      body=json.dumps({"error": {"code": "database_busy", "message": "database is locked"}}))

    page.route("**/api/v1/tickets", unavailable)
    tile(page, "TP").click()
    expect(page.locator("#home-message")).to_have_text("Hệ thống đang bận, vui lòng thử lại.", timeout=30000)
    wait_until(page, lambda: all_read(posts))
    tries = len(posts)
    assert 2 <= tries <= 5, f"{tries} attempts"
    expect(page.locator("#issuing")).to_be_hidden()
    assert "database is locked" not in page.locator("body").inner_text()

    page.unroute("**/api/v1/tickets")
    tile(page, "TP").click()
    expect(page.locator("#t-number")).to_have_text(re.compile(r"^5\d{3}$"))
    wait_until(page, lambda: len(posts) > tries and all_read(posts))  # the 201 counts in the key check
    assert [p["status"] for p in posts] == [503] * tries + [201], posts
    assert len({p["key"] for p in posts}) == 1
    assert lock_hall.waiting("TP") == before + 1
