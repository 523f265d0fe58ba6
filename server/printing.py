"""Print jobs: issuing never waits for paper.

A job row (pending → sent → done | failed) is written in the same transaction as
its ticket. One worker thread per printer alone owns the device, prints its jobs
in order, and keeps the printer's last status for GET /printers. A stuck printer
costs its own worker at most the driver's 10 s deadline per job; nothing else waits.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import printer_drivers as drivers
from printer_drivers.errors import PrinterError
from printer_drivers.settings import PrinterSettings, resolve_printer

from .config import HallConfig
from .queueing.models import PrintJob, Ticket
from .storage import Database, _original

log = logging.getLogger(__name__)
IDLE_CHECK_S = 30.0  # ask an idle printer how it is, for the supervisors' view
STALE_AFTER = timedelta(minutes=1)  # a job this old when the server restarts is not printed late
STATUS_WORDS = {"pending": "queued", "sent": "queued", "done": "printed", "failed": "failed"}


def ticket_view(config: HallConfig, ticket: Ticket, ahead: int, wait_s: int | None, base_url: str) -> dict[str, Any]:
    """What a printed ticket shows, decided at issue time (JSON, stored on the job)."""
    lang = ticket.lang
    svc = config.service(ticket.service)
    footer = config.center.ticket_footer.get(lang) if config.center.ticket_footer else ""
    return {
        "center_name": config.center.name.get(lang), "service_name": svc.name.get(lang), "number": ticket.number,
        "issued_at": ticket.issued_at.astimezone(config.center.tz).isoformat(), "people_ahead": ahead,
        "estimated_wait_s": wait_s, "counters": [c.number for c in config.counters if ticket.service in c.services],
        "qr_url": f"{base_url.rstrip('/')}/t/{ticket.token}", "footer": footer, "lang": lang,
    }


def _view(data: dict[str, Any]) -> Any:
    return drivers.TicketView(**{**data, "issued_at": datetime.fromisoformat(data["issued_at"])})


def add_job(s: Session, ticket: Ticket, printer: str, view: dict[str, Any], now: datetime) -> PrintJob:
    job = PrintJob(ticket_id=ticket.id, printer=printer, status="pending", view=view, created_at=now, updated_at=now)
    s.add(job)
    s.flush()
    return job


def job_status(s: Session, ticket_id: int) -> dict[str, Any]:
    """The print state of a ticket's newest job, as the kiosk shows it."""
    job = s.execute(select(PrintJob).where(PrintJob.ticket_id == ticket_id).order_by(PrintJob.id.desc())
                    .limit(1)).scalar_one_or_none()
    if job is None:
        return {"status": "none"}
    body = {"status": STATUS_WORDS[job.status]}
    if job.error:
        body["message"] = job.error
    if job.error_code:
        body["code"] = job.error_code
    return body


class Printers:
    """The hall's printers: one worker each, started on first use."""

    def __init__(self, config: HallConfig, db: Database, clock) -> None:
        self.config, self.db, self.clock = config, db, clock
        self.entries = config.printers
        self._threading = _original("threading")
        self._queue_mod = _original("queue")
        self._lock = self._threading.Lock()
        self._workers: dict[str, Any] = {}
        self.state: dict[str, dict[str, Any]] = {}
        for key in self.entries:
            self._state(key)

    def resolve(self, key: str) -> tuple[str, PrinterSettings]:
        return resolve_printer(key, self.entries)

    def _state(self, key: str) -> dict[str, Any]:
        if key not in self.state:
            try:
                url = self.resolve(key)[0]
            except PrinterError:
                url = key
            self.state[key] = {"name": key, "url": url, "online": None, "paper": "unknown", "cover_open": None,
                               "last_error": None, "pending_jobs": 0, "checked_at": None}
        return self.state[key]

    def recover(self) -> None:
        """After a restart: fail jobs too old to print now, and requeue the fresh ones."""
        now = self.clock()

        def op(s: Session) -> list[tuple[int, str]]:
            s.execute(update(PrintJob).where(PrintJob.status.in_(("pending", "sent")),
                                             PrintJob.created_at < now - STALE_AFTER)
                      .values(status="failed", error="the server restarted before printing",
                              error_code="server_restarted", updated_at=now))
            return [(j.id, j.printer) for j in s.execute(
                select(PrintJob).where(PrintJob.status.in_(("pending", "sent"))).order_by(PrintJob.id)).scalars()]

        for job_id, key in self.db.write(op):
            self.submit(job_id, key)

    def submit(self, job_id: int, key: str) -> None:
        """Hand a committed job to its printer's worker."""
        with self._lock:
            worker = self._workers.get(key)
            if worker is None:
                queue = self._queue_mod.SimpleQueue()
                thread = self._threading.Thread(target=self._work, args=(key, queue), daemon=True,
                                                name=f"hallq-printer-{key[:30]}")
                self._workers[key] = worker = (thread, queue)
                thread.start()
            self._state(key)["pending_jobs"] += 1
        worker[1].put(job_id)

    def _work(self, key: str, queue: Any) -> None:
        while True:
            try:
                job_id = queue.get(timeout=IDLE_CHECK_S)
            except self._queue_mod.Empty:
                self._check(key)
                continue
            try:
                self._print(key, job_id)
            except Exception:  # a worker never dies: the next ticket must still print
                log.exception("print job %s on %s", job_id, key)
            finally:
                with self._lock:
                    self._state(key)["pending_jobs"] -= 1

    def _print(self, key: str, job_id: int) -> None:
        def claim(s: Session) -> dict[str, Any] | None:
            job = s.get(PrintJob, job_id)
            if job is None or job.status not in ("pending", "sent"):
                return None
            job.status, job.attempts, job.updated_at = "sent", job.attempts + 1, self.clock()
            return job.view

        view = self.db.write(claim)
        if view is None:
            return
        error: str | None = None
        code: str | None = None
        try:
            url, settings = self.resolve(key)
            status = drivers.print_ticket(url, settings, _view(view))
            self._record(key, status.as_dict(), None)
        except PrinterError as err:
            error, code = str(err), err.code
            self._record(key, err.status.as_dict() if err.status is not None else {}, error)
        final = "failed" if error else "done"
        self.db.write(lambda s: s.execute(update(PrintJob).where(PrintJob.id == job_id).values(
            status=final, error=error[:300] if error else None, error_code=code, updated_at=self.clock())))

    def _check(self, key: str) -> None:
        try:
            url, settings = self.resolve(key)
            self._record(key, drivers.printer_status(url, settings).as_dict(), None)
        except PrinterError as err:
            self._record(key, {}, str(err))

    def _record(self, key: str, status: dict[str, Any], error: str | None) -> None:
        with self._lock:
            state = self._state(key)
            for field in ("online", "paper", "cover_open"):
                if field in status:
                    state[field] = status[field]
            state["last_error"] = error
            state["checked_at"] = time.time()

    def listing(self) -> list[dict[str, Any]]:
        """GET /printers."""
        with self._lock:
            return [{k: v for k, v in state.items() if k != "checked_at"} for state in self.state.values()]


def print_test(config: HallConfig, url: str, lang: str) -> None:
    """`hallq print-test URL`: the sample ticket, with the settings config.yaml has for that printer."""
    target, settings = resolve_printer(url, config.printers)
    drivers.print_test(target, settings, lang)
