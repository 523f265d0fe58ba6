"""The daily close: at each business-day start, yesterday's open tickets expire, the day is
summarized for reports, and history past `reports.history_days` is deleted (tickets, and the
audit log's logins and failed logins).

Expired tickets keep the contract's statuses: they become `cancelled`, with an event row of
kind `expired` (data: the status they had, and the end of their day), so clients never see
a status they do not know while reports can still tell them apart. Counters holding one are
released. The close runs in the server process (a background task that sleeps until the
next day start), on start-up for the days missed while the server was down, and is safe to
run twice or from two processes at once: every step is conditional or checked in its own
write transaction.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import Date, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from .appointments import close_days
from .config import HallConfig
from .unit import change
from .queueing.clock import utcnow
from .queueing.engine import CounterChanged, Outcome, QueueChanged
from .queueing.models import CALLED, CANCELLED, NO_SHOW, SERVING, WAITING, CounterState, Rating, ServiceDay, Ticket, TicketEvent
from .queueing.cases import TicketCase
from .records import AuditEntry, PrintJob
from .reports.facts import CLOSE_ACTOR, EXPIRED, ticket_facts
from .reports.settings import ReportsSettings, reports_settings
from .reports.summary import summarize
from .reports.tables import (
    MAXIMA, SUMMED, closed_days, daily_summaries, month_of, monthly_summaries, next_month,
)

log = logging.getLogger(__name__)
OPEN = (WAITING, CALLED, SERVING, NO_SHOW)
RETRY_S = 60.0  # after a failed close (database busy, say), try again this soon
MAX_SLEEP_S = 30.0  # wake this often to notice a clock that jumped
LATE_DAYS = 7  # a closed day is summarized again when its tickets change within this many days (late ratings)
# Audit rows that say who may act (people and devices added, changed, revoked) are kept as long as
# the summaries; every other row (logins, logouts, failed logins: a flood can write thousands, each
# with an address) goes with the tickets' history.
ADMIN_ACTIONS = ("user_added", "user_changed", "device_added", "device_revoked", "site_added", "site_revoked")


@dataclass
class CloseResult:
    today: date
    expired: int = 0
    released: list[int] = field(default_factory=list)
    summarized: list[date] = field(default_factory=list)
    purged: int = 0
    audit_purged: int = 0
    erased: int = 0  # bookings whose name and phone were erased (server/appointments.py)


def day_start(day: date, config: HallConfig) -> datetime:
    """The moment a business day starts (its day_starts_at in the center's zone)."""
    return datetime.combine(day, config.center.day_start, tzinfo=config.center.tz)


def next_close(now: datetime, config: HallConfig) -> datetime:
    """The start of the business day after the one `now` is in."""
    today = config.center.business_day(now)
    return day_start(today + timedelta(days=1), config)


# -- the steps, each inside one transaction ---------------------------------------------------

def expire_open_tickets(s: Session, config: HallConfig, now: datetime) -> Outcome:
    """Close tickets left open on earlier business days; release the counters holding them."""
    today = config.center.business_day(now)
    # Locked first (PostgreSQL; SQLite's write transaction is exclusive anyway), so the
    # updates below change exactly the rows read, even with another process closing too.
    stale = s.execute(
        select(Ticket.id, Ticket.status, Ticket.business_day, Ticket.service)
        .where(Ticket.business_day < today, Ticket.status.in_(OPEN)).order_by(Ticket.id).with_for_update()
    ).all()
    out = Outcome(ticket=None)
    groups: dict[tuple[date, str], list[int]] = {}
    for ticket_id, status, day, _ in stale:
        groups.setdefault((day, status), []).append(ticket_id)
    for (day, status), ids in groups.items():
        day_end = day_start(day + timedelta(days=1), config)
        for chunk in range(0, len(ids), 500):
            s.execute(update(Ticket).where(Ticket.id.in_(ids[chunk:chunk + 500]))
                      .values(status=CANCELLED, finished_at=day_end).execution_options(synchronize_session=False))
    for ticket_id, status, day, service in stale:
        ev = TicketEvent(seq=0, ticket_id=ticket_id, kind=EXPIRED, at=now, actor=CLOSE_ACTOR, service=service,
                         data={"from": status, "day_end": day_start(day + timedelta(days=1), config).isoformat()})
        out.events.append(ev)
    s.add_all(out.events)
    services = {service for *_, service in stale}
    if out.events:
        ids = [ev.ticket_id for ev in out.events]
        held = s.execute(select(CounterState).where(CounterState.current_ticket_id.in_(ids))
                         .with_for_update()).scalars().all()
        for state in held:
            state.current_ticket_id = None
            state.since = now
            out.changes.append(CounterChanged(state.number))
        out.changes.extend(QueueChanged(code) for code in sorted(services))
    return out


def days_to_summarize(s: Session, today: date) -> list[date]:
    """Business days before today that had tickets and have no summary yet."""
    done = select(closed_days.c.day)
    return sorted(s.execute(
        select(ServiceDay.day).distinct().where(ServiceDay.day < today, ServiceDay.day.not_in(done))
    ).scalars())


def changed_since_closed(s: Session, today: date) -> list[date]:
    """Closed days of the last week whose tickets changed after their summary (a late rating)."""
    # A bound for the events index, a day early so no time zone can put a change before it.
    since = datetime.combine(today - timedelta(days=LATE_DAYS + 1), dtime.min, tzinfo=timezone.utc)
    return sorted(s.execute(
        select(Ticket.business_day).distinct()
        .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
        .join(closed_days, closed_days.c.day == Ticket.business_day)
        .where(TicketEvent.at >= since, TicketEvent.at > closed_days.c.closed_at,
               closed_days.c.day >= today - timedelta(days=LATE_DAYS))
    ).scalars())


def store_summary(s: Session, day: date, rows: dict, now: datetime, *, replace: bool = False) -> bool:
    """Write a day's summary rows once (or again, with replace), and its month's; False when
    another process already did."""
    if s.execute(select(closed_days.c.day).where(closed_days.c.day == day)).first():
        if not replace:
            return False
        s.execute(delete(closed_days).where(closed_days.c.day == day))
    s.execute(delete(daily_summaries).where(daily_summaries.c.day == day))
    values = [{"day": d, "service": service, "counter": counter, "staff": staff, **row}
              for (d, service, counter, staff), row in rows.items()]
    if values:
        s.execute(insert(daily_summaries), values)
    s.execute(insert(closed_days).values(
        day=day, closed_at=now, tickets=sum(v["tickets"] for v in values),
        expired=sum(v["expired"] for v in values)))
    rebuild_month(s, month_of(day))
    return True


def rebuild_month(s: Session, month: date) -> None:
    """A month's rows = the sums of its days' rows (one INSERT … SELECT … GROUP BY)."""
    c = daily_summaries.c
    s.execute(delete(monthly_summaries).where(monthly_summaries.c.month == month))
    sums = [func.sum(c[name]) for name in SUMMED] + [func.max(c[name]) for name in MAXIMA]
    s.execute(insert(monthly_summaries).from_select(
        ["month", "service", "counter", "staff", *SUMMED, *MAXIMA],
        select(literal(month, Date), c.service, c.counter, c.staff, *sums)
        .where(c.day >= month, c.day < next_month(month))
        .group_by(c.service, c.counter, c.staff)))


def summarize_day(s: Session, config: HallConfig, day: date, now: datetime) -> bool:
    """Summarize and store one closed day in a single transaction (tests, small halls)."""
    return store_summary(s, day, summarize(ticket_facts(s, day, day), config), now)


def purge_batch(s: Session, config: HallConfig, today: date, limit: int,
                settings: ReportsSettings | None = None) -> int:
    """Delete up to `limit` tickets (with their events, ratings, print jobs) past the history."""
    settings = settings or reports_settings(config)
    cutoff = today - timedelta(days=settings.history_days)
    ids = list(s.execute(select(Ticket.id).where(Ticket.business_day < cutoff).limit(limit)).scalars())
    if ids:
        s.execute(update(CounterState).where(CounterState.current_ticket_id.in_(ids)).values(current_ticket_id=None))
        for table in (PrintJob, Rating, TicketCase, TicketEvent):
            s.execute(delete(table).where(table.ticket_id.in_(ids)))
        s.execute(delete(Ticket).where(Ticket.id.in_(ids)))
        return len(ids)
    # Then what no longer belongs to any kept ticket: counter events, numbering, old summaries.
    s.execute(delete(TicketEvent).where(TicketEvent.ticket_id.is_(None), TicketEvent.at < day_start(cutoff, config)))
    s.execute(delete(ServiceDay).where(ServiceDay.day < cutoff))
    keep_from = today - timedelta(days=settings.summary_days)
    if s.execute(select(daily_summaries.c.day).where(daily_summaries.c.day < keep_from).limit(1)).first():
        s.execute(delete(daily_summaries).where(daily_summaries.c.day < keep_from))
        s.execute(delete(monthly_summaries).where(monthly_summaries.c.month < month_of(keep_from)))
        rebuild_month(s, month_of(keep_from))  # the month the cut goes through keeps only its kept days
    s.execute(delete(closed_days).where(closed_days.c.day < keep_from))
    return 0


def purge_audit_batch(s: Session, config: HallConfig, today: date, limit: int,
                      settings: ReportsSettings | None = None) -> int:
    """Delete up to `limit` audit rows past their keeping time; how many went.

    Logins, logouts and failed logins go after `reports.history_days`, like the tickets;
    people and device administration rows after `reports.summary_days` (never before the history).
    """
    settings = settings or reports_settings(config)
    sessions_before = day_start(today - timedelta(days=settings.history_days), config)
    admin_before = day_start(today - timedelta(days=max(settings.summary_days, settings.history_days)), config)
    old = or_(and_(AuditEntry.action.not_in(ADMIN_ACTIONS), AuditEntry.at < sessions_before),
              and_(AuditEntry.action.in_(ADMIN_ACTIONS), AuditEntry.at < admin_before))
    # Oldest first, through the index on `at`: never more than `limit` rows in one write transaction.
    ids = list(s.execute(select(AuditEntry.id).where(AuditEntry.at < max(sessions_before, admin_before), old)
                         .order_by(AuditEntry.at).limit(limit)).scalars())
    if ids:
        s.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids)))
    return len(ids)


# -- running it in the server ---------------------------------------------------------------

def run_close(hall: Any, now: datetime | None = None, settings: ReportsSettings | None = None) -> CloseResult:
    """One close: expire, publish, summarize each missing day, purge. All DB work on the DB threads."""
    config, db = hall.config, hall.db
    settings = settings or reports_settings(config)
    now = now or hall.clock()
    today = config.center.business_day(now)
    result = CloseResult(today=today)

    result.expired, result.released = change(
        hall,
        lambda s: expire_open_tickets(s, config, now),
        lambda view, out: (len(out.events), [c.counter for c in out.changes if isinstance(c, CounterChanged)]),
        now=now)
    missing = db.read(lambda s: days_to_summarize(s, today))
    late = db.read(lambda s: changed_since_closed(s, today))
    for day in sorted(set(missing) | set(late)):
        # Read on a reader thread, write briefly: the hall's writer is never held for long.
        rows = db.read(lambda s, day=day: summarize(ticket_facts(s, day, day), config))
        if db.write(lambda s, day=day, rows=rows: store_summary(s, day, rows, now, replace=day in late)):
            result.summarized.append(day)
    # Appointments: past days' unused bookings become no-shows; names and phones past keep_days are erased.
    result.erased = db.write(lambda s: close_days(s, config, config.center.local(now).date(), now))
    while True:
        n = db.write(lambda s: purge_batch(s, config, today, settings.purge_batch, settings))
        result.purged += n
        if n == 0:
            break
    while True:
        n = db.write(lambda s: purge_audit_batch(s, config, today, settings.purge_batch, settings))
        result.audit_purged += n
        if n < settings.purge_batch:
            break
    if result.expired or result.summarized or result.purged or result.audit_purged:
        log.info("daily close for %s: %d expired, counters released %s, %d days summarized, %d tickets and "
                 "%d audit rows purged", today, result.expired, result.released, len(result.summarized),
                 result.purged, result.audit_purged)
    return result


def _loop(hall: Any, stopped: Any) -> None:
    while not stopped.is_set():
        try:
            run_close(hall)
        except Exception:  # noqa: BLE001 - a bad night must not end the server's closes
            log.exception("daily close failed; retrying in %.0f s", RETRY_S)
            stopped.wait(RETRY_S)
            continue
        wake = next_close(hall.clock(), hall.config)
        while (left := (wake - hall.clock()).total_seconds()) > 0 and not stopped.wait(min(left, MAX_SLEEP_S)):
            pass


def start_daily_close(hall: Any, socketio: Any) -> Callable[[], None]:
    """Close the days missed while the server was down now, then each day at its start.

    Returns the function that stops it (and waits for a close under way to end)."""
    stopped = socketio.server.eio.create_event()
    task = socketio.start_background_task(_loop, hall, stopped)

    def stop() -> None:
        stopped.set()
        task.join()

    return stop


__all__ = ["start_daily_close", "run_close", "expire_open_tickets", "summarize_day", "store_summary",
           "purge_batch", "purge_audit_batch", "days_to_summarize", "next_close", "day_start", "CloseResult", "utcnow"]
