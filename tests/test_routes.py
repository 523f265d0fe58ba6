"""The OpenAPI document is generated from the app itself: valid, complete, and true to real answers.

In process (Flask's test client over the real app and database): the document is served by
the app at /api/v1/openapi.json; what is checked is that it says what the server does.
"""
from __future__ import annotations

from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel

from server import auth
from server.api import schemas_answers as answers
from server.api.openapi import path_of
from server.app import create_app
from server.queueing.clock import utcnow
from tests.conftest import demo_config_data

PASSWORD = "correct horse 2024"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routes")
    data = demo_config_data(async_mode="threading", login_attempts_per_minute=1000)
    (folder / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    app = create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})
    db = app.extensions["hallq"].db
    db.write(lambda s: auth.add_user(s, "boss", "admin", PASSWORD, utcnow()))
    app.config["kiosk-token"] = db.write(lambda s: auth.add_device(s, auth.NewDevice("kiosk-r", "kiosk", "dummy://"),
                                                                   utcnow()))
    return app


@pytest.fixture(scope="module")
def doc(app) -> dict[str, Any]:
    resp = app.test_client().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


@pytest.fixture(scope="module")
def admin(app) -> dict[str, str]:
    resp = app.test_client().post("/api/v1/login", json={"username": "boss", "password": PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def api_routes(app) -> list[tuple[str, str, Any]]:
    return sorted(((method, rule.rule, app.view_functions[rule.endpoint]) for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}),
                  key=lambda r: r[:2])


def test_the_document_is_valid_openapi_3_1(doc):
    validate(doc)  # openapi-spec-validator: raises on anything OpenAPI 3.1 does not allow
    assert doc["openapi"].startswith("3.1")


def test_every_api_view_declares_who_may_call_it(app):
    unguarded = [(method, rule) for method, rule, view in api_routes(app) if getattr(view, "allowed", None) is None]
    assert unguarded == []


def test_every_api_route_is_in_the_document_with_its_access_rule(app, doc):
    wrong = []
    for method, rule, view in api_routes(app):
        op = doc["paths"].get(path_of(rule), {}).get(method.lower())
        if op is None:
            wrong.append(f"{method} {rule}: not in the document")
            continue
        rule_of_view = view.allowed
        if op["x-hallq-allow"] != {"role": rule_of_view.role, "devices": list(rule_of_view.devices),
                                   "anonymous": rule_of_view.anonymous, "public": rule_of_view.public,
                                   "sites": rule_of_view.sites}:
            wrong.append(f"{method} {rule}: {op['x-hallq-allow']} but the view says {rule_of_view}")
        tokenless = rule_of_view.public or rule_of_view.anonymous
        if ({} in op["security"]) != tokenless:
            wrong.append(f"{method} {rule}: security {op['security']}")
        if f"Who: {rule_of_view.who()}." not in op["description"]:
            wrong.append(f"{method} {rule}: the description does not say who")
    assert wrong == []
    served = {(m.lower(), path_of(r)) for m, r, _ in api_routes(app)}
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == served  # and nothing the app does not serve


def test_the_document_says_who_in_the_contracts_words(doc):
    assert doc["paths"]["/tickets"]["post"]["description"].startswith("Who: kiosk device, staff and up.")
    assert doc["paths"]["/printers"]["get"]["description"].startswith("Who: supervisor and up.")
    assert doc["paths"]["/services"]["get"]["description"].startswith("Who: anyone.")


def schema_of(doc: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    name = ref["$ref"].rsplit("/", 1)[1]
    return doc["components"]["schemas"][name]


def test_transfer_reads_a_service_or_a_counter(doc):
    body = doc["paths"]["/counters/{n}/transfer"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    props = schema_of(doc, body)["properties"]
    assert set(props) == {"service", "counter"}
    assert {"type": "integer"} in props["counter"]["anyOf"]


def test_request_bodies_and_queries_come_from_the_models(doc):
    issue = schema_of(doc, doc["paths"]["/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    assert "required" not in issue  # a service, or an appointment's code to check in (one of the two)
    assert set(issue["properties"]) == {"service", "appointment", "priority", "lang", "idempotency_key"}
    rating = schema_of(doc, doc["paths"]["/tickets/{token}/rating"]["post"]["requestBody"]["content"][
        "application/json"]["schema"])
    assert rating["properties"]["score"]["minimum"] == 1 and rating["properties"]["score"]["maximum"] == 4
    stats = {p["name"]: p for p in doc["paths"]["/stats"]["get"]["parameters"]}
    assert stats["from"]["in"] == "query" and stats["from"]["schema"] == {"format": "date", "type": "string"}
    assert [p["name"] for p in doc["paths"]["/counters/{n}/call-next"]["post"]["parameters"]] == ["n"]


def test_every_json_answer_has_a_model(doc):
    """A view without `@answers(Model)` would be documented as a bare object that no test checks."""
    bare = [f"{method.upper()} {path}" for path, ops in doc["paths"].items() for method, op in ops.items()
            for status, answer in op["responses"].items() if status != "default"
            and answer["content"].get("application/json", {}).get("schema") == {"type": "object"}]
    assert bare == ["GET /openapi.json"]  # the document itself: OpenAPI's own schema describes it


# -- the answer models against real answers ---------------------------------------------------


def undocumented(value: Any, where: str = "") -> list[str]:
    """Fields of a validated answer that its model does not list (so the document would not show them)."""
    if isinstance(value, BaseModel):
        found = [f"{where}.{k}" for k in (value.model_extra or {})]
        for name in type(value).model_fields:
            found += undocumented(getattr(value, name), f"{where}.{name}")
        return found
    if isinstance(value, list):
        return [f for item in value for f in undocumented(item, f"{where}[]")]
    if isinstance(value, dict):  # a map of models: services by code, counters by number
        return [f for key, item in value.items() for f in undocumented(item, f"{where}[{key}]")]
    return []


def check(doc: dict[str, Any], method: str, path: str, resp) -> Any:
    """The real answer against the document's schema for it (jsonschema), and against its model (pydantic)."""
    op = doc["paths"][path][method]
    status = str(resp.status_code)
    assert status in op["responses"], f"{method} {path}: answered {status}, documented {list(op['responses'])}"
    schema = op["responses"][status]["content"]["application/json"]["schema"]
    body = resp.get_json()
    errors = sorted(Draft202012Validator({**schema, "components": doc["components"]}).iter_errors(body), key=str)
    assert errors == [], f"{method} {path}: " + "; ".join(e.message for e in errors[:5])
    return body


def check_model(model: Any, body: Any) -> None:
    items = body if isinstance(body, list) else [body]
    for item in items:
        parsed = model.model_validate(item)
        assert undocumented(parsed) == []


def test_answers_match_their_models(app, doc, admin):
    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {app.config['kiosk-token']}"}
    issued = check(doc, "post", "/tickets", client.post("/api/v1/tickets", json={"service": "DD"}, headers=kiosk))
    check_model(answers.TicketIssued, issued)
    assert issued["print"]["status"] == "queued" and issued["ticket"]["token"]
    token = issued["ticket"]["token"]
    check_model(answers.TicketIssued, check(doc, "get", "/tickets/{token}", client.get(f"/api/v1/tickets/{token}")))

    check(doc, "post", "/counters/{n}/take", client.post("/api/v1/counters/1/take", headers=admin))
    called = check(doc, "post", "/counters/{n}/call-next", client.post("/api/v1/counters/1/call-next", headers=admin))
    check_model(answers.CounterAction, called)
    assert called["ticket"]["status"] == "called" and called["counter"]["current"]["number"] == called["ticket"]["number"]

    for path in ("/services", "/counters", "/state"):
        check(doc, "get", path, client.get(f"/api/v1{path}"))  # anonymous: the public view
    check_model(answers.Snapshot, check(doc, "get", "/state", client.get("/api/v1/state", headers=admin)))
    check_model(answers.Counter, check(doc, "get", "/counters", client.get("/api/v1/counters", headers=admin)))
    check_model(answers.Service, check(doc, "get", "/services", client.get("/api/v1/services")))

    check_model(answers.Me, check(doc, "get", "/me", client.get("/api/v1/me", headers=admin)))
    check_model(answers.Me, check(doc, "get", "/me", client.get("/api/v1/me", headers=kiosk)))
    check_model(answers.User, check(doc, "get", "/users", client.get("/api/v1/users", headers=admin)))
    check_model(answers.Device, check(doc, "get", "/devices", client.get("/api/v1/devices", headers=admin)))
    check_model(answers.Printer, check(doc, "get", "/printers", client.get("/api/v1/printers", headers=admin)))
    added = client.post("/api/v1/devices", json={"name": "tablet-r", "kind": "rating"}, headers=admin)
    check_model(answers.DeviceAdded, check(doc, "post", "/devices", added))
    tablet = {"Authorization": f"Bearer {added.get_json()['token']}"}

    check_model(answers.CounterQueue, check(doc, "get", "/counters/{n}/queue",
                                            client.get("/api/v1/counters/1/queue", headers=admin)))
    check(doc, "post", "/counters/{n}/finish", client.post("/api/v1/counters/1/finish", headers=admin))
    target = check(doc, "get", "/counters/{n}/rating", client.get("/api/v1/counters/1/rating", headers=tablet))
    check_model(answers.RatingTarget, target)
    assert target["ticket"]["number"] == called["ticket"]["number"]
    rated = client.post("/api/v1/counters/1/rating", json={"score": 4}, headers=tablet)
    check_model(answers.RatingAnswer, check(doc, "post", "/counters/{n}/rating", rated))
    check_model(answers.ConsoleSettings, check(doc, "get", "/console-settings",
                                               client.get("/api/v1/console-settings", headers=admin)))
    check_model(answers.KioskSettings, check(doc, "get", "/kiosk-settings", client.get("/api/v1/kiosk-settings")))
    check_model(answers.AuditEntry, check(doc, "get", "/audit", client.get("/api/v1/audit", headers=admin)))


def test_the_supervisors_reads_and_the_boards_settings_match_their_models(in_process):
    """A served, rated, transferred and overdue day in the hall's clock: every part of the answers has data."""
    hall = in_process()
    boss = hall.admin()  # reads as a supervisor would, and serves at counter 5 (each login costs a hash)
    lan = hall.person("lan", "staff", "Trần Thị Lan")
    kiosk = hall.device("k1", "kiosk", "dummy://")
    hall.device("k2", "kiosk", "agent")  # no agent connected: the dashboard alerts it
    for service in ("DD", "DKKD", "HT", "XD", "DD", "DKKD"):
        hall.ok("POST", "tickets", 201, token=kiosk, json={"service": service})
    for n, person in ((1, lan), (5, boss)):
        hall.ok("POST", f"counters/{n}/take", token=person)
    hall.later(seconds=200)
    hall.ok("POST", "counters/1/call-next", token=lan)
    hall.ok("POST", "counters/1/start", token=lan)
    hall.later(seconds=300)
    hall.ok("POST", "counters/1/finish", token=lan)
    hall.ok("POST", "counters/1/rating", 201, token=hall.device("r1", "rating"),
            json={"score": 1, "reason": "long_wait", "comment": "Chờ lâu quá"})
    hall.ok("POST", "counters/5/call-next", token=boss)
    hall.ok("POST", "counters/5/finish", token=boss)
    hall.ok("POST", "counters/5/rating", 201, token=hall.device("r5", "rating"), json={"score": 4, "comment": "Rất tốt"})
    hall.ok("POST", "counters/1/call-next", token=lan)
    hall.ok("POST", "counters/1/transfer", token=lan, json={"counter": 6})  # counter 6 is closed
    hall.ok("POST", "counters/1/pause", token=lan, json={"reason": "meeting"})
    hall.ok("POST", "counters/5/call-next", token=boss)
    hall.later(seconds=2000)  # past the 30-minute target
    doc = hall.ok("GET", "openapi.json")

    def read(path: str, model: type[BaseModel], token: str | None = None) -> Any:
        body = check(doc, "get", path, hall.call("GET", path.lstrip("/"), token=token))
        check_model(model, body)
        return body

    dash = read("/dashboard", answers.Dashboard, boss)
    assert {a["kind"] for a in dash["alerts"]} == {"wait_over_target", "sent_to_closed_counter", "printer_agent_offline"}
    by_number = {c["number"]: c for c in dash["counters"]}
    assert by_number[1]["status"] == "paused" and by_number[5]["current"]["status"] == "called"
    assert dash["today"]["rating_mean"] == 2.5 and dash["pause_reasons"]["meeting"]["vi"]

    stats = read("/stats", answers.Stats, boss)
    assert stats["total"]["rating"]["by_score"] == {"1": 1, "2": 0, "3": 0, "4": 1}
    assert stats["counters"]["5"]["served"] == 1 and stats["staff"]["lan"]["full_name"] == "Trần Thị Lan"

    ratings = read("/reports/ratings", answers.RatingReport, boss)
    assert [c["comment"] for c in ratings["comments"]["items"]] == ["Rất tốt", "Chờ lâu quá"]
    assert next(r for r in ratings["reasons"] if r["code"] == "long_wait")["count"] == 1

    board = read("/display-settings", answers.DisplaySettings, hall.device("tv-tang-2", "display"))
    assert board["paired"] and board["services"] == ["DD", "XD"] and board["counters"] == [1, 2, 6]
    anyone = read("/display-settings", answers.DisplaySettings)
    assert anyone["name"] is None and anyone["services"] is None and anyone["notice"]["vi"]


def test_errors_match_the_error_model(app, doc, admin):
    client = app.test_client()
    refused = client.post("/api/v1/tickets", json={"service": "DD", "priority": "vip"}, headers=admin)
    assert refused.status_code == 422
    body = check_error(doc, refused)
    assert (body["error"]["code"], body["error"]["field"]) == ("invalid_value", "priority")
    missing = check_error(doc, client.post("/api/v1/counters/1/call", json={}, headers=admin))
    assert (missing["error"]["code"], missing["error"]["field"]) == ("missing_field", "number")
    unknown = check_error(doc, client.post("/api/v1/counters/99/call-next", headers=admin))
    assert unknown["error"]["code"] == "unknown_counter" and "field" not in unknown["error"]


def check_error(doc: dict[str, Any], resp) -> dict[str, Any]:
    schema = doc["paths"]["/tickets"]["post"]["responses"]["default"]["content"]["application/json"]["schema"]
    body = resp.get_json()
    assert list(Draft202012Validator({**schema, "components": doc["components"]}).iter_errors(body)) == []
    check_model(answers.Error, body)
    return body
