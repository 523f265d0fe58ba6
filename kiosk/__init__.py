"""The kiosk station: the touch page where citizens take a ticket, and the phone status page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kiosk", __name__, static_folder="static", static_url_path="/kiosk/static",
               template_folder="templates")
