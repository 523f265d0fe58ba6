"""Helpers for tests that print through a real `hallq serve`: issue, then wait for the job's outcome."""

from __future__ import annotations

import time
from typing import Any

from tests.printers.virtual_printer import PrinterModel

SETTLE_S = 30.0  # generous: a test waits for an outcome, it never times one


def issue(server, kiosk_token: str, service: str = "DD", **extra: Any) -> dict[str, Any]:
    """POST /tickets as a kiosk; return the whole 201 answer."""
    resp = server.post("tickets", {"service": service, **extra}, token=kiosk_token)
    assert resp.status_code == 201, f"issue: {resp.status_code} {resp.text[:300]}"
    return resp.json()


def settled_print(server, ticket_token: str, timeout: float = SETTLE_S) -> dict[str, Any]:
    """Ask the ticket until its print state is no longer `queued`; return that `print` body."""
    end = time.monotonic() + timeout
    while True:
        resp = server.get(f"tickets/{ticket_token}")
        assert resp.status_code == 200, resp.text[:300]
        body = resp.json()["print"]
        if body["status"] != "queued":
            return body
        assert time.monotonic() < end, f"ticket {ticket_token} still queued after {timeout:g} s"
        time.sleep(0.05)


def printed_text(model: PrinterModel) -> bytes:
    """Every plain text byte the virtual printer received (numbers print as text in bitmap mode)."""
    with model.lock:
        return b"".join(op.data for op in model.ops if op.name == "text")


def qr_codes(model: PrinterModel) -> list[bytes]:
    """The data of every QR code the printer stored, in order."""
    with model.lock:
        return [op.data for op in model.ops if op.name == "qr_store"]
