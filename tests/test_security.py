"""Who may call what, by calling every API route for real as every kind of caller.

The expected answer comes from the one access matrix: the `allow` rule each view carries
(the OpenAPI document publishes the same rule, tests/test_routes.py). Every route of the
app's url_map is called as anonymous, kiosk, display, rating, staff, supervisor and admin
(people both with their bearer token and with the pages' session cookie). The calls aim at
things that do not exist (counter 999, ticket "nope", user "nobody-here") or carry an empty
body, so an allowed caller gets 400/404/409/422 and nothing changes, while a refused one
gets 401 `unauthenticated` (anonymous) or 403 `forbidden`.

In process (Flask's test client over the real app and database); the same attack through a
real browser is tests/browser/test_csrf_browser.py.
"""
from __future__ import annotations

from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from server import auth
from server.app import create_app
from server.queueing.clock import utcnow
from tests.conftest import demo_config_data

PASSWORD = "correct horse 2024"
DEVICES = ("kiosk", "display", "rating")
PEOPLE = ("staff", "supervisor", "admin")
ROLES = ("staff", "supervisor", "admin")  # each includes the ones before it
PRINCIPALS = ("anonymous", *DEVICES, *PEOPLE, *(f"{p}-cookie" for p in PEOPLE))
ARGS = {"<int:n>": "999", "<token>": "nope", "<username>": "nobody-here", "<device:name>": "nobody/here"}
ORIGIN = "http://localhost"  # the test client's own host: what a browser on our pages sends

# The public surface, written out on purpose: a route that starts letting tokenless callers in
# must be added here by someone who meant it (the matrix below only follows the views' rules).
TOKENLESS = {
    ("GET", "/api/v1/services"), ("GET", "/api/v1/counters"), ("GET", "/api/v1/state"),
    ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/display-settings"), ("GET", "/api/v1/kiosk-settings"),
    ("POST", "/api/v1/login"), ("GET", "/api/v1/tickets/<token>"), ("POST", "/api/v1/tickets/<token>/cancel"),
    ("POST", "/api/v1/tickets/<token>/rating"), ("PATCH", "/api/v1/tickets/<token>/rating"),
    # appointments (docs/appointments.md): booking is public and rate limited; a booking's link is its holder's
    ("GET", "/api/v1/appointments/services"), ("GET", "/api/v1/appointments/slots"), ("POST", "/api/v1/appointments"),
    ("GET", "/api/v1/appointments/<token>"), ("POST", "/api/v1/appointments/<token>/cancel"),
}


def concrete(rule: str) -> str:
    for placeholder, value in ARGS.items():
        rule = rule.replace(placeholder, value)
    return rule


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("security")
    data = demo_config_data(async_mode="threading", login_attempts_per_minute=100000)
    (folder / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    app = create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})
    db = app.extensions["hallq"].db
    for role in PEOPLE:
        db.write(lambda s, r=role: auth.add_user(s, f"sec-{r}", r, PASSWORD, utcnow()))
    app.config["device-tokens"] = {kind: db.write(lambda s, k=kind: auth.add_device(
        s, auth.NewDevice(f"sec-{k}", k, None), utcnow())) for kind in DEVICES}
    return app


def api_routes(app) -> list[tuple[str, str]]:
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


def admitted(app, method: str, rule: str, principal: str) -> bool:
    """What the view's `allow` rule says about this caller, read from the rule's fields alone."""
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(concrete(rule), method=method)
    allowed = app.view_functions[endpoint].allowed
    kind = principal.split("-")[0]
    if allowed.public:
        return True
    if principal == "anonymous":
        return allowed.anonymous
    if kind in DEVICES:
        return kind in allowed.devices
    return allowed.role is not None and ROLES.index(kind) >= ROLES.index(allowed.role)


class Callers:
    """A test client per principal: bearer tokens for devices and people, the session cookie for people."""

    def __init__(self, app) -> None:
        self.app = app
        self.clients = {p: self.fresh(p) for p in PRINCIPALS}

    def login(self, client: FlaskClient, person: str) -> str:
        resp = client.post("/api/v1/login", json={"username": f"sec-{person}", "password": PASSWORD})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["token"]

    def fresh(self, principal: str) -> tuple[FlaskClient, dict[str, str]]:
        """A new client as `principal`, and the headers it sends; people log in again (logout ends a login)."""
        client = self.app.test_client()
        kind = principal.split("-")[0]
        if principal.endswith("-cookie"):
            self.login(client, kind)  # the client keeps the session cookie
            return client, {"Origin": ORIGIN}
        if principal in PEOPLE:
            return self.app.test_client(), {"Authorization": f"Bearer {self.login(client, kind)}"}
        if principal in DEVICES:
            return client, {"Authorization": f"Bearer {self.app.config['device-tokens'][principal]}"}
        return client, {}

    def call(self, principal: str, method: str, rule: str):
        client, headers = self.fresh(principal) if rule.endswith("/logout") else self.clients[principal]
        kwargs: dict[str, Any] = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
        return client.open(concrete(rule), method=method, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def callers(app) -> Callers:
    return Callers(app)


def error_code(resp) -> str | None:
    data = resp.get_json(silent=True)
    return (data.get("error") or {}).get("code") if isinstance(data, dict) else None


def test_every_api_route_is_called(app):
    served = api_routes(app)
    assert ("POST", "/api/v1/counters/<int:n>/call-next") in served and ("GET", "/api/v1/audit") in served
    assert len(served) >= 40


def test_the_public_surface_is_the_one_meant(app):
    tokenless = {(m, r) for m, r in api_routes(app) if admitted(app, m, r, "anonymous")}
    assert tokenless == TOKENLESS


def test_who_may_call(app, callers):
    wrong = []
    for method, rule in api_routes(app):
        for principal in PRINCIPALS:
            resp = callers.call(principal, method, rule)
            code = error_code(resp)
            if admitted(app, method, rule, principal):
                ok = resp.status_code < 500 and code not in ("unauthenticated", "forbidden", "csrf_failed")
            else:
                expected = (401, "unauthenticated") if principal == "anonymous" else (403, "forbidden")
                ok = (resp.status_code, code) == expected
            if not ok:
                wrong.append(f"{method} {concrete(rule)} as {principal}: {resp.status_code} "
                             f"{resp.get_data(as_text=True)[:160]}")
    assert wrong == []


def test_staff_never_rate_their_own_service(app, callers):
    for method in ("POST", "PATCH"):
        for principal in ("staff", "admin", "admin-cookie", "kiosk"):
            resp = callers.call(principal, method, "/api/v1/tickets/<token>/rating")
            assert (resp.status_code, error_code(resp)) == (403, "forbidden"), f"{method} as {principal}"


def test_pages_are_shells_anyone_may_load(app):
    """Pages hold no data (that comes from the API, by role): every page answers 200 to anyone."""
    client = app.test_client()
    pages = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods
             and not rule.rule.startswith("/api/") and "<path:" not in rule.rule and "static" not in rule.endpoint]
    assert "/counter" in pages and "/rating/<int:n>" in pages and "/admin/people" in pages
    for rule in pages:
        resp = client.get(concrete(rule.replace("<int:n>", "1")))
        assert resp.status_code == 200, f"{rule}: {resp.status_code}"
    for path in ("/counter", "/admin/people"):  # the console and admin pages cannot be framed
        assert client.get(path).headers.get("X-Frame-Options") == "DENY", path


# -- cookies and CSRF ------------------------------------------------------------------------


def test_a_cookie_change_needs_json_from_our_own_origin(app, callers):
    client = app.test_client()
    callers.login(client, "staff")
    url = "/api/v1/counters/999/call-next"
    form = client.post(url, data={"a": "1"})  # what an HTML form sends
    plain = client.post(url, data='{"a": 1}', headers={"Content-Type": "text/plain"})
    foreign = client.post(url, json={}, headers={"Origin": "http://evil.example"})
    own = client.post(url, json={}, headers={"Origin": ORIGIN})
    assert [(r.status_code, error_code(r)) for r in (form, plain, foreign)] == [(403, "csrf_failed")] * 3
    assert (own.status_code, error_code(own)) == (404, "unknown_counter")  # allowed: the counter is not there
    assert client.get("/api/v1/counters/1/queue").status_code == 200  # reading needs no JSON
