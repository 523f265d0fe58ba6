"""The hall display station: the TV board, counter screens and the voice packs."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("display", __name__, url_prefix="/display", static_folder="static", template_folder="templates")
