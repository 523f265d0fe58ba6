"""The queue's own errors; the API maps each kind to an HTTP status once, at the edge."""
from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """A request the hall cannot carry out; `code` is stable, `params` fill the message."""

    status = 409

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotFound(QueueError):
    status = 404


class Conflict(QueueError):
    status = 409


class Invalid(QueueError):
    status = 422


class Forbidden(QueueError):
    status = 403
