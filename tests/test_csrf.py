"""A cross-site page cannot act with a logged-in person's cookie: the rules a browser relies on, without a browser.

What Chromium does with them is tests/test_security.py's browser test (slow lane); here each
rule the server keeps is checked in process: the cookie is HttpOnly and SameSite=Lax (a
cross-site POST arrives without it), and a change made with the cookie must be JSON from
our own origin (a form, or JSON sent as text/plain, from another origin is refused).
"""
from __future__ import annotations

import pytest

from tests.support.app import InProcessHall
from tests.support.auth import PASSWORD
from tests.support.hall import hall_config

ACTION = "/api/v1/counters/1/call-next"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    with InProcessHall(tmp_path_factory.mktemp("csrf"), hall_config()) as hall:
        yield _desk(hall)


def _desk(hall: InProcessHall):
    kiosk = hall.device("csrf-kiosk", "kiosk")
    hall.person("victim", "staff")
    ticket = hall.ok("POST", "tickets", 201, token=kiosk, json={"service": "DD"})["ticket"]
    browser = hall.app.test_client()  # the staff member's browser: it keeps the session cookie
    resp = browser.post("/api/v1/login", json={"username": "victim", "password": PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return hall, browser, ticket, resp.headers.getlist("Set-Cookie")


def counter_one(hall) -> dict:
    return next(c for c in hall.ok("GET", "counters") if c["number"] == 1)


def test_the_login_cookie_never_leaves_for_another_site(desk):
    _, _, _, cookies = desk
    session = next(c for c in cookies if c.startswith("session="))
    attributes = {part.strip().lower() for part in session.split(";")[1:]}
    assert "httponly" in attributes and "samesite=lax" in attributes


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8999", "http://evil.example", None])
@pytest.mark.parametrize("kind", ["form", "json-as-text"])
def test_a_cross_site_change_with_the_cookie_is_refused(desk, origin, kind):
    hall, browser, ticket, _ = desk
    headers = {"Origin": origin} if origin else {}
    if kind == "form":
        resp = browser.post(ACTION, data={"x": "1"}, headers=headers)
    else:
        resp = browser.post(ACTION, data='{"x":"="}', content_type="text/plain", headers=headers)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "csrf_failed"
    assert counter_one(hall)["current"] is None  # nothing was called…
    assert hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]["status"] == "waiting"  # …and the citizen waits


def test_json_from_another_origin_is_refused_too(desk):
    hall, browser, _, _ = desk
    resp = browser.post(ACTION, json={}, headers={"Origin": "http://127.0.0.1:8999"})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "csrf_failed"
    assert counter_one(hall)["current"] is None


def test_without_the_cookie_the_request_is_nobodys(desk):
    """What a cross-site POST looks like once SameSite=Lax has kept the cookie back."""
    hall, _, _, _ = desk
    resp = hall.app.test_client().post(ACTION, data={"x": "1"}, headers={"Origin": "http://evil.example"})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthenticated"


def test_the_same_cookie_on_our_own_page_does_act(desk):
    """The attack had a live login to abuse: the console's own JSON call goes through (last: it calls)."""
    hall, browser, ticket, _ = desk
    resp = browser.post(ACTION, json={}, headers={"Origin": "http://localhost"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["ticket"]["number"] == ticket["number"]
