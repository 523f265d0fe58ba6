"""The hall as JSON: tickets, counters, services, the snapshot, and event payloads."""
from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .announce import announcement
from .config import HallConfig
from .queueing import estimate, routing, statements
from .queueing.estimate import Place
from .queueing.engine import CounterChanged, NoticeChanged, Outcome, QueueChanged, TicketCalled, TicketFinished, TicketRated
from .queueing.outcome import MediaChanged, SetupChanged
from .queueing.models import DONE, NO_SHOW, WAITING, Hall, Rating, ServiceDay, Ticket, TicketEvent
from .notice import current as current_notice
from .media import photos, playlist
from .people import full_names


class _Recent:
    """Estimate inputs reused for a few seconds: estimates need not be exact to the ticket."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._values: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any, compute) -> Any:
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        value = compute()
        if len(self._values) > 1000:
            self._values.clear()
        self._values[key] = (now, value)
        return value


_RECENT = _Recent(ttl_s=5.0)


class Event(tuple):
    """One live event, (seq, name, payload), and the ticket it concerns (for rooms; never sent)."""

    def __new__(cls, seq: int, name: str, payload: dict[str, Any], about: dict[str, Any] | None = None) -> "Event":
        event = super().__new__(cls, (seq, name, payload))
        event.about = about  # HallView.about of the ticket
        return event

    seq = property(lambda self: self[0])
    name = property(lambda self: self[1])
    payload = property(lambda self: self[2])


# -- who sees what ---------------------------------------------------------------
# The one place that decides what is private. Staff consoles and supervisors see the whole
# hall; the public feed (boards, kiosks, phones, anyone on the hall's Wi-Fi) sees neither the
# served citizen's priority category (elderly, disability, pregnant…) nor the login name of
# the person at a counter. The live hub sends each audience its own copy (server/hub.py).
STAFF, PUBLIC = "staff", "public"
AUDIENCES = (STAFF, PUBLIC)
_PRIVATE_TICKET = frozenset({"priority_category"})
_PRIVATE_COUNTER = frozenset({"staff"})


def public_ticket(ticket: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if ticket is None else {k: v for k, v in ticket.items() if k not in _PRIVATE_TICKET}


def public_counter(counter: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in counter.items() if k not in _PRIVATE_COUNTER}
    if "current" in out:
        out["current"] = public_ticket(out["current"])
    return out


def public_snapshot(snap: dict[str, Any]) -> dict[str, Any]:
    return {**snap, "counters": [public_counter(c) for c in snap["counters"]]}


def for_audience(name: str, payload: dict[str, Any], audience: str) -> dict[str, Any]:
    """What `audience` may see of a live event (the same object when nothing in it is private)."""
    if audience == STAFF:
        return payload
    if name in ("snapshot", "setup_changed"):
        return public_snapshot(payload)
    if name == "counter_changed" and isinstance(payload.get("state"), dict):
        return {**payload, "state": public_counter(payload["state"])}
    return payload


class HallView:
    """Reads the hall for one transaction, caching what several answers share."""

    def __init__(self, s: Session, config: HallConfig, now: datetime, base_url: str = "") -> None:
        self.s, self.config, self.now = s, config, now
        self.base_url = base_url.rstrip("/")
        self.day = config.center.business_day(now)
        self._states: dict[int, Any] | None = None
        self._waiting: dict[str, int] | None = None
        self._issued: dict[str, int] | None = None
        self._names: dict[str, str] | None = None
        self._photos: dict[str, str] | None = None

    @property
    def states(self) -> dict[int, Any]:
        if self._states is None:
            self._states = statements.counter_states(self.s)  # read-only rows, as the ORM objects would read
        return self._states

    def waiting(self, service: str, priority_only: bool = False) -> int:
        if self._waiting is None or (service, None) not in self._waiting:  # one service's count: cheap on the write path
            self._counted(service, estimate.waiting_counts(self.s, self.day, service))
        prio = self._waiting.get((service, True), 0)
        return prio if priority_only else prio + self._waiting.get((service, False), 0)

    def _counted(self, service: str, counts: dict[tuple[str, bool], int]) -> None:
        """One service's waiting counts by priority, read now or by the operation: kept for this view."""
        self._waiting = {**(self._waiting or {}), **counts, (service, None): 0}  # (service, None): counted

    def wait_for(self, service: str, ahead: int, target: int | None = None) -> int | None:
        """Estimated seconds for `ahead` people (estimate.wait_s): None while no counter serving it is open.

        `target`: the ticket waits for that counter only (sent there by a transfer).
        """
        avg = _RECENT.get((id(self.config), "avg", service, self.day), lambda: estimate.average_service_s(
            self.s, self.config, service, self.day))
        # Not cached: a counter that opens or closes changes every estimate of its services at once.
        return estimate.wait_s(ahead, avg, estimate.open_counters(self.config, self.states, service, target))

    def queues(self, codes: list[str]) -> list[dict[str, Any]]:
        """The waiting count and a newcomer's estimate of each service, as `queue_changed` carries them."""
        return [{"service": code, "waiting": self.waiting(code), "estimated_wait_s": self.wait_for(code, self.waiting(code))}
                for code in codes]

    # -- pieces ----------------------------------------------------------

    def ticket(self, t: Ticket, *, with_token: bool, place: Place | None = None) -> dict[str, Any]:
        """A ticket as JSON; `place`: where the domain put it as it was issued (what its paper says)."""
        if t.status != WAITING:
            ahead = wait = None
        elif place is not None:
            ahead, wait = place.ahead, place.wait_s
        else:
            ahead = estimate.ahead_of(self.s, t, self.now)
            wait = self.wait_for(t.service, ahead, t.target_counter)
        body = {
            "number": t.number, "service": t.service, "status": t.status, "priority": t.priority,
            "issued_at": self.config.center.iso(t.issued_at), "called_at": self.config.center.iso(t.called_at),
            "counter": t.counter, "waiting_ahead": ahead,
            "estimated_wait_s": wait,
            "priority_category": t.priority_category, "service_issued": t.service_issued,
            "started_at": self.config.center.iso(t.started_at), "finished_at": self.config.center.iso(t.finished_at),
            "business_day": t.business_day.isoformat(), "lang": t.lang,
            "rated": t.status == DONE and self.s.get(Rating, t.id) is not None,
            # Sent to one counter: which, and whether it is open; who could call it now at all.
            "target_counter": t.target_counter,
            "target_counter_status": self.counter_status(t.target_counter) if t.target_counter else None,
            "counters_open": self.counters_open(t) if t.status == WAITING else None,
            "appointment": bool(t.appointment),
        }
        if with_token:
            body["token"] = t.token
            body["status_url"] = f"{self.base_url}/t/{t.token}"
            body["priority_name"] = next((c.name.model_dump() for c in self.config.priority_categories  # the band
                                          if c.code == t.priority_category), None)
        return body

    def counter_status(self, number: int) -> str:
        state = self.states.get(number)
        return state.status if state else "closed"

    def counters_open(self, t: Ticket) -> int:
        """Open counters that may call this waiting ticket: its target counter, else its service's."""
        if t.target_counter is not None:
            return int(self.counter_status(t.target_counter) == "open")
        return sum(1 for c in self.config.counters
                   if t.service in c.services and self.counter_status(c.number) == "open")

    def counter(self, number: int, *, with_token: bool = False) -> dict[str, Any]:
        conf = self.config.counter(number)
        state = self.states.get(number)
        current = self.s.get(Ticket, state.current_ticket_id) if state and state.current_ticket_id else None
        return {
            "number": number, "name": conf.name.model_dump(), "services": list(conf.services),
            "display_name": conf.display_name.model_dump() if conf.display_name else None,
            "status": state.status if state else "closed",
            "current": self.ticket(current, with_token=with_token) if current else None,
            "pause_reason": state.pause_reason if state else None,
            "staff": (state.staff or "").partition(":")[2] or None if state else None,
            # The full name shown to the public ("Cán bộ tiếp nhận: …"); never the login.
            "staff_name": self.full_name(state.staff) if state and state.status != "closed" else None,
            "staff_photo": self.photo(state.staff) if state and state.status != "closed" else None,  # a URL
            "since": self.config.center.iso(state.since) if state else None,
            "picking": conf.picking,
        }

    def full_name(self, actor: str | None) -> str | None:
        """The full name of 'user:bao' (None for people without one, and for devices)."""
        kind, _, name = (actor or "").partition(":")
        if kind != "user":
            return None
        if self._names is None:
            self._names = full_names(self.s)
        return self._names.get(name)

    def photo(self, actor: str | None) -> str | None:
        """The photo URL of 'user:bao' (None for people without one, and for devices)."""
        kind, _, name = (actor or "").partition(":")
        if kind != "user":
            return None
        if self._photos is None:
            self._photos = photos(self.s)
        return self._photos.get(name)

    def counters(self, *, with_token: bool = False) -> list[dict[str, Any]]:
        return [self.counter(c.number, with_token=with_token) for c in self.config.counters]

    def service(self, code: str) -> dict[str, Any]:
        svc = self.config.service(code)
        waiting = self.waiting(code)
        local = self.config.center.local(self.now)
        closed = svc.closed_at(local)
        reason = svc.closed_text(local)
        remaining = max(0, svc.daily_cap - self.issued(code))
        return {
            "code": code, "name": svc.name.model_dump(), "waiting": waiting,
            "estimated_wait_s": self.wait_for(code, waiting), "open": closed is None,
            "closed": closed, "closed_reason": reason.model_dump() if reason else None,
            "full": remaining == 0, "remaining": remaining,
            "group": svc.group.model_dump() if svc.group else None,
            "note": svc.note.model_dump() if svc.note else None,
            "hours": svc.hours_on(local.date()), "priority_allowed": svc.priority_allowed,
            "counters": [c.number for c in self.config.counters if code in c.services],
        }

    def issued(self, code: str) -> int:
        """Numbers handed out in a service today."""
        if self._issued is None:
            self._issued = dict(self.s.execute(
                select(ServiceDay.service, ServiceDay.last_ordinal).where(ServiceDay.day == self.day)).all())
        return self._issued.get(code, 0)

    def services(self) -> list[dict[str, Any]]:
        return [self.service(s.code) for s in self.config.services]

    def recent_calls(self) -> list[dict[str, Any]]:
        rows = self.s.execute(
            select(TicketEvent, Ticket)
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(TicketEvent.kind.in_(("called", "recalled")))
            .order_by(TicketEvent.seq.desc())
            .limit(self.config.server.recent_calls)
        ).all()
        return [{
            "seq": ev.seq, "number": t.number, "service": ev.service, "counter": ev.counter,
            "recall": ev.kind == "recalled", "at": self.config.center.iso(ev.at),
            # A board that missed the live event (a reconnect, a gap) says a call made moments ago late.
            **({"announce": announcement(self.config, t.number, ev.counter)} if ev.counter is not None else {}),
        } for ev, t in rows]

    def snapshot(self) -> dict[str, Any]:
        seq = self.s.execute(select(Hall.seq).where(Hall.id == 1)).scalar_one()
        return {
            "seq": seq, "counters": self.counters(), "recent_calls": self.recent_calls(),
            "services": self.services(),
            "center": {"name": self.config.center.name.model_dump(), "timezone": self.config.center.timezone},
            "server_time": self.config.center.iso(self.now),
            "notice": current_notice(self.s),  # the hall's; a board with its own in config shows that
            "media": playlist(self.s),  # every enabled item and its schedule; a board plays what is due now
        }

    # -- events ----------------------------------------------------------

    def events(self, out: Outcome, seqs: list[int]) -> list[Event]:
        """An outcome's Socket.IO events, one per change, with the seqs the unit of work stamped."""
        about = self.about(out.ticket) if out.ticket is not None else None
        if "states" in out.seen:
            self._states = out.seen["states"]
        events = []
        for seq, change in zip(seqs, out.changes):
            if isinstance(change, TicketCalled):
                t = self.s.get(Ticket, change.ticket_id)
                events.append(Event(seq, "ticket_called", {
                    "seq": seq, "number": t.number, "service": t.service, "counter": change.counter,
                    "recall": change.recall, "called_at": self.config.center.iso(t.called_at),
                    "announce": announcement(self.config, t.number, change.counter),
                }, self.about(t)))
            elif isinstance(change, QueueChanged):
                self._waiting = None  # counted after this change, not before
                counted = out.seen.get("waiting")
                if counted is not None and counted[0] == change.service:  # the operation counted it already
                    self._counted(*counted)
                self.s.flush()
                waiting = self.waiting(change.service)
                events.append(Event(seq, "queue_changed", {
                    "seq": seq, "service": change.service, "waiting": waiting,
                    "estimated_wait_s": self.wait_for(change.service, waiting),
                }, about))
            elif isinstance(change, CounterChanged):
                self._states = None
                conf = self.config.counter(change.counter)
                events.append(Event(seq, "counter_changed", {
                    "seq": seq, "counter": change.counter, "state": self.counter(change.counter),
                    # A counter that opens, pauses or closes changes its services' estimates.
                    "queues": self.queues(list(conf.services) if conf else []),
                }, about))
            elif isinstance(change, TicketFinished):
                t = self.s.get(Ticket, change.ticket_id)
                events.append(Event(seq, "ticket_finished", {
                    "seq": seq, "number": t.number, "service": t.service, "counter": change.counter,
                    "finished_at": self.config.center.iso(t.finished_at),
                }, self.about(t)))
            elif isinstance(change, TicketRated):
                t = self.s.get(Ticket, change.ticket_id)
                events.append(Event(seq, "ticket_rated", {
                    "seq": seq, "counter": t.counter, "service": t.service, "score": change.score,
                }, self.about(t)))
            elif isinstance(change, NoticeChanged):
                events.append(Event(seq, "notice_changed", {"seq": seq, "notice": current_notice(self.s)}))
            elif isinstance(change, SetupChanged):
                # The whole hall as the new set-up shows it: every client redraws from it (live.js).
                self.s.flush()
                snap = HallView(self.s, change.config, self.now, self.base_url).snapshot()
                events.append(Event(seq, "setup_changed", {**snap, "seq": seq, "version": change.version}))
            elif isinstance(change, MediaChanged):
                events.append(Event(seq, "media_changed", {"seq": seq, "media": playlist(self.s)}))
        return events

    @staticmethod
    def about(t: Ticket) -> dict[str, Any]:
        """Where a ticket stands after a change: what the live hub routes its holder's events by."""
        return {"id": t.id, "service": t.service, "status": t.status, "counter": t.counter,
                "target_counter": t.target_counter}


def counter_queue(s: Session, config: HallConfig, counter: int, now: datetime) -> dict[str, Any]:
    """The staff console's list: who waits for this counter in calling order, and today's no-shows."""
    conf = config.counter(counter)
    day = config.center.business_day(now)
    mine = routing.for_counter(counter, conf.services)
    waiting = s.execute(
        select(Ticket).where(Ticket.status == WAITING, Ticket.business_day == day, mine)
        .order_by(*routing.queue_order(counter, conf.services, conf.picking)).limit(200), {"now": now}
    ).scalars().all()
    no_shows = s.execute(
        select(Ticket).where(Ticket.status == NO_SHOW, Ticket.business_day == day, mine)
        .order_by(Ticket.issued_at.desc()).limit(50)
    ).scalars().all()

    def row(t: Ticket) -> dict[str, Any]:
        return {"number": t.number, "service": t.service, "priority": t.priority,
                "priority_category": t.priority_category, "issued_at": config.center.iso(t.issued_at),
                "waited_s": int((now - t.queued_at).total_seconds()), "sent_here": t.target_counter == counter,
                "appointment": t.appointment, "ahead": bool(t.ahead_at and t.ahead_at <= now)}

    counts = {code: 0 for code in conf.services}
    for t in waiting:
        counts[t.service] = counts.get(t.service, 0) + 1
    return {"counter": counter, "waiting": [row(t) for t in waiting], "no_shows": [row(t) for t in no_shows],
            "waiting_by_service": counts}
