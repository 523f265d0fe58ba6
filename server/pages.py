"""How every page is served: the same headers for the stations' pages and the server's own.

The stations' blueprints (kiosk, counter, display) only render their templates; what a page
needs besides (these headers) is added here, by the app, so the stations never import the server.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, make_response, render_template, request

from .messages import catalog_js

# A page is never cached (it changes with each release; its scripts are cached), never framed
# by another site (no clickjacking of buttons), and sends no referrer (pairing addresses and
# the ticket status page hold tokens) unless it says otherwise.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def init_app(app: Flask) -> None:
    """Give every HTML page the app sends the page headers (those it set itself win), and serve
    the message catalog to the pages' scripts as /static/messages.js."""
    script = catalog_js().encode()

    @app.get("/static/messages.js")
    def messages_js() -> Response:
        """server/messages.py as a JavaScript module, for static/i18n.js."""
        resp = Response(script, mimetype="text/javascript")
        resp.headers["Cache-Control"] = "no-cache"
        resp.add_etag()
        return resp.make_conditional(request)

    @app.after_request
    def page_headers(resp: Response) -> Response:
        if resp.mimetype == "text/html":
            for name, value in PAGE_HEADERS.items():
                resp.headers.setdefault(name, value)
        return resp


def page(template: str, *, referrer: str = "no-referrer", **context: Any) -> Response:
    """A page of the server's own (home, admin) that sends a referrer other than none (its <meta> says so too)."""
    resp = make_response(render_template(template, referrer=referrer, **context))
    resp.headers["Referrer-Policy"] = referrer
    return resp
