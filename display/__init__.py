"""The hall display station: the TV board, counter screens and the voice packs."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("display", __name__, url_prefix="/display", static_folder="static", template_folder="templates")


@bp.get("")
def board() -> str:
    """The hall board; paired once with `/display#token=hqd_…` (the token stays in the browser)."""
    return render_template("display/board.html")


@bp.get("/counter/<int:n>")
def counter(n: int) -> str:
    """The small screen above counter n: its number and the ticket it serves."""
    return render_template("display/counter.html", counter=n)
