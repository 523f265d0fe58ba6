"""The counter station: the staff console and the citizen-facing rating tablet."""
from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

bp = Blueprint("counter", __name__, static_folder="static", static_url_path="/counter/static",
               template_folder="templates")


def _page(template: str, **context) -> Response:
    resp = make_response(render_template(template, **context))
    # The pages are tiny and change with each release; the scripts they load are cached.
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Referrer-Policy"] = "no-referrer"  # the tablet's pairing URL holds its token
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"  # no clickjacking of the console's buttons
    return resp


@bp.get("/counter")
def console() -> Response:
    """The staff console: log in, take a counter, call and serve tickets by keyboard or tap."""
    return _page("counter/console.html")


@bp.get("/rating/<int:n>")
def rating(n: int) -> Response:
    """The rating tablet facing the citizen at counter n; paired once with `#token=hqd_…`."""
    return _page("counter/rating.html", counter=n)
