"""The supervisors' and admins' pages under /admin: the live dashboard, reports, people and devices, the hall's set-up.

The pages are static shells; they log in with POST /api/v1/login (the session cookie) and
read everything through the public API, like any other client.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from jinja2 import TemplateNotFound

from ..pages import page

bp = Blueprint("admin", __name__, url_prefix="/admin", static_folder="static", static_url_path="/static",
               template_folder="templates")


def admin_page(template: str, active: str) -> Response:
    """An admin page, with its navigation's active tab and the center's name."""
    hall = current_app.extensions["hallq"]
    return page(template, referrer="same-origin", active=active, center=hall.config.center,
                province=hall.config.province)


@bp.get("")
@bp.get("/")
def dashboard() -> Response:
    """The live supervisor dashboard."""
    return admin_page("admin/dashboard.html", "dashboard")


@bp.get("/reports")
def reports() -> Response:
    """Reports over a date range, with charts and exports."""
    return admin_page("admin/reports.html", "reports")


@bp.get("/media")
def media() -> Response:
    """The boards' images and videos, and when they play (admin/media.html)."""
    return admin_page("admin/media.html", "media")


@bp.get("/people")
def people() -> Response:
    """People and devices (admin/people.html, the people page's own template)."""
    try:
        return admin_page("admin/people.html", "people")
    except TemplateNotFound:
        abort(404)


@bp.get("/hall")
def hall() -> Response:
    """The hall's set-up: services, counters, holidays and the boards' notice (admins)."""
    return admin_page("admin/hall.html", "hall")


@bp.get("/appointments")
def appointments() -> Response:
    """A day's bookings with their status (staff and up; admin/appointments.html)."""
    return admin_page("admin/appointments.html", "appointments")


@bp.get("/sites")
def sites() -> Response:
    """The province's centers live: figures, rankings against the province's targets, alerts (admin/sites.html).

    On a center (no `province: true`) the page only says it belongs to a province server.
    """
    return admin_page("admin/sites.html", "sites")


@bp.get("/integration")
def integration() -> Response:
    """For the one-stop software: find a ticket by case-file code; the webhooks' deliveries (supervisors)."""
    return admin_page("admin/integration.html", "integration")
