"""The REST API under /api/v1: the blueprint, authentication, and the roles each view needs.

The views (admin.py, tickets.py, …) register on the blueprint when imported: server/api/routes.py
imports them all, and the app registers `routes.api`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit
from typing import Any, Callable

from flask import Blueprint, current_app, g, request, session

from ..auth import ANONYMOUS, REVOKED_SITE, SITE, Principal
from ..context import hall
from ..principals import principal_for
from ..queueing.errors import QueueError
from .parse import json_object

api = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(QueueError):
    """An error raised by the HTTP layer itself (auth, parsing), with its own status."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.status = status


@api.before_request
def authenticate() -> None:
    """Resolve the bearer token (or the login cookie) into g.principal."""
    view = current_app.view_functions.get(request.endpoint or "")
    g.upload = getattr(view, "upload_limit", None)
    if g.upload:  # a file upload's own limit, for this request only (the app's stays 64 KiB)
        request.max_content_length = g.upload
    header = request.headers.get("Authorization", "")
    g.principal = ANONYMOUS
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthenticated")
        principal = principal_for(hall(), token.strip(), via_cookie=False)
        if principal is None:
            raise ApiError(401, "unauthenticated")
        g.principal = principal
    elif session.get("token"):
        principal = principal_for(hall(), session["token"], via_cookie=True)
        if principal is not None:
            if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_site():
                raise ApiError(403, "csrf_failed")
            g.principal = principal


def _same_site() -> bool:
    """A cookie-authenticated change must come from our own pages.

    The cookie is SameSite=Lax, a cross-site form cannot send JSON without a CORS
    preflight (which we never allow), and a browser's Origin must be ours. A file upload
    is multipart, which a form can send: it must carry our Origin (browsers always send
    one with a POST or PUT). No form sends a DELETE, and no other site may without a preflight.
    """
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        return False
    return request.is_json or request.method == "DELETE" or bool(g.upload and origin)


@dataclass(frozen=True)
class Allowed:
    """Who may call a view: people of `role` and up, the `devices` kinds, callers without a token
    (`anonymous`: a ticket's holder), or anyone (`public`). The one access matrix: `allow` enforces
    it, the OpenAPI document publishes it, tests/test_security.py calls every route against it."""

    role: str | None = None
    devices: tuple[str, ...] = ()
    anonymous: bool = False
    public: bool = False
    sites: bool = False  # a center's upstream token (server/sites.py): these views only, nothing else

    def admits(self, p: Principal) -> bool:
        if p.kind in (SITE, REVOKED_SITE):
            return self.sites and p.kind == SITE
        return (self.public or (self.anonymous and p.kind == "anonymous")
                or (self.role is not None and p.at_least(self.role)) or any(p.is_device(k) for k in self.devices))

    def who(self) -> str:
        """In the words of docs/api.md: "kiosk device, staff and up"."""
        if self.public:
            return "anyone"
        parts = [f"{kind} device" for kind in self.devices]
        if self.role:
            parts.append("admin" if self.role == "admin" else f"{self.role} and up")
        if self.anonymous:
            parts.append("the ticket's holder (no token)")
        if self.sites:
            parts.append("a center's site token")
        return ", ".join(parts)


def allow(*, role: str | None = None, devices: tuple[str, ...] = (), anonymous: bool = False,
          public: bool = False, sites: bool = False) -> Callable:
    """Let a view through for people of `role` and up, the given device kinds, tokenless callers, anyone,
    or (`sites`) a center's upstream token, which no other view takes."""
    rule = Allowed(role, tuple(devices), anonymous, public, sites)

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            p: Principal = g.principal
            if not rule.admits(p):
                if p.kind == "anonymous":
                    raise ApiError(401, "unauthenticated")
                if p.kind == REVOKED_SITE and rule.sites:  # said plainly, so the center logs it once and waits
                    raise ApiError(403, "site_revoked", site=p.name)
                # The refusal says what it needs: a role (people), else a kind of device.
                need = {"role": role} if role else {"device": devices[0]} if devices else {}
                raise ApiError(403, "forbidden", **need)
            read_body()  # who may call comes first: a refused caller learns nothing about its body
            return view(*args, **kwargs)

        guarded.allowed = rule
        return guarded

    return wrap


def upload(limit: int) -> Callable:
    """The view takes a multipart file upload of at most `limit` bytes (the request's own limit).

    Put it under `allow`: the body is then read by the view (`request.files`), not as JSON.
    """

    def mark(view: Callable) -> Callable:
        view.upload_limit = limit
        return view

    return mark


def base_url() -> str:
    """Where phones reach this server: server.public_url, else the address the request came to."""
    return hall().config.server.public_url or request.host_url


def read_body() -> None:
    """Every request's body, read once for every view (by `allow`): empty, or one well-formed JSON object.

    A view that takes no body still refuses a malformed one, so nothing ever acts on a request
    it could not read. (Chunked bodies arrive whole: see server/serving.py.)
    """
    g.body = {}
    if g.get("upload") and request.mimetype == "multipart/form-data":
        return  # the view reads the file itself, once; reading it here would hold a copy
    try:
        raw = request.get_data(cache=True)
    except (ValueError, OSError):  # a broken chunked encoding, or the client gave up half-way
        raise ApiError(400, "malformed_request") from None
    if not raw:
        return
    limit = request.max_content_length
    if limit is not None and len(raw) >= limit:  # a chunked body is cut at the limit, not refused
        raise ApiError(413, "malformed_request")
    if not request.is_json:
        raise ApiError(400, "malformed_request")
    g.body = json_object(raw)
