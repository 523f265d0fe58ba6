"""The landing page at `/` and the demo config a newcomer starts with."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from server.app import create_app
from server.config import load_config
from server.queueing.engine import Engine
from tests.conftest import ROOT, demo_config_data

STATIONS = ["/kiosk", "/display", "/counter", "/admin", "/admin/reports", "/admin/people", "/book", "/api/v1/openapi.json"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("home")
    (folder / "config.yaml").write_text(yaml.safe_dump(demo_config_data(async_mode="threading")), encoding="utf-8")
    return create_app(folder / "config.yaml", {"ASYNC_MODE": "threading"}).test_client()


def test_root_is_a_landing_page_linking_every_station(client):
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    links = set(re.findall(r'href="([^"#]+)"', html))
    for path in STATIONS:
        assert path in links, f"{path} is not linked from /"
    counters = [c["number"] for c in demo_config_data()["counters"]]
    for n in counters:  # every counter's screen and rating tablet
        assert f"/display/counter/{n}" in links and f"/rating/{n}" in links
    assert "hallq device add" in html and "#token=" in html  # how to pair a device
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_pairing_addresses_use_the_address_the_page_was_opened_at(client):
    html = client.get("/", base_url="http://192.168.1.20:5000").get_data(as_text=True)
    assert "http://192.168.1.20:5000/kiosk#token=" in html
    assert 'id="loopback"' not in html  # opened over the LAN: no warning
    local = client.get("/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert 'id="loopback"' in local  # opened on the server itself: say how to serve the LAN


def test_the_demo_takes_tickets_at_night(tmp_path):
    """A newcomer running the first README command at 22:00 can take a ticket."""
    config = load_config(ROOT / "config.yaml")
    assert config.center.enforce_hours is False
    night = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)  # 22:00 in Hanoi
    from server.storage import Database

    db = Database(f"sqlite:///{tmp_path / 'hall.db'}", synchronous="normal")
    db.migrate()
    out = db.write(lambda s: Engine(config).issue(s, service="DD", actor="device:k", now=night))
    assert out.ticket.number == "1001"


def test_a_center_that_enforces_hours_is_closed_at_night(tmp_path):
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["center"]["enforce_hours"] = True
    from server.config import parse_config
    from server.queueing.errors import Conflict
    from server.storage import Database

    config = parse_config(data)
    db = Database(f"sqlite:///{tmp_path / 'hall.db'}", synchronous="normal")
    db.migrate()
    night = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
    with pytest.raises(Conflict) as err:
        db.write(lambda s: Engine(config).issue(s, service="DD", actor="device:k", now=night))
    assert err.value.code == "service_closed"
