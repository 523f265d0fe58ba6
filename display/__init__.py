"""The hall display station: the TV board, counter screens and the voice packs."""
from __future__ import annotations

from flask import Blueprint, Response

from server.pages import page

bp = Blueprint("display", __name__, url_prefix="/display", static_folder="static", template_folder="templates")


@bp.get("")
def board() -> Response:
    """The hall board; paired once with `/display#token=hqd_…` (the token stays in the browser)."""
    return page("display/board.html")


@bp.get("/counter/<int:n>")
def counter(n: int) -> Response:
    """The small screen above counter n: its number and the ticket it serves."""
    return page("display/counter.html", counter=n)
