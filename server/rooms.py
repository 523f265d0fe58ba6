"""The rooms that get part of the live feed: a phone's ticket, a rating tablet's counter, the kiosks.

What each room wants of the hall's events is decided here; the hub (server/hub.py) keeps
who is in which room and sends each room its events with its own `prev_seq`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KIOSKS = "kiosks"
KIOSK_FIGURES = frozenset({"queue_changed", "counter_changed"})
RATING_EVENTS = frozenset({"ticket_finished", "ticket_rated", "counter_changed"})


@dataclass
class Room:
    """A room that gets part of the feed: who is in it, what it wants, the last seq it was sent."""

    kind: str  # "ticket", "rating", "kiosks", or "kiosk" (one kiosk's print results: no seq'd events)
    members: int = 0
    last: int = 0
    counter: int | None = None  # rating:<n>
    ticket: dict[str, Any] = field(default_factory=dict)  # ticket:<id>: HallView.about of its ticket
    printer: str | None = None  # kiosk:<actor>: its printer's key, whose `printer_status` it is sent

    def wants(self, name: str, payload: dict[str, Any], about: dict[str, Any] | None) -> bool:
        if name == "setup_changed":
            return self.kind != "kiosk"  # every room that gets seq'd events redraws from it
        if self.kind == KIOSKS:
            return name in KIOSK_FIGURES
        if self.kind == "rating":
            return name in RATING_EVENTS and payload.get("counter") == self.counter
        if self.kind != "ticket":
            return False  # kiosk:<actor>: print results only, pushed without a seq
        t = self.ticket
        if about is not None and about["id"] == t["id"]:
            return True  # anything that happened to the ticket itself
        waiting = t["status"] == "waiting"
        if name == "queue_changed":
            return waiting and payload.get("service") == t["service"]
        if name == "counter_changed":
            if payload.get("counter") in (t["counter"], t["target_counter"]):
                return True
            services = (payload.get("state") or {}).get("services") or ()
            return waiting and t["target_counter"] is None and t["service"] in services
        return False
