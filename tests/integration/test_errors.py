"""Every error in the contract's table: its status, a JSON error with a stable code, nothing changed."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Callable, Iterator

import pytest

from tests.support.app import InProcessHall
from tests.support.checks import error_of, hall_digest
from tests.support.hall import closed_hours, hall_config, service


@pytest.fixture(scope="module")
def h(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """A hall with a service capped at 2 a day, one closed now, and kiosks limited to 3 a minute."""
    config = hall_config(
        server={"kiosk_tickets_per_minute": 3},  # a burst of one ticket, then 429
        services=[service("CAP", numbers="7001-7999", daily_cap=2),
                  service("SHUT", numbers="8001-8999", hours=closed_hours())],
    )
    with InProcessHall(tmp_path_factory.mktemp("errors"), config) as server:
        yield _hall(server)


def _hall(server: InProcessHall) -> SimpleNamespace:
    made = server.auth.make(staff=["staff"], supervisor=["boss"], kiosk=["kiosk", "busy-kiosk"],
                             display=["tv"], rating=["tablet"])
    h = SimpleNamespace(server=server, staff=made["staff"]["staff"], boss=made["supervisor"]["boss"],
                        kiosk=made["kiosk"]["kiosk"], busy_kiosk=made["kiosk"]["busy-kiosk"],
                        display=made["display"]["tv"], rating=made["rating"]["tablet"])
    # A finished ticket to rate, and the CAP service at its cap.
    ticket = issue(h, "TK")
    ok(h, "counters/10/call-next")
    ok(h, "counters/10/finish")
    h.finished = ticket
    rated = issue(h, "TK")
    ok(h, "counters/10/call-next")
    ok(h, "counters/10/finish")
    resp = h.server.post(f"tickets/{rated['token']}/rating", {"score": 4}, token=h.rating)
    assert resp.status_code == 201, resp.text
    h.rated = rated
    h.waiting = issue(h, "XD")  # stays waiting: nobody calls XD in this module
    issue(h, "CAP")
    issue(h, "CAP")
    return h


def issue(h, service: str, **extra) -> dict:
    resp = h.server.post("tickets", {"service": service, **extra}, token=h.staff)
    assert resp.status_code == 201, resp.text
    return resp.json()["ticket"]


def ok(h, path: str, body: dict | None = None) -> dict:
    resp = h.server.post(path, body, token=h.staff)
    assert resp.status_code == 200, f"{path}: {resp.status_code} {resp.text}"
    return resp.json()


def busy_counter_4(h) -> None:
    """Counter 4 holds a called ticket."""
    issue(h, "HT")
    ok(h, "counters/4/call-next")


def free_counter_4(h) -> None:
    ok(h, "counters/4/finish")


def pause_counter_6(h) -> None:
    ok(h, "counters/6/pause", {"reason": "break"})


def resume_counter_6(h) -> None:
    ok(h, "counters/6/resume")


def empty_dkkd(h) -> None:
    """Nothing waits for counter 5 (DKKD only)."""
    while h.server.post("counters/5/call-next", token=h.staff).status_code == 200:
        ok(h, "counters/5/finish")


JSON = {"Content-Type": "application/json"}

# (id, status, code, the request, setup before, clean-up after)
CASES: list[tuple[str, int, str, Callable, Callable | None, Callable | None]] = [
    ("malformed-json", 400, "malformed_request",
     lambda h: h.server.post("tickets", data='{"service": "HT"', headers=JSON, token=h.staff), None, None),
    ("json-not-an-object", 400, "malformed_request",
     lambda h: h.server.post("tickets", ["HT"], token=h.staff), None, None),
    ("malformed-json-transfer", 400, "malformed_request",
     lambda h: h.server.post("counters/4/transfer", data="{service:", headers=JSON, token=h.staff),
     busy_counter_4, free_counter_4),
    ("no-token", 401, "unauthenticated", lambda h: h.server.post("tickets", {"service": "HT"}), None, None),
    ("bad-token", 401, "unauthenticated",
     lambda h: h.server.post("tickets", {"service": "HT"}, token="hqd_not-a-real-token"), None, None),
    ("not-bearer", 401, "unauthenticated",
     lambda h: h.server.post("counters/1/call-next", headers={"Authorization": "Basic c3RhZmY6eA=="}), None, None),
    ("no-token-call", 401, "unauthenticated", lambda h: h.server.post("counters/1/call-next"), None, None),
    ("no-token-stats", 401, "unauthenticated", lambda h: h.server.get("stats"), None, None),
    ("wrong-password", 401, "invalid_credentials",
     lambda h: h.server.post("login", {"username": "staff", "password": "not the password"}), None, None),
    ("kiosk-calls", 403, "forbidden", lambda h: h.server.post("counters/1/call-next", token=h.kiosk), None, None),
    ("staff-reads-stats", 403, "forbidden", lambda h: h.server.get("stats", token=h.staff), None, None),
    ("staff-reads-report", 403, "forbidden", lambda h: h.server.get("reports/tickets.csv", token=h.staff),
     None, None),
    ("staff-reads-printers", 403, "forbidden", lambda h: h.server.get("printers", token=h.staff), None, None),
    ("display-issues", 403, "forbidden",
     lambda h: h.server.post("tickets", {"service": "HT"}, token=h.display), None, None),
    ("staff-rates", 403, "forbidden",
     lambda h: h.server.post(f"tickets/{h.finished['token']}/rating", {"score": 4}, token=h.staff), None, None),
    ("unknown-counter", 404, "unknown_counter",
     lambda h: h.server.post("counters/99/call-next", token=h.staff), None, None),
    ("unknown-service", 404, "unknown_service",
     lambda h: h.server.post("tickets", {"service": "NOPE"}, token=h.staff), None, None),
    ("transfer-unknown-service", 404, "unknown_service",
     lambda h: h.server.post("counters/4/transfer", {"service": "NOPE"}, token=h.staff),
     busy_counter_4, free_counter_4),
    ("queue-empty", 404, "queue_empty", lambda h: h.server.post("counters/5/call-next", token=h.staff),
     empty_dkkd, None),
    ("unknown-ticket", 404, "not_found", lambda h: h.server.get("tickets/no-such-token"), None, None),
    ("rate-unknown-ticket", 404, "not_found",
     lambda h: h.server.post("tickets/no-such-token/rating", {"score": 3}, token=h.rating), None, None),
    ("counter-busy", 409, "counter_busy", lambda h: h.server.post("counters/4/call-next", token=h.staff),
     busy_counter_4, free_counter_4),
    ("finish-nothing", 409, "no_current_ticket", lambda h: h.server.post("counters/1/finish", token=h.staff),
     None, None),
    ("start-nothing", 409, "no_current_ticket", lambda h: h.server.post("counters/1/start", token=h.staff),
     None, None),
    ("no-show-nothing", 409, "no_current_ticket", lambda h: h.server.post("counters/1/no-show", token=h.staff),
     None, None),
    ("recall-nothing", 409, "no_current_ticket", lambda h: h.server.post("counters/1/recall", token=h.staff),
     None, None),
    ("transfer-nothing", 409, "no_current_ticket",
     lambda h: h.server.post("counters/1/transfer", {"service": "HT"}, token=h.staff), None, None),
    ("call-while-paused", 409, "counter_paused", lambda h: h.server.post("counters/6/call-next", token=h.staff),
     pause_counter_6, resume_counter_6),
    ("pause-twice", 409, "counter_paused", lambda h: h.server.post("counters/6/pause", token=h.staff),
     pause_counter_6, resume_counter_6),
    ("resume-open-counter", 409, "counter_not_paused",
     lambda h: h.server.post("counters/4/resume", token=h.staff), busy_counter_4, free_counter_4),
    ("rate-unfinished", 409, "ticket_not_finished",
     lambda h: h.server.post(f"tickets/{h.waiting['token']}/rating", {"score": 4}, token=h.rating), None, None),
    ("rate-twice", 409, "already_rated",
     lambda h: h.server.post(f"tickets/{h.rated['token']}/rating", {"score": 1}, token=h.rating), None, None),
    ("daily-cap", 409, "daily_cap_reached",
     lambda h: h.server.post("tickets", {"service": "CAP"}, token=h.staff), None, None),
    ("service-closed", 409, "service_closed",
     lambda h: h.server.post("tickets", {"service": "SHUT"}, token=h.staff), None, None),
    ("score-too-high", 422, "invalid_value",
     lambda h: h.server.post(f"tickets/{h.finished['token']}/rating", {"score": 7}, token=h.rating), None, None),
    ("score-zero", 422, "invalid_value",
     lambda h: h.server.post(f"tickets/{h.finished['token']}/rating", {"score": 0}, token=h.rating), None, None),
    ("score-as-text", 422, "invalid_value",
     lambda h: h.server.post(f"tickets/{h.finished['token']}/rating", {"score": "4"}, token=h.rating),
     None, None),
    ("priority-forbidden", 422, "priority_not_allowed",
     lambda h: h.server.post("tickets", {"service": "DKKD", "priority": True}, token=h.staff), None, None),
    ("transfer-same-service", 422, "same_service",
     lambda h: h.server.post("counters/4/transfer", {"service": "HT"}, token=h.staff),
     busy_counter_4, free_counter_4),
    ("bad-lang", 422, "invalid_value",
     lambda h: h.server.post("tickets", {"service": "HT", "lang": "fr"}, token=h.staff), None, None),
    ("bad-priority", 422, "invalid_value",
     lambda h: h.server.post("tickets", {"service": "HT", "priority": "vip"}, token=h.staff), None, None),
    ("stats-bad-dates", 422, "invalid_value",
     lambda h: h.server.get("stats?from=2026-13-01&to=2026-01-01", token=h.boss), None, None),
    ("login-without-password", 422, "missing_field",
     lambda h: h.server.post("login", {"username": "staff"}), None, None),
    ("missing-service", 422, "missing_field", lambda h: h.server.post("tickets", {}, token=h.staff), None, None),
    ("kiosk-rate-limit", 429, "rate_limited",
     lambda h: h.server.post("tickets", {"service": "HT"}, token=h.busy_kiosk),
     lambda h: h.server.post("tickets", {"service": "HT"}, token=h.busy_kiosk).raise_for_status(), None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_error_is_json_with_a_stable_code_and_changes_nothing(h, case):
    _, status, code, request, setup, cleanup = case
    if setup:
        setup(h)
    before = hall_digest(h.server)
    resp = request(h)
    after = hall_digest(h.server)
    try:
        error_of(resp, status, code)
        assert after == before, f"a rejected request changed the hall: {before} -> {after}"
    finally:
        if cleanup:
            cleanup(h)


def test_the_same_code_in_english(h):
    """The code is stable; only the message follows Accept-Language."""
    vi = error_of(h.server.post("counters/99/call-next", token=h.staff), 404, "unknown_counter")
    en = error_of(h.server.post("counters/99/call-next", token=h.staff, headers={"Accept-Language": "en"}),
                  404, "unknown_counter")
    assert vi["message"] != en["message"]
