"""Webhooks' records: each receiver's cursor in the hall's event log, and its dead letters.

The outbox is the hall's own event log (`ticket_events`, each row with its hall seq, written in
the change's transaction): nothing new is written on the busy path. A receiver's cursor is the
last event delivered, as (seq, event id) — one change may write several events under one seq.
The cursor row also holds a lease: with several `hallq serve` processes on one database, only the
process holding a receiver's lease delivers to it (taken with one conditional UPDATE, renewed
while it delivers, taken over by another process once it has run out).

A body is rendered from the event row and the ticket's fixed facts, so every try of one event
sends the same bytes (and the same signature). Made by migration 0014; delivery is server/webhooks.py.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Boolean, Integer, String, and_, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .config import HallConfig
from .queueing.models import DONE, Base, Hall as HallRow, Ticket, TicketEvent, UtcDateTime

#: The event log's kinds that webhooks carry, and their names there.
EVENTS = {"issued": "ticket.issued", "called": "ticket.called", "finished": "ticket.finished",
          "no_show": "ticket.no_show", "rated": "ticket.rated"}
KINDS = {name: kind for kind, name in EVENTS.items()}
STATUS_AFTER = {"issued": "waiting", "called": "called", "finished": DONE, "no_show": "no_show", "rated": DONE}
ERROR_MAX = 300


class WebhookCursor(Base):
    """One receiver: the last event delivered, who delivers, and why it waits."""

    __tablename__ = "webhook_cursors"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    after_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    after_id: Mapped[int] = mapped_column(BigInteger, default=0)
    holder: Mapped[str | None] = mapped_column(String(64))  # the process delivering (its lease)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # tries of the next event that failed
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    last_try_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeadLetter(Base):
    """An event a receiver kept refusing: set aside so the ones after it go on; sent again on request."""

    __tablename__ = "webhook_dead_letters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receiver: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[int] = mapped_column(BigInteger)  # ticket_events.id (no foreign key: purges go on)
    seq: Mapped[int] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(24))
    number: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    resend: Mapped[bool] = mapped_column(Boolean, default=False)  # an admin asked to send it again


# -- cursors and leases ----------------------------------------------------------------------------


def ensure_cursor(s: Session, name: str) -> WebhookCursor:
    """The receiver's cursor; a receiver seen for the first time starts at the hall's seq now (no history)."""
    row = s.get(WebhookCursor, name)
    if row is None:
        seq = s.execute(select(HallRow.seq).where(HallRow.id == 1)).scalar_one()
        last_id = s.execute(select(func.max(TicketEvent.id)).where(TicketEvent.seq <= seq)).scalar() or 0
        row = WebhookCursor(name=name, after_seq=seq, after_id=last_id, failures=0)
        s.add(row)
        s.flush()
    return row


def take_lease(s: Session, name: str, holder: str, now: datetime, lease_s: float, *, over: str | None = None) -> bool:
    """Hold (or keep) the receiver's lease until now + lease_s; False while another live process holds it.

    `over`: a holder known to be gone (a process of this machine that no longer runs): taken over at once."""
    ensure_cursor(s, name)
    free = [WebhookCursor.holder.is_(None), WebhookCursor.holder == holder, WebhookCursor.lease_until < now]
    if over:
        free.append(WebhookCursor.holder == over)
    return s.execute(
        update(WebhookCursor).where(WebhookCursor.name == name, or_(*free))
        .values(holder=holder, lease_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)).rowcount == 1


def holder_of(s: Session, name: str) -> str | None:
    return s.execute(select(WebhookCursor.holder).where(WebhookCursor.name == name)).scalar_one_or_none()


def release_lease(s: Session, name: str, holder: str) -> None:
    s.execute(update(WebhookCursor).where(WebhookCursor.name == name, WebhookCursor.holder == holder)
              .values(holder=None, lease_until=None).execution_options(synchronize_session=False))


def _mine(name: str, holder: str) -> Any:
    return and_(WebhookCursor.name == name, WebhookCursor.holder == holder)


def advance(s: Session, name: str, holder: str, ev: TicketEvent | tuple[int, int], now: datetime) -> bool:
    """The receiver has the event: move its cursor past it (only while this process holds the lease)."""
    seq, event_id = (ev.seq, ev.id) if isinstance(ev, TicketEvent) else ev
    return s.execute(update(WebhookCursor).where(_mine(name, holder)).values(
        after_seq=seq, after_id=event_id, failures=0, last_status=None, last_error=None, last_try_at=now,
        delivered_at=now).execution_options(synchronize_session=False)).rowcount == 1


def failed(s: Session, name: str, holder: str, status: int | None, error: str, now: datetime) -> int:
    """A try of the next event failed; the number of tries of it that failed so far."""
    s.execute(update(WebhookCursor).where(_mine(name, holder)).values(
        failures=WebhookCursor.failures + 1, last_status=status, last_error=error[:ERROR_MAX], last_try_at=now)
        .execution_options(synchronize_session=False))
    return s.execute(select(WebhookCursor.failures).where(WebhookCursor.name == name)).scalar_one()


def bury(s: Session, name: str, holder: str, ev: TicketEvent, number: str | None, attempts: int,
         status: int | None, error: str, now: datetime) -> bool:
    """The receiver kept refusing the event: a dead letter, and the cursor moves past it."""
    if not advance(s, name, holder, ev, now):
        return False
    s.add(DeadLetter(receiver=name, event_id=ev.id, seq=ev.seq, event=EVENTS[ev.kind], number=number,
                     attempts=attempts, last_status=status, last_error=error[:ERROR_MAX], at=now, resend=False))
    return True


# -- what is sent ------------------------------------------------------------------------------------


def next_events(s: Session, name: str, events: list[str], limit: int) -> list[TicketEvent]:
    """The receiver's next events after its cursor, in seq order (and log order within one seq)."""
    cur = s.get(WebhookCursor, name)
    if cur is None:
        return []
    kinds = [KINDS[e] for e in events]
    return list(s.execute(
        select(TicketEvent).where(
            or_(TicketEvent.seq > cur.after_seq, and_(TicketEvent.seq == cur.after_seq, TicketEvent.id > cur.after_id)),
            TicketEvent.kind.in_(kinds), TicketEvent.ticket_id.is_not(None))
        .order_by(TicketEvent.seq, TicketEvent.id).limit(limit)).scalars())


def hall_key(s: Session) -> uuid.UUID:
    """A namespace for this hall's event ids: two halls posting to one receiver never share an id."""
    secret = s.execute(select(HallRow.secret_key).where(HallRow.id == 1)).scalar_one()
    return uuid.UUID(bytes=hashlib.sha256(("hallq-webhooks:" + secret).encode()).digest()[:16])


def bodies(s: Session, config: HallConfig, evs: list[TicketEvent]) -> list[tuple[TicketEvent, dict[str, Any] | None]]:
    """Each event with its body (None: its ticket is gone, purged with the history)."""
    if not evs:
        return []
    key = hall_key(s)
    ids = {ev.ticket_id for ev in evs}
    tickets = {t.id: t for t in s.execute(select(Ticket).where(Ticket.id.in_(ids))).scalars()}
    # Each ticket's calls, for the time of the call an event came after.
    calls: dict[int, list[tuple[int, datetime]]] = {}
    for tid, seq, at in s.execute(select(TicketEvent.ticket_id, TicketEvent.seq, TicketEvent.at).where(
            TicketEvent.ticket_id.in_(ids), TicketEvent.kind == "called").order_by(TicketEvent.seq)):
        calls.setdefault(tid, []).append((seq, at))
    center = config.center
    out = []
    for ev in evs:
        t = tickets.get(ev.ticket_id)
        if t is None:
            out.append((ev, None))
            continue
        called = [at for seq, at in calls.get(t.id, []) if seq <= ev.seq]
        data = ev.data or {}
        ticket = {
            "number": t.number, "service": ev.service or t.service, "status": STATUS_AFTER[ev.kind],
            "priority": bool(t.priority), "issued_at": center.iso(t.issued_at),
            "called_at": center.iso(called[-1]) if called and ev.kind != "issued" else None,
            "counter": ev.counter if ev.kind in ("called", "finished", "rated") else None,
            "waiting_ahead": None, "estimated_wait_s": None,
            "priority_category": t.priority_category, "service_issued": t.service_issued,
            "business_day": t.business_day.isoformat(), "appointment": bool(getattr(t, "appointment", False)),
            "finished_at": center.iso(ev.at) if ev.kind == "finished" else (
                center.iso(t.finished_at) if ev.kind == "rated" else None),
        }
        body: dict[str, Any] = {"id": str(uuid.uuid5(key, str(ev.id))), "event": EVENTS[ev.kind], "seq": ev.seq,
                                "at": center.iso(ev.at), "ticket": ticket}
        if ev.counter is not None and ev.kind != "issued":
            body["counter"] = ev.counter
        if ev.kind == "rated":
            body["score"] = data.get("score")
        for field in ("case_code", "case_outcome"):
            if data.get(field):
                body[field] = data[field]
        out.append((ev, body))
    return out


def event_by_id(s: Session, event_id: int) -> TicketEvent | None:
    return s.get(TicketEvent, event_id)


# -- what the admins see ---------------------------------------------------------------------------


def status(s: Session, config: HallConfig) -> list[dict[str, Any]]:
    """Each configured receiver: where delivery stands (never its secret)."""
    last = s.execute(select(HallRow.seq).where(HallRow.id == 1)).scalar_one()
    dead = dict(s.execute(select(DeadLetter.receiver, func.count()).group_by(DeadLetter.receiver)).all())
    out = []
    for hook in config.webhooks:
        cur = s.get(WebhookCursor, hook.name)
        pending = 0
        if cur is not None:
            kinds = [KINDS[e] for e in hook.events]
            pending = s.execute(select(func.count()).select_from(TicketEvent).where(
                or_(TicketEvent.seq > cur.after_seq, and_(TicketEvent.seq == cur.after_seq, TicketEvent.id > cur.after_id)),
                TicketEvent.kind.in_(kinds), TicketEvent.ticket_id.is_not(None))).scalar_one()
        out.append({
            "name": hook.name, "url": public_url(hook.url), "events": hook.events,
            "delivered_seq": cur.after_seq if cur else None, "hall_seq": last, "pending": pending,
            "failures": cur.failures if cur else 0, "last_status": cur.last_status if cur else None,
            "last_error": cur.last_error if cur else None,
            "last_try_at": config.center.iso(cur.last_try_at) if cur else None,
            "delivered_at": config.center.iso(cur.delivered_at) if cur else None,
            "dead_letters": dead.get(hook.name, 0),
        })
    return out


def public_url(url: str) -> str:
    """The URL as shown and logged: without a user:password part or a query (either may hold a receiver's key)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "…" if parts.query else "", ""))


def dead_letters(s: Session, config: HallConfig, receiver: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    q = select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)
    if receiver:
        q = q.where(DeadLetter.receiver == receiver)
    return [{"id": d.id, "receiver": d.receiver, "event": d.event, "seq": d.seq, "number": d.number,
             "attempts": d.attempts, "last_status": d.last_status, "last_error": d.last_error,
             "at": config.center.iso(d.at), "resend": d.resend} for d in s.execute(q).scalars()]


def due_resends(s: Session, receiver: str, limit: int = 20) -> list[DeadLetter]:
    return list(s.execute(select(DeadLetter).where(DeadLetter.receiver == receiver, DeadLetter.resend.is_(True))
                          .order_by(DeadLetter.id).limit(limit)).scalars())
