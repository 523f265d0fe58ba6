"""The kiosk station: the touch page where citizens take a ticket, and the phone status page."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("kiosk", __name__, static_folder="static", static_url_path="/kiosk/static",
               template_folder="templates")


@bp.get("/kiosk")
def kiosk() -> str:
    """The touch kiosk; paired once with `/kiosk#token=hqd_…` (the token stays in the browser)."""
    return render_template("kiosk/kiosk.html")


@bp.get("/t/<token>")
def ticket_status(token: str) -> str:
    """A citizen's live ticket status on a phone, opened from the ticket's QR code."""
    return render_template("kiosk/status.html")
