"""The counter station: the staff console and the citizen-facing rating tablet."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("counter", __name__, static_folder="static", static_url_path="/counter/static",
               template_folder="templates")


@bp.get("/counter")
def console() -> str:
    """The staff console: log in, take a counter, call and serve tickets by keyboard or tap."""
    return render_template("counter/console.html")


@bp.get("/rating/<int:n>")
def rating(n: int) -> str:
    """The rating tablet facing the citizen at counter n; paired once with `#token=hqd_…`."""
    return render_template("counter/rating.html", counter=n)
