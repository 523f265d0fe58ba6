"""Assertions shared by the integration tests."""
from __future__ import annotations

from typing import Any

import requests

from .server import LiveServer

VOLATILE = ("server_time",)


def error_of(resp: requests.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert a contract error: the status, JSON `{"error": {"code", "message"}}`, the code."""
    assert resp.status_code == status, (
        f"{resp.request.method} {resp.request.path_url}: expected {status}, got {resp.status_code}: {resp.text[:400]}")
    assert resp.headers.get("Content-Type", "").startswith("application/json"), (
        f"{resp.request.path_url}: error is not JSON ({resp.headers.get('Content-Type')}): {resp.text[:200]}")
    body = resp.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"not an error body: {body}"
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"], f"error without a code: {body}"
    assert err["code"].replace("_", "").isalnum() and err["code"] == err["code"].lower(), (
        f"error code is not snake_case: {err['code']!r}")
    assert isinstance(err.get("message"), str) and err["message"].strip(), f"error without a message: {body}"
    if code is not None:
        assert err["code"] == code, f"expected error code {code!r}, got {err['code']!r} ({err['message']})"
    return err


def comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without the fields that change with the clock alone."""
    return {k: v for k, v in snapshot.items() if k not in VOLATILE}


def hall_digest(server: LiveServer) -> dict[str, Any]:
    """What a rejected request must not change: seq, waiting per service, each counter.

    Waiting counts and counters come from /services and /counters, which read the
    database on every call, so a change made without a seq bump shows too.
    """
    services, counters = server.get("services"), server.get("counters")
    assert services.status_code == counters.status_code == 200, (services.text[:200], counters.text[:200])
    return {
        "seq": server.state()["seq"],
        "waiting": {s["code"]: s["waiting"] for s in services.json()},
        "counters": {c["number"]: (c["status"], (c["current"] or {}).get("number"),
                                   (c["current"] or {}).get("status")) for c in counters.json()},
    }
