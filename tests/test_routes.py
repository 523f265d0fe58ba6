"""Every API view declares who may call it, as the contract's "who" column says."""
from __future__ import annotations

import pytest
import yaml

from server.app import create_app
from tests.conftest import demo_config_data

# (method, rule) -> (role, devices, anonymous), straight from the contract's table.
CONTRACT = {
    ("GET", "/api/v1/services"): (None, (), True),
    ("GET", "/api/v1/counters"): (None, (), True),
    ("GET", "/api/v1/state"): (None, (), True),
    ("POST", "/api/v1/tickets"): ("staff", ("kiosk",), False),
    ("GET", "/api/v1/tickets/<token>"): (None, (), True),
    ("POST", "/api/v1/counters/<int:n>/call-next"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/recall"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/start"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/finish"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/no-show"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/transfer"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/pause"): ("staff", (), False),
    ("POST", "/api/v1/counters/<int:n>/resume"): ("staff", (), False),
    ("POST", "/api/v1/tickets/<token>/rating"): (None, ("rating",), True),
    ("GET", "/api/v1/printers"): ("supervisor", (), False),
    ("POST", "/api/v1/tickets/<token>/reprint"): ("staff", ("kiosk",), False),
    ("GET", "/api/v1/stats"): ("supervisor", (), False),
    ("GET", "/api/v1/reports/tickets.csv"): ("supervisor", (), False),
    ("GET", "/api/v1/display-settings"): (None, ("display",), True),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routes")
    (folder / "config.yaml").write_text(yaml.safe_dump(demo_config_data(async_mode="threading")), encoding="utf-8")
    return create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"})


def guards(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield (method, rule.rule), getattr(view, "allowed", None)


def test_every_api_view_checks_a_role(app):
    unguarded = [key for key, allowed in guards(app) if allowed is None]
    assert unguarded == []


@pytest.mark.parametrize("key", sorted(CONTRACT))
def test_who_matches_the_contract(app, key):
    found = dict(guards(app))
    assert key in found, f"{key} is not served"
    allowed = found[key]
    assert (allowed["role"], tuple(allowed["devices"]), allowed["anonymous"]) == CONTRACT[key]
