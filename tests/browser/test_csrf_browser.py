"""A cross-site page cannot make a logged-in staff member's browser act on the hall (real Chromium).

The rules behind it (the session cookie needs JSON from our own Origin) are checked without a
browser in tests/test_security.py; this is the same attack as a browser really carries it out.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import requests

from tests.browser.conftest import browser  # noqa: F401  (fixture)
from tests.support.auth import PASSWORD
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)
from tests.support.hall import hall_config

pytestmark = pytest.mark.slow


class Attacker:
    """Another origin: a tiny http.server whose pages post to the hall server as soon as they open."""

    def __init__(self, target: str) -> None:
        pages: dict[str, str] = {}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = pages.get(self.path.split("?")[0], "not here").encode()
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        action = f"{target}/api/v1/counters/1/call-next"
        pages["/form"] = f"""<!doctype html><form method="post" action="{action}">
            <input name="counter" value="1"></form><script>document.forms[0].submit()</script>"""
        pages["/json-as-text"] = f"""<!doctype html><form method="post" enctype="text/plain" action="{action}">
            <input name='{{"x":"' value='"}}'></form><script>document.forms[0].submit()</script>"""
        pages["/fetch"] = f"""<!doctype html><p id="out">…</p><script>
            fetch("{action}", {{method: "POST", mode: "no-cors", credentials: "include",
                   headers: {{"Content-Type": "text/plain"}}, body: "{{}}"}})
              .then(() => document.getElementById("out").textContent = "sent",
                    () => document.getElementById("out").textContent = "blocked");</script>"""
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, host: str, page: str) -> str:
        return f"http://{host}:{self.port}{page}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def csrf_hall(live_server, auth) -> Iterator[tuple[Any, Any, Attacker]]:  # noqa: F811
    server = live_server(hall_config(server={"login_attempts_per_minute": 100000}), name="csrf")
    attacker = Attacker(server.url)
    yield server, auth(server), attacker
    attacker.close()


def counter_one(server) -> dict[str, Any]:
    return next(c for c in requests.get(f"{server.url}/api/v1/counters", timeout=30).json() if c["number"] == 1)


def test_a_cross_site_form_cannot_call_a_ticket_as_the_logged_in_staff(browser, csrf_hall):  # noqa: F811
    server, hall_auth, attacker = csrf_hall
    kiosk = hall_auth.kiosk("csrf-kiosk")
    hall_auth.staff("victim")
    ticket = requests.post(f"{server.url}/api/v1/tickets", json={"service": "DD"}, timeout=30,
                           headers={"Authorization": f"Bearer {kiosk}"}).json()["ticket"]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        # The staff member is logged in on the console (the session cookie) in this browser.
        page.goto(f"{server.url}/counter")
        page.locator("#username").fill("victim")
        page.locator("#password").fill(PASSWORD)
        page.locator("#password").press("Enter")
        page.locator("#view-pick").wait_for()
        assert any(c["name"] == "session" for c in context.cookies(server.url))

        landed = {}
        for host in ("127.0.0.1", "localhost"):  # same site on another port; another site
            for name in ("/form", "/json-as-text"):
                evil = context.new_page()
                evil.goto(attacker.url(host, name))
                evil.wait_for_url(f"{server.url}/api/v1/counters/1/call-next")
                evil.wait_for_load_state()
                landed[(host, name)] = json.loads(evil.locator("body").inner_text())["error"]["code"]
                evil.close()
            evil = context.new_page()
            evil.goto(attacker.url(host, "/fetch"))
            evil.locator("#out").filter(has_text="sent").or_(evil.locator("#out").filter(has_text="blocked")).wait_for()
            evil.close()

        assert landed == {("127.0.0.1", "/form"): "csrf_failed", ("127.0.0.1", "/json-as-text"): "csrf_failed",
                          ("localhost", "/form"): "unauthenticated", ("localhost", "/json-as-text"): "unauthenticated"}
        assert counter_one(server)["current"] is None  # nothing was called…
        mine = requests.get(f"{server.url}/api/v1/tickets/{ticket['token']}", timeout=30).json()["ticket"]
        assert mine["status"] == "waiting"  # …and the citizen still waits

        # The same cookie on the console's own page does act: the attack had a live login to abuse.
        done = page.evaluate("""async () => {
          const r = await fetch('/api/v1/counters/1/call-next', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: '{}'});
          return [r.status, (await r.json()).ticket.number];
        }""")
        assert done == [200, ticket["number"]]
    finally:
        context.close()
