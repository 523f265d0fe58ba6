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


@bp.get("/book")
def book() -> str:
    """A citizen books an appointment on a phone: a service, a day, a free slot; then the booking's code."""
    return render_template("kiosk/book.html")


@bp.get("/book/<token>")
def booking(token: str) -> str:
    """A booking's own page (its link): the code, its QR code for the kiosk, and cancelling."""
    return render_template("kiosk/book.html")
