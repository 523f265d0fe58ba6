"""A center's side of delivery: its ticket facts and live figures, pushed to its province.

The outbox is the hall's own event log: every change to a ticket is a `ticket_events` row with
its hall seq, written in the change's transaction, so nothing new is written on the busy path.
The pusher keeps one cursor (`upstream_cursor`: the last seq the province acknowledged) and
sends, in seq order, batches of seqs (cursor, cursor + upstream.batch_seqs]: for each ticket changed in
them, its row as it stands now (a fact). The province applies a batch once (server/province.py);
only its answer moves the cursor, so a center killed at any point resends, and a resent batch
changes nothing there. While the link is up it also posts the figures of now every LIVE_EVERY_S.

It runs as a Socket.IO background task (a green thread under eventlet, an OS thread otherwise),
never in a request; `requests` with timeouts, green under eventlet's patching. A failure backs
off from 1 s to 60 s and is logged when the link goes down and when it comes back, not at every
try; a revoked center (403 `site_revoked`) is logged once and tries again every 10 minutes.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any, Callable

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .config import HallConfig, Upstream
from .queueing.models import DONE, Hall as HallRow, Rating, Ticket, TicketEvent
from .reports.facts import EXPIRED, person
from .sites import UpstreamCursor

log = logging.getLogger(__name__)

IDLE_S = 1.0  # nothing new to send: look again this soon
LIVE_EVERY_S = 5.0
BACKOFF_FIRST_S, BACKOFF_MAX_S = 1.0, 60.0
REVOKED_RETRY_S = 600.0
TIMEOUT = (5.0, 15.0)  # connect, read: a stopping server waits at most this for a push under way
BATCH_TICKETS = 2000  # a batch's seq range is narrowed to about this many tickets (a daily close is one seq)


class Revoked(Exception):
    """The province refuses this center: its token was revoked."""


class Refused(Exception):
    """The province answered, but not with an acknowledgement."""


# -- what is sent ------------------------------------------------------------------------------


def cursor(s: Session) -> int:
    """The last seq the province acknowledged (0: none yet)."""
    return s.execute(select(UpstreamCursor.acked_seq).where(UpstreamCursor.id == 1)).scalar_one_or_none() or 0


def save_cursor(s: Session, acked: int, now: datetime) -> None:
    row = s.get(UpstreamCursor, 1)
    if row is None:
        s.add(UpstreamCursor(id=1, acked_seq=acked, updated_at=now))
    else:
        row.acked_seq, row.updated_at = acked, now


def batch(s: Session, after: int, now: datetime, size: int,
          config: HallConfig | None = None, tickets: int = BATCH_TICKETS) -> dict[str, Any] | None:
    """The next batch after seq `after`: its seq range and the facts of the tickets changed in it (None: nothing new).

    With `config`, the batch also names the hall's services (code, names, target wait), so the
    province's reports can name them and count waits within each center's own targets.

    The range is narrowed so that it holds at most about `tickets` tickets (at least one seq):
    the daily close expires every open ticket at one seq, and a batch of `size` seqs holding it
    could be more than the province takes in one request (province.BATCH_TICKETS_MAX), refused
    at every try, and delivery would stop there."""
    last = s.execute(select(HallRow.seq).where(HallRow.id == 1)).scalar_one()
    if last <= after:
        return None
    to_seq = min(last, after + size)
    counted = 0
    for seq, n in s.execute(select(TicketEvent.seq, func.count(TicketEvent.ticket_id.distinct())).where(
            TicketEvent.seq > after, TicketEvent.seq <= to_seq, TicketEvent.ticket_id.is_not(None))
            .group_by(TicketEvent.seq).order_by(TicketEvent.seq)):
        counted += n  # an upper bound of the distinct tickets up to this seq
        if counted > tickets and counted > n:  # past the cap, with earlier seqs to send first
            to_seq = seq - 1
            break
    ids = sorted(s.execute(select(TicketEvent.ticket_id).distinct().where(
        TicketEvent.seq > after, TicketEvent.seq <= to_seq, TicketEvent.ticket_id.is_not(None))).scalars())
    body = {"from_seq": after + 1, "to_seq": to_seq, "sent_at": now.isoformat(), "facts": facts(s, ids)}
    if config is not None:
        body["services"] = service_names(config)
    return body


def service_names(config: HallConfig) -> list[dict[str, Any]]:
    """The hall's services as the province's reports name them."""
    return [{"code": svc.code, "name": svc.name.model_dump(), "target_wait_s": svc.target_wait_s}
            for svc in config.services]


def facts(s: Session, ids: list[int]) -> list[dict[str, Any]]:
    """Each ticket's row as it stands, with the reports' definitions (server/reports/facts.py):
    the first call's time, the last call's counter, who finished it, expired or not."""
    if not ids:
        return []
    calls: dict[int, list] = {}
    finisher: dict[int, str] = {}
    expired: dict[int, str] = {}  # ticket → the status it expired from
    transfers: dict[int, int] = {}
    for ticket_id, kind, at, actor, counter, data in s.execute(
        select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at, TicketEvent.actor, TicketEvent.counter,
               TicketEvent.data)
        .where(TicketEvent.ticket_id.in_(ids), TicketEvent.kind.in_(("called", "finished", "transferred", EXPIRED)))
        .order_by(TicketEvent.id)
    ):
        if kind == "called":
            calls.setdefault(ticket_id, [at, counter, actor])[1:] = [counter, actor]
        elif kind == "finished":
            finisher[ticket_id] = actor
        elif kind == "transferred":
            transfers[ticket_id] = transfers.get(ticket_id, 0) + 1
        else:
            expired[ticket_id] = (data or {}).get("from", "waiting")
    out = []
    for t, score in s.execute(select(Ticket, Rating.score).outerjoin(Rating, Rating.ticket_id == Ticket.id)
                              .where(Ticket.id.in_(ids)).order_by(Ticket.id)):
        call = calls.get(t.id)
        out.append({
            "id": t.id, "business_day": t.business_day.isoformat(), "number": t.number,
            "service": t.service_issued, "service_now": t.service, "status": t.status,
            "outcome": EXPIRED if t.id in expired else t.status,
            # what the close expired it from: the province counts a no-show it expired as a no-show, as the hall does
            "expired_from": expired.get(t.id), "priority": bool(t.priority), "transfers": transfers.get(t.id, 0),
            "issued_at": t.issued_at.isoformat(), "called_at": call[0].isoformat() if call else None,
            "started_at": t.started_at.isoformat() if t.started_at else None,
            "finished_at": t.finished_at.isoformat() if t.finished_at and t.id not in expired else None,
            "counter": call[1] if call else t.counter,
            "staff": person(finisher.get(t.id) or (call[2] if call else None)), "score": score,
        })
    return out


def live_figures(s: Session, config: HallConfig, now: datetime) -> dict[str, Any]:
    """The hall now, as the supervisors' dashboard counts it, and today's share of satisfied ratings."""
    from .reports.dashboard import dashboard

    body = dashboard(s, config, now, [])
    today = body["today"]
    day = config.center.business_day(now)
    scores = list(s.execute(select(Rating.score).join(Ticket, Ticket.id == Rating.ticket_id)
                            .where(Ticket.business_day == day, Ticket.status == DONE)).scalars())
    return {
        "sent_at": now.isoformat(), "day": body["day"], "seq": body["seq"],
        "issued": today["tickets"], "served": today["served"], "waiting": today["waiting"],
        "longest_wait_s": max((svc["longest_wait_s"] or 0 for svc in body["services"]), default=0),
        "avg_wait_s": round(today["wait_mean_s"]) if today["wait_mean_s"] is not None else None,
        "rating_mean": today["rating_mean"],
        "satisfaction": round(sum(1 for x in scores if x >= 3) / len(scores), 3) if scores else None,
        "counters_open": sum(1 for c in body["counters"] if c["status"] == "open"),
        "alerts": len(body["alerts"]),
        # For the province's drill-down (optional: a province reads figures without them from older centers).
        "no_shows": today["no_shows"],
        "counters": counter_states(body["counters"]),
        "services": [{key: svc[key] for key in ("code", "name", "waiting", "longest_wait_s", "oldest_number",
                                                "target_wait_s", "served", "wait_mean_s", "counters_open")}
                     for svc in body["services"]],
    }


def counter_states(counters: list[dict[str, Any]]) -> dict[str, int]:
    """How many counters are open (of which serving, called, idle), paused, closed."""
    out = {"open": 0, "serving": 0, "called": 0, "idle": 0, "paused": 0, "closed": 0}
    for c in counters:
        out[c["status"]] = out.get(c["status"], 0) + 1
        if c["status"] == "open":
            current = c.get("current")
            state = "idle" if current is None else "serving" if current.get("status") == "serving" else "called"
            out[state] += 1
    return out


# -- the pusher ----------------------------------------------------------------------------------


class Pusher:
    """Sends a center's backlog in order, then its live figures, until stopped."""

    def __init__(self, hall: Any, settings: Upstream) -> None:
        self.hall = hall
        self.url = settings.url.rstrip("/") + "/api/v1/upstream/"
        self.size = settings.batch_seqs
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {settings.token}"
        self.down = False  # the link failed last time (logged once, until it comes back)
        self.revoked = False  # logged once, until the province takes our pushes again
        self.next_live = 0.0
        self.backoff = BACKOFF_FIRST_S / 2  # doubled before each wait: 1 s, 2 s, … 60 s

    def _post(self, what: str, body: dict[str, Any]) -> dict[str, Any]:
        resp = self.http.post(self.url + what, json=body, timeout=TIMEOUT)
        try:
            answer = resp.json()
        except ValueError:
            answer = {}
        if resp.status_code == 200:
            return answer
        error = answer.get("error") if isinstance(answer, dict) else None
        code = (error or {}).get("code")
        if code == "site_revoked":
            raise Revoked((error or {}).get("message", ""))
        if code == "upstream_gap":
            return {"acked_seq": int(error["params"]["acked_seq"])}  # resend from just after what it has
        raise Refused(f"{resp.status_code} {code or resp.reason}")

    def push(self) -> bool:
        """Send the next batch, if any; True while more is waiting."""
        db, clock = self.hall.db, self.hall.clock
        after = db.read(cursor)
        body = db.read(lambda s: batch(s, after, clock(), self.size, self.hall.config))
        if body is None:
            return False
        acked = int(self._post("facts", body)["acked_seq"])
        if acked != after:
            db.write(lambda s: save_cursor(s, acked, clock()))
        return acked < body["to_seq"] or body["to_seq"] < db.read(
            lambda s: s.execute(select(HallRow.seq).where(HallRow.id == 1)).scalar_one())

    def live(self) -> None:
        if time.monotonic() < self.next_live:
            return
        h = self.hall
        self._post("live", h.db.read(lambda s: live_figures(s, h.config, h.clock())))
        self.next_live = time.monotonic() + LIVE_EVERY_S

    def step(self) -> float:
        """One round: push what waits, then live figures; how long to wait before the next."""
        try:
            more = self.push()
            self.live()
        except Revoked as err:
            if not self.revoked:
                log.error("the province at %s refuses this center: %s (its site token was revoked; "
                          "trying again every %.0f minutes)", self.url, err, REVOKED_RETRY_S / 60)
                self.revoked = True
            return REVOKED_RETRY_S
        except (requests.RequestException, Refused, ValueError, KeyError, TypeError) as err:
            if not self.down:
                log.warning("the province at %s is unreachable (%s); the center keeps its reports and "
                            "sends them when it is back", self.url, err)
            self.down = True
            self.backoff = min(BACKOFF_MAX_S, self.backoff * 2)
            return self.backoff
        if self.down or self.revoked:
            log.info("the province at %s takes this center's reports again", self.url)
        self.down = self.revoked = False
        self.backoff = BACKOFF_FIRST_S / 2
        return 0.0 if more else IDLE_S


def start_upstream(hall: Any, settings: Upstream, socketio: Any) -> Callable[[], None]:
    """Push to the province in the background; returns the function that stops it (and waits)."""
    stopped = socketio.server.eio.create_event()
    pusher = Pusher(hall, settings)

    def loop() -> None:
        log.info("reporting to the province at %s", settings.url)
        while not stopped.is_set():
            try:
                wait = pusher.step()
            except Exception:  # noqa: BLE001 - a bad round (the database busy, say) must not end the pushes
                log.exception("pushing to the province failed; trying again in %.0f s", BACKOFF_MAX_S)
                wait = BACKOFF_MAX_S
            if wait:
                stopped.wait(wait)
            else:
                time.sleep(0)  # a backlog: let the requests run between batches

    task = socketio.start_background_task(loop)

    def stop() -> None:
        stopped.set()
        task.join()

    return stop
