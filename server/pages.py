"""What every station page shares: how it is served."""
from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template


def page(template: str, *, referrer: str = "no-referrer", **context: Any) -> Response:
    """A station page: never cached (it changes with each release; its scripts are cached),
    never framed by another site (no clickjacking of buttons), and sending no referrer
    (pairing addresses and the ticket status page hold tokens)."""
    resp = make_response(render_template(template, **context))
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Referrer-Policy"] = referrer
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp
