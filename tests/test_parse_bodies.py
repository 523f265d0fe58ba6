"""Bad request bodies get a 4xx JSON error from one shared parser, on every endpoint, and change nothing.

In process (Flask's test client over the real app and database): what is checked here is the
API's own reading of bodies; the framing of chunked bodies is the server's, in
tests/integration/test_security_http.py.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from server import auth
from server.app import create_app
from server.queueing.clock import utcnow
from server.queueing.models import Base
from server.sites import add_site
from tests.conftest import demo_config_data

PASSWORD = "correct horse 2024"
LONE = "\\ud800"  # as it travels in JSON: a valid escape, but not a character on its own
FIELDS = ("service", "username", "password", "number", "comment", "reason", "name", "kind", "role", "printer",
          "idempotency_key", "lang", "priority")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bodies")
    data = demo_config_data(async_mode="threading", login_attempts_per_minute=1000)
    (folder / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    app = create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})
    db = app.extensions["hallq"].db
    db.write(lambda s: auth.add_user(s, "boss", "admin", PASSWORD, utcnow()))
    db.write(lambda s: auth.add_user(s, "clerk", "staff", PASSWORD, utcnow()))
    db.write(lambda s: auth.add_device(s, auth.NewDevice("kiosk-a", "kiosk", None), utcnow()))
    app.config["rating-token"] = db.write(lambda s: auth.add_device(s, auth.NewDevice("tablet-1", "rating", None), utcnow()))
    app.config["site-token"] = db.write(lambda s: add_site(s, "center-1", utcnow()))  # the upstream views' caller
    return app


@pytest.fixture(scope="module")
def admin(app) -> dict[str, str]:
    resp = app.test_client().post("/api/v1/login", json={"username": "boss", "password": PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


@pytest.fixture(scope="module")
def ticket(app, admin) -> str:
    """A waiting ticket, and counter 1 open: a call-next that ran would change the hall."""
    client = app.test_client()
    assert client.post("/api/v1/counters/1/take", json={}, headers=admin).status_code == 200
    resp = client.post("/api/v1/tickets", json={"service": "DD"}, headers=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()["ticket"]["token"]


@pytest.fixture(scope="module")
def routes(app, ticket, admin) -> list[tuple[str, str, dict[str, str]]]:
    """Every API route that takes a body, with its placeholders pointing at things that exist,
    and the credentials of someone it lets through (an admin; the rating tablet or a center's site token
    where only it may)."""
    args = {"<int:n>": "1", "<token>": ticket, "<username>": "clerk", "<name>": "kiosk-a"}
    tablet = {"Authorization": f"Bearer {app.config['rating-token']}"}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        allowed = app.view_functions[rule.endpoint].allowed
        site = {"Authorization": f"Bearer {app.config['site-token']}"}
        who = admin if allowed.role or allowed.public else site if allowed.sites else tablet
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            path = rule.rule
            for placeholder, value in args.items():
                path = path.replace(placeholder, value)
            found.append((method, path, who))
    paths = {(m, p) for m, p, _ in found}
    assert ("POST", "/api/v1/counters/1/call-next") in paths and ("PATCH", "/api/v1/users/clerk") in paths
    return sorted(found, key=lambda r: r[:2])


def everything(app) -> dict[str, list[Any]]:
    """Every row of every table: what "changes nothing" is checked against.

    Except when a device was last seen: bookkeeping of who called, not a change the call made.
    """
    def read(s):
        return {t.name: sorted(map(repr, s.execute(select(*(c for c in t.columns if c.name != "last_seen_at"))).all()))
                for t in Base.metadata.sorted_tables}
    return app.extensions["hallq"].db.read(read)


def nested(depth: int) -> str:
    return '{"service": ' + "[" * depth + "]" * depth + "}"


BODIES = {
    # a lone surrogate in every string field any endpoint reads
    "surrogate": ("{" + ", ".join(f'"{f}": "A{LONE}"' for f in FIELDS) + ', "score": 4}', 400, "invalid_text"),
    "surrogate_key": ('{"service": "DD", "x' + LONE + '": 1}', 400, "invalid_text"),
    "deep": (nested(40), 400, "json_too_deep"),
    "deeper_than_python": (nested(20000), 400, "json_too_deep"),
    "not_an_object": ('["service", "DD"]', 400, "malformed_request"),
    "nan": ('{"score": NaN}', 400, "malformed_request"),
}


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_every_endpoint_refuses_a_bad_body_and_changes_nothing(app, admin, routes, kind):
    raw, status, code = BODIES[kind]
    client = app.test_client()
    before = everything(app)
    wrong = []
    for method, path, who in routes:
        resp = client.open(path, method=method, data=raw.encode(), headers={**who, "Content-Type": "application/json"})
        got = (resp.get_json(silent=True) or {}).get("error", {}).get("code")
        if (resp.status_code, got) != (status, code):
            wrong.append(f"{method} {path}: {resp.status_code} {resp.get_data(as_text=True)[:120]}")
    assert wrong == []
    assert everything(app) == before


def test_a_body_that_is_not_json_is_refused_even_where_none_is_read(app, admin):
    client = app.test_client()
    before = everything(app)
    resp = client.post("/api/v1/counters/1/call-next", data="service=DD", headers=admin,
                       content_type="application/x-www-form-urlencoded")
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (400, "malformed_request")
    assert everything(app) == before


def test_who_may_call_is_checked_before_the_body(app):
    resp = app.test_client().post("/api/v1/counters/1/call-next", data="service=DD",
                                  content_type="application/x-www-form-urlencoded")
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (401, "unauthenticated")


def test_good_bodies_still_work(app, admin, ticket):
    client = app.test_client()
    assert client.post("/api/v1/counters/1/pause", json={"reason": "meeting"}, headers=admin).get_json()[
        "counter"]["pause_reason"] == "meeting"
    assert client.post("/api/v1/counters/1/resume", headers=admin).status_code == 200  # no body at all
    assert client.post("/api/v1/tickets", json={"service": "DD", "lang": "en"}, headers=admin).status_code == 201
    # Vietnamese is well-formed Unicode, of course
    resp = client.post(f"/api/v1/tickets/{ticket}/cancel", data=json.dumps({"note": "Người cao tuổi"}),
                       headers={**admin, "Content-Type": "application/json"})
    assert resp.status_code == 200


@pytest.mark.parametrize("query", ["from=9999-12-31", "from=0001-01-01", "to=9999-12-31&from=9999-12-30",
                                   "from=2026-01-01&to=9999-12-31"])
@pytest.mark.parametrize("path", ["stats", "reports/tickets.csv", "reports/tickets.xlsx", "reports/summary.xlsx"])
def test_report_dates_at_the_ends_of_the_calendar_are_refused(app, admin, path, query):
    resp = app.test_client().get(f"/api/v1/{path}?{query}", headers=admin)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert resp.get_json()["error"]["code"] == "invalid_value"


# -- fields: what each wrong value is answered, from the request models (server/api/schemas.py) --

FIELD_CASES = [
    # path, body, status, code, field
    ("tickets", {}, 422, "missing_field", "service"),
    ("tickets", {"service": None}, 422, "missing_field", "service"),
    ("tickets", {"service": ""}, 422, "missing_field", "service"),
    ("tickets", {"service": 7}, 422, "invalid_value", "service"),
    ("tickets", {"service": "D" * 17}, 422, "invalid_value", "service"),
    ("tickets", {"service": "DD", "priority": None}, 422, "invalid_value", "priority"),
    ("tickets", {"service": "DD", "priority": 1}, 422, "invalid_value", "priority"),
    ("tickets", {"service": "DD", "priority": "vip"}, 422, "invalid_value", "priority"),
    ("tickets", {"service": "DD", "lang": "fr"}, 422, "invalid_value", "lang"),
    ("tickets", {"service": "DD", "idempotency_key": ["k"]}, 422, "invalid_value", "idempotency_key"),
    ("counters/1/call", {"service": "DD"}, 422, "missing_field", "number"),
    ("counters/1/transfer", {"counter": True}, 422, "invalid_value", "counter"),
    ("counters/1/transfer", {"counter": "2"}, 422, "invalid_value", "counter"),
    ("counters/1/pause", {"reason": "nap"}, 422, "invalid_value", "reason"),
    ("users", {"username": "x", "password": "long enough pw"}, 422, "missing_field", "role"),
    ("users", {"username": "Nguyễn Văn", "role": "staff", "password": "long enough pw"}, 422, "invalid_username", None),
    ("users", {"username": "x1", "role": "staff", "password": "long enough pw", "full_name": 5}, 422,
     "invalid_full_name", "full_name"),
    ("users", {"username": "x1", "role": "staff", "password": "long enough pw", "counter": 99}, 422,
     "invalid_value", "counter"),
    ("devices", {"kind": "kiosk"}, 422, "missing_field", "name"),
    ("devices", {"name": 5, "kind": "kiosk"}, 422, "invalid_device_name", "name"),
    ("devices", {"name": "k9", "kind": "toaster"}, 422, "invalid_value", "kind"),
    ("devices", {"name": "k9", "kind": "kiosk", "printer": 5}, 422, "invalid_device_printer", "printer"),
    ("devices", {"name": "k9", "kind": "display", "printer": "dummy://"}, 422, "printer_kiosk_only", None),
]


@pytest.mark.parametrize("path,data,status,code,field", FIELD_CASES,
                         ids=[f"{c[0]}-{'-'.join(map(str, c[1].values())) or 'empty'}"[:60] for c in FIELD_CASES])
def test_a_wrong_field_gets_its_code_and_names_the_field(app, admin, path, data, status, code, field):
    before = everything(app)
    resp = app.test_client().post(f"/api/v1/{path}", json=data, headers=admin)
    error = (resp.get_json() or {}).get("error", {})
    assert (resp.status_code, error.get("code"), error.get("field")) == (status, code, field), error
    assert error["message"] and "{" not in error["message"]  # the catalog's text, filled in
    assert everything(app) == before


def test_a_wrong_rating_names_the_field(app, ticket):
    tablet = {"Authorization": f"Bearer {app.config['rating-token']}"}
    client = app.test_client()
    for data, code, field in [({}, "missing_field", "score"), ({"score": "4"}, "invalid_value", "score"),
                              ({"score": 4.0}, "invalid_value", "score"), ({"score": True}, "invalid_value", "score"),
                              ({"score": 5}, "invalid_value", "score"),
                              ({"score": 4, "comment": "x" * 1001}, "invalid_value", "comment")]:
        error = client.post(f"/api/v1/tickets/{ticket}/rating", json=data, headers=tablet).get_json()["error"]
        assert (error["code"], error["field"]) == (code, field), data
    amend = client.patch(f"/api/v1/tickets/{ticket}/rating", json={"score": None}, headers=tablet).get_json()["error"]
    assert (amend["code"], amend["field"]) == ("invalid_value", "score")  # left out keeps it; null is refused
    nothing = client.patch(f"/api/v1/tickets/{ticket}/rating", json={"other": 1}, headers=tablet).get_json()["error"]
    assert (nothing["code"], nothing["field"]) == ("missing_field", "score/reason/comment")


def test_unknown_fields_are_ignored(app, admin):
    resp = app.test_client().post("/api/v1/counters/1/pause", json={"reason": "meeting", "until": "noon"}, headers=admin)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert app.test_client().post("/api/v1/counters/1/resume", json={"why": 1}, headers=admin).status_code == 200


def test_messages_follow_the_language_and_name_the_field(app, admin):
    resp = app.test_client().post("/api/v1/tickets", json={"service": "DD", "lang": "fr"},
                                  headers={**admin, "Accept-Language": "en"})
    assert resp.get_json()["error"]["message"] == "Invalid value for lang (allowed: vi, en)."


@pytest.mark.parametrize("query,code,field", [("from=2026-13-01", "invalid_value", "from"),
                                              ("from=2026-01-01&to=yesterday", "invalid_value", "to"),
                                              ("lang=fr", "invalid_value", "lang")])
def test_a_wrong_query_names_the_field(app, admin, query, code, field):
    error = app.test_client().get(f"/api/v1/reports/tickets.csv?{query}", headers=admin).get_json()["error"]
    assert (error["code"], error.get("field")) == (code, field)


def test_paging_values_out_of_range_are_clamped_not_refused(app, admin):
    client = app.test_client()
    for query in ("limit=abc", "limit=0&offset=-5", "limit=100000", "offset=x"):
        assert client.get(f"/api/v1/reports/ratings?{query}", headers=admin).status_code == 200, query
        assert client.get(f"/api/v1/audit?{query}", headers=admin).status_code == 200, query
    assert len(client.get("/api/v1/audit?limit=0", headers=admin).get_json()) == 1
