"""The kiosk station: the touch page where citizens take a ticket, and the phone status page."""
from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

bp = Blueprint("kiosk", __name__, static_folder="static", static_url_path="/kiosk/static",
               template_folder="templates")


def _page(template: str, **context) -> Response:
    resp = make_response(render_template(template, **context))
    # The pages are tiny and change with each release; the scripts they load are cached.
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Referrer-Policy"] = "no-referrer"  # the status page's URL holds the ticket token
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/kiosk")
def kiosk() -> Response:
    """The touch kiosk; paired once with `/kiosk#token=hqd_…` (the token stays in the browser)."""
    return _page("kiosk/kiosk.html")


@bp.get("/t/<token>")
def ticket_status(token: str) -> Response:
    """A citizen's live ticket status on a phone, opened from the ticket's QR code."""
    return _page("kiosk/status.html")
