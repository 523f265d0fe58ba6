"""Devices: any name can be registered and revoked, through the API and the CLI under the same
rules, and a revoked token stops at once (the hall in this process; the CLI is the real command)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, insert

from server.auth import token_hash
from server.records import Device
from tests.support.app import InProcessHall
from tests.support.hall import hall_config


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[tuple[InProcessHall, str]]:
    def printers(data):
        data["printers"] = {"may-in-sanh-a": {"url": "dummy://"}}

    with InProcessHall(tmp_path_factory.mktemp("devices"), hall_config(edit=printers)) as server:
        yield server, server.auth.admin("root")


def revoke_url(name: str) -> str:
    return f"devices/{quote(name, safe='')}/revoke"  # as the admin page sends it (encodeURIComponent)


@pytest.mark.parametrize("name", ["a/b", "Kiosk tầng 1/2 – sảnh A", "tầng 1/2/"])
def test_any_name_is_added_used_and_revoked_through_the_api(hall, name):
    server, admin = hall
    resp = server.post("devices", {"name": name, "kind": "kiosk", "printer": "dummy://"}, token=admin)
    assert resp.status_code == 201, resp.text
    token = resp.json()["token"]
    me = server.get("me", token=token)
    assert me.status_code == 200 and me.json()["name"] == name  # ...and now in this process's cache
    assert server.post("tickets", {"service": "DD"}, token=token).status_code == 201
    resp = server.post(revoke_url(name), token=admin)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"name": name, "revoked": True}
    # At once, although the principal cache would have kept it for PRINCIPAL_CACHE_S.
    assert server.get("me", token=token).status_code == 401
    assert server.post("tickets", {"service": "DD"}, token=token).status_code == 401
    listed = next(d for d in server.get("devices", token=admin).json() if d["name"] == name)
    assert listed["revoked"] is True
    assert server.post(revoke_url(name), token=admin).status_code == 404  # once


def test_names_are_trimmed_and_bad_ones_refused(hall):
    server, admin = hall
    resp = server.post("devices", {"name": "  màn hình tầng 2  ", "kind": "display"}, token=admin)
    assert resp.status_code == 201 and resp.json()["name"] == "màn hình tầng 2"
    before = server.get("devices", token=admin).json()
    for name in ("   ", "hai\ndòng", "tab\there", "x" * 65, "\u200b", "..", 7):
        resp = server.post("devices", {"name": name, "kind": "display"}, token=admin)
        assert resp.status_code == 422, (name, resp.text)
        assert resp.json()["error"]["code"] == "invalid_device_name"
    resp = server.post("devices", {"name": "", "kind": "display"}, token=admin)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "missing_field"
    assert server.get("devices", token=admin).json() == before  # nothing changed


@pytest.mark.parametrize("body, code", [
    ({"name": "tv-may-in", "kind": "display", "printer": "dummy://"}, "printer_kiosk_only"),
    ({"name": "r-may-in", "kind": "rating", "printer": "may-in-sanh-a"}, "printer_kiosk_only"),
    ({"name": "k-gopher", "kind": "kiosk", "printer": "gopher://x"}, "invalid_device_printer"),
    ({"name": "k-http", "kind": "kiosk", "printer": "http://192.168.1.50/print"}, "invalid_device_printer"),
    ({"name": "tv-agent", "kind": "display", "printer": "agent"}, "printer_kiosk_only"),
    ({"name": "k-port", "kind": "kiosk", "printer": "tcp://192.168.1.50:nine"}, "invalid_device_printer"),
    ({"name": "k-list", "kind": "kiosk", "printer": ["dummy://"]}, "invalid_device_printer"),
])
def test_printer_rules(hall, body, code):
    server, admin = hall
    resp = server.post("devices", body, token=admin, headers={"Accept-Language": "en"})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == code and "printer" in error["message"].lower()
    assert all(d["name"] != body["name"] for d in server.get("devices", token=admin).json())


def test_a_printer_name_from_config(hall):
    server, admin = hall
    resp = server.post("devices", {"name": "k-sanh-a", "kind": "kiosk", "printer": "may-in-sanh-a"}, token=admin)
    assert resp.status_code == 201 and resp.json()["printer"] == "may-in-sanh-a"


@pytest.mark.slow  # seven `hallq` processes
def test_the_cli_follows_the_same_rules(hall):
    server, admin = hall
    for args, words in ((["kiosk\ntầng 1", "--kind", "kiosk"], "device name"),
                        (["   ", "--kind", "kiosk"], "device name"),
                        (["tv-cli", "--kind", "display", "--printer", "dummy://"], "only kiosks"),
                        (["k-cli", "--kind", "kiosk", "--printer", "gopher://x"], "invalid printer"),
                        (["tv-agent", "--kind", "display", "--printer", "agent"], "only kiosks")):
        proc = server.cli("device", "add", *args, check=False)
        assert proc.returncode == 1, proc
        assert len(proc.stderr.strip().splitlines()) == 1 and words in proc.stderr.lower(), proc.stderr
    agent = server.cli("device", "add", "k-cli-agent", "--kind", "kiosk", "--printer", "agent").stdout
    assert agent.strip().splitlines()[-1].startswith("hqd_")  # a kiosk whose printer `hallq agent` drives
    token = server.cli("device", "add", "Kiosk sảnh B tầng 1/2", "--kind", "kiosk", "--printer", "dummy://"
                       ).stdout.strip().splitlines()[-1]
    assert server.get("me", token=token).status_code == 200
    assert server.post(revoke_url("Kiosk sảnh B tầng 1/2"), token=admin).status_code == 200
    assert server.get("me", token=token).status_code == 401
    listing = server.cli("device", "list").stdout
    assert "Kiosk sảnh B tầng 1/2\tkiosk\trevoked" in listing
    actions = [(a["action"], a["target"]) for a in server.get("audit", token=admin).json()]
    assert ("device_added", "Kiosk sảnh B tầng 1/2") in actions


def test_a_device_named_before_the_rules_can_still_be_revoked(hall):
    """A row from before these rules (a line break in its name) is revoked through the URL too."""
    server, admin = hall
    token = "hqd_legacy-token-with-a-line-break-in-its-name"
    engine = create_engine(f"sqlite:///{server.sqlite_path}")
    with engine.begin() as conn:
        conn.execute(insert(Device).values(name="/cũ\ntầng 3", kind="display", token_hash=token_hash(token),
                                           created_at=datetime.now(timezone.utc)))
    engine.dispose()
    assert server.get("me", token=token).status_code == 200
    assert server.post(revoke_url("/cũ\ntầng 3"), token=admin).status_code == 200
    assert server.get("me", token=token).status_code == 401
