"""Print jobs: issuing never waits for paper, and no job waits for ever.

A job row (pending → sent → done | failed) is written in the same transaction as
its ticket. One worker per printer alone owns the device, prints its jobs in
order, and keeps the printer's last status for GET /printers. Workers and the
sweeper are real OS threads (printer_drivers.osthreads), whatever the async mode.

Deadlines: the driver gives up on a ticket after the printer's ``job_timeout_s``
(its watchdog fires even when a driver call hangs in C). The sweeper is the net
under that: a job still `sent` past that time plus slack, or still `pending` after
a minute, is failed with its reason, the printer shows the error, and a worker
that stopped coming back is replaced. The kiosk learns `failed` either way.

Alerts: a failure sets the printer's ``last_error``. It clears only when the printer
has really recovered: a ticket printed, or a status check, begun after the failure,
in which the printer itself answers healthy (online, paper in, cover shut, no error)
and whose answer can see the failure's cause (paper, cover, offline, fault, an
unreachable device). A stalled or hung printer, or one that never answers status,
clears only by printing.

Several processes (a message queue): a server-attached printer prints the jobs of whichever
process took the request. A worker claims a job with one conditional UPDATE, so a job is
printed by one process only. At start, a job another process may be printing right now
(`sent`, and fresh) is watched, never resent: its result comes from that process, or the
sweeper fails it at its deadline and the kiosk offers a reprint. One process alone resends
it, as nothing else could be printing it.

Agents: a job keyed `agent:<kiosk>` is not printed here. server/agents.py hands it to
the `hallq agent` on that kiosk's PC and brings its result back to `finish`; the
sweeper, the deadlines, the alerts and GET /printers treat it like any other.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any, Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import printer_drivers as drivers
from printer_drivers import osthreads
from printer_drivers.errors import PrinterError
from printer_drivers.settings import PrinterSettings, resolve_printer

from .auth import AGENT_KEY, AGENT_PRINTER
from .config import HallConfig
from .paper import job_status, view_of
from .queueing.models import Ticket
from .records import Device, PrintJob
from .storage import Database

log = logging.getLogger(__name__)
IDLE_CHECK_S = 30.0  # ask an idle printer how it is, for the supervisors' view
STALE_AFTER = timedelta(minutes=1)  # a job this old when the server restarts is not printed late
PENDING_MAX_S = 60.0  # a job not begun within this is failed: a ticket printed later is no use
SLACK_S = 5.0  # beyond the printer's job_timeout_s, for the job's database writes
SWEEP_EVERY_S = 1.0
#: Failures a status reply can see the end of (see the module docstring).
SEEN_BY_STATUS = frozenset({"paper_out", "cover_open", "printer_offline", "printer_fault", "printer_unavailable"})
PUBLIC = ("name", "url", "online", "paper", "cover_open", "last_error")
AGENT = AGENT_KEY  # a print-job key `agent:<kiosk>`: the printer on that kiosk's own PC, driven by `hallq agent`
#: What a kiosk shows before a citizen taps (the `printer_status` event), from the printer's state.
KIOSK_WARNS = ("paper_out", "cover_open", "offline", "failed")


def is_agent(key: str) -> bool:
    return key.startswith(AGENT)


def condition(state: dict[str, Any]) -> str:
    """A printer's state in one word for its kiosks: ok, near_end, paper_out, cover_open, offline, failed."""
    code = state.get("error_code")
    if state.get("paper") == "out" or code == "paper_out":
        return "paper_out"
    if state.get("cover_open") or code == "cover_open":
        return "cover_open"
    if state.get("online") is False or code in ("printer_offline", "printer_unavailable", "agent_offline"):
        return "offline"
    if state.get("last_error"):
        return "failed"
    return "near_end" if state.get("paper") == "near_end" else "ok"


class _Open:
    """A job handed to a worker whose outcome is not saved yet: what the sweeper watches."""

    __slots__ = ("key", "submitted", "began")

    def __init__(self, key: str, submitted: float) -> None:
        self.key, self.submitted, self.began = key, submitted, None  # began: monotonic, once claimed


class Printers:
    """The hall's printers: one worker each, started on first use, and a sweeper."""

    def __init__(self, config: HallConfig, db: Database, clock) -> None:
        self.config, self.db, self.clock = config, db, clock
        # Other processes share the database and may be printing its jobs (see the docstring).
        self.shared = bool(config.server.message_queue)
        self.entries = config.printers
        self._lock = osthreads.Lock()  # guards the tables below; never held across I/O
        self._workers: dict[str, tuple[Any, int]] = {}  # key -> (its queue, the live worker's generation)
        self._busy: dict[str, int] = {}  # key -> the job its worker is on
        self._open: dict[int, _Open] = {}
        self._sweeper: Any = None
        self.on_done: Callable[[str, dict[str, Any]], None] | None = None  # (kiosk actor, result): the live hub
        self.on_status: Callable[[str, str], None] | None = None  # (printer key, condition): the live hub
        self.remote: Any = None  # the agents (server/agents.py), which print the `agent:` keys' jobs
        self._told: dict[str, str] = {}  # printer key -> the condition its kiosks were last told
        self._threads: list[tuple[str, Any]] = []  # (key, thread) of every worker started
        self._stopped = osthreads.Event()
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
                               "last_error": None, "error_code": None, "failed_at": None}
        return self.state[key]

    def _limit(self, key: str) -> float:
        """Seconds a claimed job may take before the sweeper fails it."""
        if is_agent(key) and self.remote is not None:
            return self.remote.job_timeout_s(key) + SLACK_S
        try:
            return self.resolve(key)[1].job_timeout_s + SLACK_S
        except PrinterError:
            return PrinterSettings().job_timeout_s + SLACK_S

    # -- jobs ----------------------------------------------------------------

    def recover(self) -> None:
        """After a restart: fail jobs too old to print now, requeue the fresh ones; start the sweeper."""
        now = self.clock()

        def op(s: Session) -> list[tuple[int, str, str]]:
            s.execute(update(PrintJob).where(PrintJob.status.in_(("pending", "sent")),
                                             PrintJob.created_at < now - STALE_AFTER)
                      .values(status="failed", error="the server restarted before printing",
                              error_code="server_restarted", updated_at=now))
            return [(j.id, j.printer, j.status) for j in s.execute(
                select(PrintJob).where(PrintJob.status.in_(("pending", "sent"))).order_by(PrintJob.id)).scalars()]

        for job_id, key, status in self.db.write(op):
            if status == "sent" and (is_agent(key) or self.shared):
                self.began(job_id, key)  # an agent or another process may be printing it: never a resend
            else:
                self.submit(job_id, key)
        with self._lock:
            if self._sweeper is None:
                self._stopped.clear()
                self._sweeper = osthreads.start(self._sweep_loop, name="hallq-printer-sweeper")

    def stop(self) -> None:
        """End the sweeper and the workers, each after the job it is on; safe to call twice."""
        with self._lock:
            sweeper, self._sweeper = self._sweeper, None
            threads, self._threads = self._threads, []
            queues = {key: queue for key, (queue, _) in self._workers.items()}
            self._workers = {}  # every worker is no longer current; the next job starts a new one
        self._stopped.set()
        for key, _ in threads:  # a replaced worker shares its queue with its successor: one each
            queues[key].put(None)  # wakes an idle worker, which then finds it is no longer current
        if sweeper is not None:
            sweeper.join()
        for key, thread in threads:
            thread.join(self._limit(key))  # a driver call that hangs is given up on by its watchdog by then

    def submit(self, job_id: int, key: str) -> None:
        """Hand a committed job to its printer's worker (or, for an agent's printer, to the agents)."""
        if is_agent(key):
            with self._lock:
                self._state(key)
                self._open.setdefault(job_id, _Open(key, time.monotonic()))
            if self.remote is not None:
                self.remote.wake()
            return
        with self._lock:
            worker = self._workers.get(key)
            if worker is None:
                worker = self._start_worker(key, osthreads.SimpleQueue())
            self._state(key)
            self._open[job_id] = _Open(key, time.monotonic())
        worker[0].put(job_id)

    def _start_worker(self, key: str, queue: Any) -> tuple[Any, int]:
        """Start a worker on key's queue (under self._lock); an older one stops after its current job."""
        generation = self._workers[key][1] + 1 if key in self._workers else 1
        self._workers[key] = (queue, generation)
        self._threads.append((key, osthreads.start(self._work, key, queue, generation, name=f"hallq-printer-{key[:30]}")))
        return self._workers[key]

    def _current(self, key: str, generation: int) -> bool:
        with self._lock:
            worker = self._workers.get(key)  # none after stop()
            return worker is not None and worker[1] == generation

    def _work(self, key: str, queue: Any, generation: int) -> None:
        empty = osthreads.real("queue").Empty
        while self._current(key, generation):
            try:
                job_id = queue.get(timeout=IDLE_CHECK_S)
            except empty:
                self._check(key)
                continue
            if job_id is None:  # stop() woke us
                continue
            try:
                self._print(key, job_id)
            except Exception:  # a worker never dies: the next ticket must still print
                log.exception("print job %s on %s", job_id, key)
            finally:
                with self._lock:
                    if self._busy.get(key) == job_id:
                        del self._busy[key]

    def _print(self, key: str, job_id: int) -> None:
        # One conditional UPDATE: of two processes handed the same job, one prints it. A `sent`
        # job is resent only by a process alone (after its own restart; see recover).
        claimable = ("pending",) if self.shared else ("pending", "sent")

        def claim(s: Session) -> dict[str, Any] | None:
            taken = s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.status.in_(claimable))
                              .values(status="sent", attempts=PrintJob.attempts + 1, updated_at=self.clock()))
            if taken.rowcount != 1:
                return None  # done already, failed by the sweeper, or another process's
            return s.get(PrintJob, job_id).view

        with self._lock:
            if job_id not in self._open:
                return  # the sweeper has failed it already
            self._open[job_id].began = time.monotonic()
            self._busy[key] = job_id
        view = self.db.write(claim)
        if view is None:
            self._close(job_id)
            return
        error: str | None = None
        code: str | None = None
        status: dict[str, Any] = {}
        try:
            url, settings = self.resolve(key)
            status = drivers.print_ticket(url, settings, view_of(view)).as_dict()
        except PrinterError as err:
            error, code = str(err), err.code
            status = err.status.as_dict() if err.status is not None else {}
        except Exception as err:  # a bug of ours: the job still ends, with the reason for supervisors
            log.exception("print job %s on %s", job_id, key)
            error, code = f"printing failed unexpectedly: {err}", "printer_error"
        self.finish(key, job_id, status, error, code)

    def began(self, job_id: int, key: str) -> None:
        """A job handed to an agent now: from here its agent has the printer's time limit to report."""
        with self._lock:
            self._open.setdefault(job_id, _Open(key, time.monotonic())).began = time.monotonic()

    def is_open(self, job_id: int) -> bool:
        with self._lock:
            return job_id in self._open

    def finish(self, key: str, job_id: int, status: dict[str, Any], error: str | None, code: str | None) -> bool:
        """A job's outcome, from a worker here or an agent: saved, shown on the printer, told to its kiosk.

        Only a job still `sent` on this printer ends: one the sweeper has failed meanwhile stays
        failed, as its kiosk was told. Returns whether this outcome was the job's.
        """
        if error:
            self.failed(key, status, error, code or "printer_error")
        else:
            self._printed(key, status)
        final = "failed" if error else "done"
        ended = self.db.write(lambda s: s.execute(
            update(PrintJob).where(PrintJob.id == job_id, PrintJob.printer == key, PrintJob.status == "sent")
            .values(status=final, error=error[:300] if error else None, error_code=code,
                    updated_at=self.clock())).rowcount)
        with self._lock:  # not before: if that write failed, the sweeper still ends the job
            if job_id in self._open and self._open[job_id].key == key:
                del self._open[job_id]
        if ended:
            self._tell(job_id)
        return bool(ended)

    def _tell(self, job_id: int) -> None:
        """Push a job's outcome to the kiosk that issued its ticket (it no longer asks every half second)."""
        if self.on_done is None:
            return

        def read(s: Session) -> tuple[str, dict[str, Any]] | None:
            job = s.get(PrintJob, job_id)
            ticket = s.get(Ticket, job.ticket_id) if job is not None and job.ticket_id is not None else None
            if ticket is None:
                return None
            return ticket.issued_by, {"number": ticket.number, "token": ticket.token, "job": job_id,
                                      "print": job_status(s, ticket.id)}

        try:
            told = self.db.read(read)
            if told is not None:
                self.on_done(*told)
        except Exception:  # the kiosk's fallback still finds the outcome
            log.exception("telling the kiosk about print job %s", job_id)

    def _close(self, job_id: int) -> None:
        with self._lock:
            self._open.pop(job_id, None)

    # -- the sweeper ---------------------------------------------------------

    def _sweep_loop(self) -> None:
        while not self._stopped.wait(SWEEP_EVERY_S):
            try:
                self.sweep()
            except Exception:  # the net under the workers must not fall itself
                log.exception("printer sweeper")

    def sweep(self) -> None:
        """Fail jobs past their deadline, and replace a worker that stopped coming back."""
        now = time.monotonic()
        overdue: list[tuple[int, _Open, str]] = []
        with self._lock:
            for job_id, job in list(self._open.items()):
                if job.began is None and now - job.submitted > PENDING_MAX_S:
                    reason = f"not printed within {PENDING_MAX_S:g} s of issue"
                elif job.began is not None and now - job.began > (limit := self._limit(job.key)):
                    reason = f"not finished within {limit:g} s: " + (
                        "the kiosk's agent did not report it" if is_agent(job.key) else "the printer's worker is stuck")
                    if self._busy.get(job.key) == job_id:  # its worker is still on it: start another
                        del self._busy[job.key]
                        self._start_worker(job.key, self._workers[job.key][0])
                else:
                    continue
                overdue.append((job_id, self._open.pop(job_id), reason))  # a worker now skips it
        for job_id, job, reason in overdue:
            log.error("print job %s on %s: %s", job_id, job.key, reason)
            try:
                ended = self.db.write(lambda s, j=job_id, r=reason: s.execute(
                    update(PrintJob).where(PrintJob.id == j, PrintJob.status.in_(("pending", "sent")))
                    .values(status="failed", error=r, error_code="printer_timeout", updated_at=self.clock())).rowcount)
            except Exception:
                with self._lock:
                    self._open.setdefault(job_id, job)  # the next sweep tries again
                raise
            if not ended:
                continue  # it ended meanwhile (another process printed it): nothing failed here
            self.failed(job.key, {}, reason, "printer_timeout")
            self._tell(job_id)

    # -- status --------------------------------------------------------------

    def _check(self, key: str) -> None:
        started = time.monotonic()
        try:
            url, settings = self.resolve(key)
            status = drivers.printer_status(url, settings)
        except PrinterError as err:
            self.failed(key, {}, str(err), err.code)
            return
        self.observed(key, status.as_dict(), started)

    def observed(self, key: str, status: dict[str, Any], started: float) -> None:
        """A status check begun at `started` (monotonic) answered this: a failure it can see the end of clears."""
        with self._lock:
            state = self._state(key)
            self._fields(state, status)
            failed_at = state["failed_at"]
            if state["error_code"] and failed_at is not None and started >= failed_at \
                    and state["error_code"] in SEEN_BY_STATUS and _healthy(status):
                self._clear(state)
        self.notify(key)

    def _printed(self, key: str, status: dict[str, Any]) -> None:
        with self._lock:
            state = self._state(key)
            self._fields(state, status)
            self._clear(state)
        self.notify(key)

    def failed(self, key: str, status: dict[str, Any], error: str, code: str) -> None:
        with self._lock:
            state = self._state(key)
            self._fields(state, status)
            if code == "printer_unavailable":
                state["online"] = False  # it could not be reached at all
            state.update(last_error=error, error_code=code, failed_at=time.monotonic())
        self.notify(key)

    def condition(self, key: str) -> str:
        """What the kiosks on this printer show before a citizen taps (see `condition`)."""
        with self._lock:
            state = dict(self._state(key))
        if is_agent(key) and self.remote is not None:
            state = self.remote.overlay(key, state)
        return condition(state)

    def notify(self, key: str) -> None:
        """Tell the printer's kiosks when its condition has changed (any thread)."""
        now = self.condition(key)
        with self._lock:
            changed = self._told.get(key) != now
            self._told[key] = now
        if changed and self.on_status is not None:
            try:
                self.on_status(key, now)
            except Exception:  # the kiosks also learn it when they reconnect
                log.exception("telling the kiosks about printer %s", key)

    @staticmethod
    def _fields(state: dict[str, Any], status: dict[str, Any]) -> None:
        for field in ("online", "paper", "cover_open"):
            if field in status:
                state[field] = status[field]

    @staticmethod
    def _clear(state: dict[str, Any]) -> None:
        state.update(last_error=None, error_code=None, failed_at=None)

    def listing(self) -> list[dict[str, Any]]:
        """GET /printers: every printer a kiosk uses or config names, with the kiosks that use it."""
        rows = self.db.read(lambda s: s.execute(
            select(Device.name, Device.printer).where(Device.revoked_at.is_(None), Device.printer.is_not(None))
            .order_by(Device.name)).all())
        kiosks: dict[str, list[str]] = {}
        for name, printer in rows:
            kiosks.setdefault(AGENT + name if printer == AGENT_PRINTER else printer, []).append(name)
        with self._lock:
            for key in kiosks:
                self._state(key)
            pending: dict[str, int] = {}  # queued, or being printed now
            for job in self._open.values():
                pending[job.key] = pending.get(job.key, 0) + 1
            states = [(key, dict(state)) for key, state in self.state.items()
                      if not is_agent(key) or key in kiosks]  # a revoked kiosk's agent printer is gone
        out = []
        for key, state in states:
            names = kiosks.get(key, [])
            via = "server"
            if is_agent(key) and self.remote is not None:
                state, via = self.remote.overlay(key, state), "agent"
            out.append({**{k: state[k] for k in PUBLIC}, "pending_jobs": pending.get(key, 0),
                        "kiosk": ", ".join(names) or None, "kiosks": names, "via": via,
                        "error_code": state["error_code"]})
        return out


def _healthy(status: dict[str, Any]) -> bool:
    """The printer itself said it can print: online, paper in, cover shut, no error (PrinterStatus.as_dict())."""
    return bool(status.get("online") is True and status.get("paper") in ("ok", "near_end")
                and status.get("cover_open") is False and not status.get("error"))
