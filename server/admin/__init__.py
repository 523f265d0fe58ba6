"""The supervisors' and admins' pages under /admin: the live dashboard, reports, people and devices.

The pages are static shells; they log in with POST /api/v1/login (the session cookie) and
read everything through the public API, like any other client.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, make_response, render_template
from jinja2 import TemplateNotFound

bp = Blueprint("admin", __name__, url_prefix="/admin", static_folder="static", static_url_path="/static",
               template_folder="templates")


def page(template: str, active: str) -> Response:
    """An admin page: never cached, never framed by another site."""
    hall = current_app.extensions["hallq"]
    resp = make_response(render_template(template, active=active, center=hall.config.center))
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp


@bp.get("")
@bp.get("/")
def dashboard() -> Response:
    """The live supervisor dashboard."""
    return page("admin/dashboard.html", "dashboard")


@bp.get("/reports")
def reports() -> Response:
    """Reports over a date range, with charts and exports."""
    return page("admin/reports.html", "reports")


@bp.get("/people")
def people() -> Response:
    """People and devices (admin/people.html, the people page's own template)."""
    try:
        return page("admin/people.html", "people")
    except TemplateNotFound:
        abort(404)
