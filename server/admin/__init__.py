"""The supervisors' and admins' pages under /admin."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", static_folder="static", static_url_path="/static",
               template_folder="templates")
