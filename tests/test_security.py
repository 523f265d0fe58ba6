"""Who may call what, checked on a real server; and a cross-site form cannot act as staff.

The role matrix calls every route of the app's url_map as anonymous, kiosk, display, rating,
staff, supervisor and admin (people both with their bearer token and with the pages' session
cookie). The calls aim at things that do not exist (counter 999, ticket "nope", user
"nobody") or carry an empty body, so an allowed caller gets 400/404/409/422 and nothing
changes, while a refused one gets 401 `unauthenticated` (anonymous) or 403 `forbidden`.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import requests
import yaml

from tests.browser.conftest import browser  # noqa: F401  (fixture: Debian Chromium, fails under CI without it)
from tests.conftest import demo_config_data
from tests.support.auth import PASSWORD
from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)
from tests.support.hall import hall_config

DEVICES = ("kiosk", "display", "rating")
PEOPLE = ("staff", "supervisor", "admin")
PRINCIPALS = ("anonymous", *DEVICES, *PEOPLE, *(f"{p}-cookie" for p in PEOPLE))
ANYONE = frozenset(PRINCIPALS)
STAFF = frozenset(p for p in PRINCIPALS if p.split("-")[0] in PEOPLE)
SUPERVISOR = frozenset(p for p in STAFF if not p.startswith("staff"))
ADMIN = frozenset(p for p in STAFF if p.startswith("admin"))


def _role(*extra: str, base: frozenset = frozenset()) -> frozenset:
    return base | frozenset(extra)


COUNTER_ACTIONS = ("call-next", "call", "recall", "start", "finish", "no-show", "transfer", "pause", "resume",
                   "take", "leave")

# (method, rule) -> who may call it. Every /api/v1 route must be here (see the test below).
WHO: dict[tuple[str, str], frozenset] = {
    ("GET", "/api/v1/services"): ANYONE,
    ("GET", "/api/v1/counters"): ANYONE,
    ("GET", "/api/v1/state"): ANYONE,
    ("GET", "/api/v1/openapi.json"): ANYONE,
    ("GET", "/api/v1/display-settings"): ANYONE,
    ("GET", "/api/v1/kiosk-settings"): ANYONE,
    ("POST", "/api/v1/login"): ANYONE,
    ("POST", "/api/v1/logout"): STAFF,
    ("GET", "/api/v1/me"): _role(*DEVICES, base=STAFF),
    ("POST", "/api/v1/tickets"): _role("kiosk", base=STAFF),
    ("GET", "/api/v1/tickets/<token>"): ANYONE,
    ("POST", "/api/v1/tickets/<token>/rating"): frozenset({"anonymous", "rating"}),  # never staff
    ("POST", "/api/v1/tickets/<token>/reprint"): _role("kiosk", base=STAFF),
    ("POST", "/api/v1/tickets/<token>/cancel"): ANYONE,  # whoever holds the ticket's token
    **{("POST", f"/api/v1/counters/<int:n>/{a}"): STAFF for a in COUNTER_ACTIONS},
    ("GET", "/api/v1/counters/<int:n>/queue"): STAFF,
    ("GET", "/api/v1/counters/<int:n>/rating"): _role("rating", base=STAFF),
    ("POST", "/api/v1/counters/<int:n>/rating"): frozenset({"rating"}),
    ("PATCH", "/api/v1/counters/<int:n>/rating"): frozenset({"rating"}),
    ("PATCH", "/api/v1/tickets/<token>/rating"): frozenset({"anonymous", "rating"}),  # never staff
    ("GET", "/api/v1/console-settings"): STAFF,
    ("GET", "/api/v1/printers"): SUPERVISOR,
    ("GET", "/api/v1/stats"): SUPERVISOR,
    ("GET", "/api/v1/dashboard"): SUPERVISOR,
    ("GET", "/api/v1/reports/tickets.csv"): SUPERVISOR,
    ("GET", "/api/v1/reports/tickets.xlsx"): SUPERVISOR,
    ("GET", "/api/v1/reports/summary.xlsx"): SUPERVISOR,
    ("GET", "/api/v1/reports/ratings"): SUPERVISOR,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("PATCH", "/api/v1/users/<username>"): ADMIN,
    ("GET", "/api/v1/devices"): ADMIN,
    ("POST", "/api/v1/devices"): ADMIN,
    ("POST", "/api/v1/devices/<device:name>/revoke"): ADMIN,
    ("GET", "/api/v1/audit"): ADMIN,
}
ARGS = {"<int:n>": "999", "<token>": "nope", "<username>": "nobody-here", "<device:name>": "nobody/here"}


def concrete(rule: str) -> str:
    for placeholder, value in ARGS.items():
        rule = rule.replace(placeholder, value)
    return rule


@pytest.fixture(scope="module")
def routes(tmp_path_factory) -> list[tuple[str, str]]:
    """(method, rule) of every route the real app serves, from its url_map."""
    from server.app import create_app

    folder = tmp_path_factory.mktemp("routes")
    (folder / "config.yaml").write_text(yaml.safe_dump(demo_config_data(async_mode="threading")), encoding="utf-8")
    app = create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


class Callers:
    """A requests session per principal: bearer tokens for devices and people, cookies for people."""

    def __init__(self, server, hall_auth) -> None:
        self.server = server
        self.auth = hall_auth
        self.tokens = {"kiosk": hall_auth.kiosk("sec-kiosk"), "display": hall_auth.display("sec-display"),
                       "rating": hall_auth.rating("sec-rating"), "staff": hall_auth.staff("sec-staff"),
                       "supervisor": hall_auth.supervisor("sec-supervisor"), "admin": hall_auth.admin("sec-admin")}
        self.sessions = {p: self.fresh(p) for p in PRINCIPALS}

    def fresh(self, principal: str) -> requests.Session:
        """A new session as `principal`; people log in again (logout ends the login it uses)."""
        s = requests.Session()
        kind = principal.split("-")[0]
        if principal.endswith("-cookie"):
            resp = s.post(f"{self.server.url}/api/v1/login", json={"username": f"sec-{kind}", "password": PASSWORD}, timeout=30)
            assert resp.status_code == 200, resp.text
            s.headers["Origin"] = self.server.url  # what a browser on our own pages sends
        elif principal in PEOPLE:
            s.headers["Authorization"] = f"Bearer {self.auth.login(f'sec-{kind}')}"
        elif principal in DEVICES:
            s.headers["Authorization"] = f"Bearer {self.tokens[principal]}"
        return s

    def call(self, principal: str, method: str, rule: str) -> requests.Response:
        session = self.fresh(principal) if rule.endswith("/logout") else self.sessions[principal]
        kwargs: dict[str, Any] = {"timeout": 30}
        if method in ("POST", "PATCH"):
            kwargs["json"] = {}
        return session.request(method, self.server.url + concrete(rule), **kwargs)


@pytest.fixture(scope="module")
def callers(live_server, auth) -> Callers:  # noqa: F811
    server = live_server(hall_config(server={"login_attempts_per_minute": 100000}), name="security")
    return Callers(server, auth(server))


def test_every_api_route_is_in_the_matrix(routes):
    served = {key for key in routes if key[1].startswith("/api/")}
    assert sorted(served - set(WHO)) == [], "new API routes: say who may call them in WHO"
    assert sorted(set(WHO) - served) == [], "routes in WHO that the app no longer serves"


def error_code(resp: requests.Response) -> str | None:
    """The contract's error code of an answer, if it is an error body."""
    if not resp.headers.get("Content-Type", "").startswith("application/json"):
        return None
    data = resp.json()
    return (data.get("error") or {}).get("code") if isinstance(data, dict) else None


@pytest.mark.parametrize("method,rule", sorted(WHO))
def test_who_may_call(callers, method, rule):
    wrong = []
    for principal in PRINCIPALS:
        resp = callers.call(principal, method, rule)
        code = error_code(resp)
        if principal in WHO[(method, rule)]:
            ok = resp.status_code < 500 and code not in ("unauthenticated", "forbidden", "csrf_failed")
        else:
            expected = (401, "unauthenticated") if principal == "anonymous" else (403, "forbidden")
            ok = (resp.status_code, code) == expected
        if not ok:
            wrong.append(f"{principal}: {resp.status_code} {resp.text[:160]}")
    assert wrong == [], f"{method} {concrete(rule)}:\n" + "\n".join(wrong)


def test_pages_are_shells_anyone_may_load(callers, routes):
    """Pages hold no data (that comes from the API, by role): every page answers 200 to anyone."""
    pages = [rule for method, rule in routes if method == "GET" and not rule.startswith("/api/")
             and "<path:" not in rule]
    assert "/counter" in pages and "/rating/<int:n>" in pages and "/admin/people" in pages
    for rule in pages:
        resp = requests.get(callers.server.url + concrete(rule.replace("<int:n>", "1")), timeout=30)
        assert resp.status_code == 200, f"{rule}: {resp.status_code}"
    for path in ("/counter", "/rating/1", "/admin/people"):  # the console and admin pages cannot be framed
        resp = requests.get(callers.server.url + path, timeout=30)
        if path != "/rating/1":
            assert resp.headers.get("X-Frame-Options") == "DENY", path


# -- cookies and CSRF ------------------------------------------------------------------------


def test_a_cookie_change_needs_json_from_our_own_origin(callers):
    server = callers.server
    s = requests.Session()
    assert s.post(f"{server.url}/api/v1/login", json={"username": "sec-staff", "password": PASSWORD}, timeout=30).ok
    url = f"{server.url}/api/v1/counters/999/call-next"
    form = s.post(url, data={"a": "1"}, timeout=30)  # what an HTML form sends
    plain = s.post(url, data='{"a": 1}', headers={"Content-Type": "text/plain"}, timeout=30)
    foreign = s.post(url, json={}, headers={"Origin": "http://evil.example"}, timeout=30)
    own = s.post(url, json={}, headers={"Origin": server.url}, timeout=30)
    assert [(r.status_code, r.json()["error"]["code"]) for r in (form, plain, foreign)] == [(403, "csrf_failed")] * 3
    assert (own.status_code, own.json()["error"]["code"]) == (404, "unknown_counter")  # allowed: the counter is not there
    assert s.get(f"{server.url}/api/v1/counters/1/queue", timeout=30).status_code == 200  # reading needs no JSON


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
