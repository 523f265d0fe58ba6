"""What an operation of the engine did: the changes it broadcasts and the ticket it touched.

Below engine.py and rating.py, which both return an Outcome.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .estimate import Place
from .models import Ticket, TicketEvent


@dataclass(frozen=True)
class TicketCalled:
    ticket_id: int
    counter: int
    recall: bool


@dataclass(frozen=True)
class QueueChanged:
    service: str


@dataclass(frozen=True)
class CounterChanged:
    counter: int


@dataclass(frozen=True)
class TicketFinished:
    ticket_id: int
    counter: int


@dataclass(frozen=True)
class TicketRated:
    ticket_id: int
    score: int


@dataclass(frozen=True)
class NoticeChanged:
    """The boards' scrolling notice was set or cleared (server/notice.py)."""


@dataclass(frozen=True)
class SetupChanged:
    """The hall's set-up (services, counters, …) changed (server/setup.py): `config` is the hall after it."""

    version: int
    config: Any


Change = TicketCalled | QueueChanged | CounterChanged | TicketFinished | TicketRated | NoticeChanged | SetupChanged


@dataclass
class Outcome:
    """What an operation did: the ticket it touched, its broadcasts and its event rows."""

    ticket: Ticket | None
    changes: list[Change] = field(default_factory=list)
    events: list[TicketEvent] = field(default_factory=list)
    replayed: bool = False
    place: Place | None = None  # issue: where the new ticket stands (what is printed on it)
    # What the operation read last, still true when it returns: the same transaction's view of
    # the hall reuses it ("waiting": (service, counts by (service, priority)); "states": counters' rows).
    seen: dict[str, Any] = field(default_factory=dict)
