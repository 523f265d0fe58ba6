"""The kiosk station: the touch page where citizens take a ticket, and the phone status page."""
from __future__ import annotations

from flask import Blueprint, Response

from server.pages import page

bp = Blueprint("kiosk", __name__, static_folder="static", static_url_path="/kiosk/static",
               template_folder="templates")


@bp.get("/kiosk")
def kiosk() -> Response:
    """The touch kiosk; paired once with `/kiosk#token=hqd_…` (the token stays in the browser)."""
    return page("kiosk/kiosk.html")


@bp.get("/t/<token>")
def ticket_status(token: str) -> Response:
    """A citizen's live ticket status on a phone, opened from the ticket's QR code."""
    return page("kiosk/status.html")
