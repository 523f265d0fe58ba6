"""Every API error is JSON: {"error": {"code", "message"}} with a fitting status."""
from __future__ import annotations

import logging

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..messages import message
from ..queueing.errors import QueueError
from . import api

log = logging.getLogger(__name__)
_HTTP_CODES = {400: "malformed_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "malformed_request", 415: "malformed_request"}


def lang() -> str:
    """English only when the client prefers it; Vietnamese otherwise."""
    best = request.accept_languages.best_match(["vi", "en"]) if request else None
    return best or "vi"


def error_response(status: int, code: str, /, **params) -> Response:
    params.setdefault("what", request.path if request else "")
    resp = jsonify({"error": {"code": code, "message": message(code, lang(), **params)}})
    resp.status_code = status
    return resp


@api.app_errorhandler(QueueError)
def queue_error(err: QueueError) -> Response:
    return error_response(err.status, err.code, **err.params)


def http_error(err: HTTPException) -> Response | HTTPException:
    """JSON for errors under /api/; the pages keep Flask's own."""
    if not request.path.startswith("/api/"):
        return err
    return error_response(err.code or 500, _HTTP_CODES.get(err.code or 500, "internal_error"))


def internal_error(err: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error")
