"""Every API error is JSON: {"error": {"code", "message", "field"?, "params"?}} with a fitting status."""
from __future__ import annotations

import logging

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..appointments import TooManyBookings
from ..hashing import HashersBusy
from ..messages import message
from ..queueing.errors import Conflict, Forbidden, Invalid, NotFound, QueueError
from ..storage import DatabaseBusy
from . import ApiError, api
from .parse import Malformed

log = logging.getLogger(__name__)
_HTTP_CODES = {400: "malformed_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "malformed_request", 415: "malformed_request"}


# Each kind of error, once, as an HTTP status (the most specific class wins).
STATUS: dict[type[QueueError], int] = {
    NotFound: 404, Conflict: 409, Invalid: 422, Forbidden: 403,
    Malformed: 400, HashersBusy: 429, DatabaseBusy: 503, TooManyBookings: 429,
}


def status_of(err: QueueError) -> int:
    """The HTTP status of an error: the API's own carry theirs; the others by their kind."""
    if isinstance(err, ApiError):
        return err.status
    for kind in type(err).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 409


def lang() -> str:
    """English only when the client prefers it; Vietnamese otherwise."""
    best = request.accept_languages.best_match(["vi", "en"]) if request else None
    return best or "vi"


def error_response(status: int, code: str, /, **params) -> Response:
    """The contract's error; an error's own params go along, so a page can word it from the same catalog."""
    error: dict = {"code": code, "message": message(code, lang(), **{"what": request.path if request else "", **params})}
    if params.get("field"):  # the offending field, where one is known
        error["field"] = params["field"]
    if plain := {k: v for k, v in params.items() if isinstance(v, (str, int, float, bool))}:
        error["params"] = plain
    resp = jsonify({"error": error})
    resp.status_code = status
    return resp


@api.app_errorhandler(QueueError)
def queue_error(err: QueueError) -> Response:
    return error_response(status_of(err), err.code, **err.params)


def http_error(err: HTTPException) -> Response | HTTPException:
    """JSON for errors under /api/; the pages keep Flask's own."""
    if not request.path.startswith("/api/"):
        return err
    return error_response(err.code or 500, _HTTP_CODES.get(err.code or 500, "internal_error"))


def internal_error(err: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error")
