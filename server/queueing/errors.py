"""The queue's own errors, by kind; the API maps each kind to an HTTP status once, at the edge (server/api/errors.py)."""
from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """A request the hall cannot carry out; `code` is stable, `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotFound(QueueError):
    """What was asked for does not exist."""


class Conflict(QueueError):
    """The hall is not in a state where this can happen now."""


class Invalid(QueueError):
    """A value the hall does not accept."""


class Forbidden(QueueError):
    """The asker may not do this."""
