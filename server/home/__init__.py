"""The landing page at `/`: every station of the hall, and how to pair a device with it."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ..pages import page

bp = Blueprint("home", __name__, static_folder="static", static_url_path="/home/static",
               template_folder="templates")


@bp.get("/")
def home() -> Response:
    """Where a newcomer starts: links to every page, pairing steps with this server's own address."""
    hall = current_app.extensions["hallq"]
    config = hall.config
    base = (config.server.public_url or request.host_url).rstrip("/")
    loopback = request.host.split(":")[0] in ("127.0.0.1", "localhost", "[::1]")
    return page("home/home.html", referrer="same-origin", center=config.center, base=base,
                counters=[c.number for c in config.counters], loopback=loopback, province=config.province)
