"""The hall display station: the TV board, counter screens and the voice packs."""
from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

bp = Blueprint("display", __name__, url_prefix="/display", static_folder="static", template_folder="templates")


def _page(template: str, **context) -> Response:
    resp = make_response(render_template(template, **context))
    # The pages are tiny and change with each release; their scripts and the voice are cached.
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("")
def board() -> Response:
    """The hall board; paired once with `/display#token=hqd_…` (the token stays in the browser)."""
    return _page("display/board.html")


@bp.get("/counter/<int:n>")
def counter(n: int) -> Response:
    """The small screen above counter n: its number and the ticket it serves."""
    return _page("display/counter.html", counter=n)
