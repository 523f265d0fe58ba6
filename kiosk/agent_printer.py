"""The agent's printer side: one thread prints the jobs in order, asks the idle printer, keeps the results.

Socket.IO's callbacks only hand jobs in (`submit`) and mark results acknowledged
(`acked`); everything that touches the printer runs on this one thread, so a job
and a status query never fight over the port. A result stays in `unacked` until
the server acknowledges it, and goes out again, in job order, after each reconnect.
A job id is remembered (the last SEEN_MAX of them): a job delivered twice prints once.
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from printer_drivers.errors import PrinterError, PrinterOffline
from printer_drivers.job import print_ticket, printer_status
from printer_drivers.settings import PrinterSettings
from printer_drivers.status import UNKNOWN, PrinterStatus, raise_for_status
from printer_drivers.ticket import TicketView
from printer_drivers.transports import transport_for

log = logging.getLogger("hallq.agent")

SEEN_MAX = 1000  # job ids remembered for dedupe
POLL_EVERY_S = 2.0  # an idle printer is asked this often, so a change is reported within seconds
REPORT_EVERY_S = 5.0  # the status goes to the server at least this often, changed or not
STATUS_TIMEOUT_S = 3.0  # one idle status query, at most
_VIEW_FIELDS = {f.name for f in dataclasses.fields(TicketView)}

#: send(event, data, callback) -> True when it went out on a live connection.
Sender = Callable[[str, dict[str, Any], Callable[..., None] | None], bool]


def ticket_view(view: dict[str, Any]) -> TicketView:
    """The job's stored view as a TicketView; keys a newer server added are left out."""
    known = {k: v for k, v in view.items() if k in _VIEW_FIELDS}
    return TicketView(**{**known, "issued_at": datetime.fromisoformat(str(view["issued_at"]))})


def status_report(status: PrinterStatus, error: PrinterError | None = None) -> dict[str, Any]:
    """The `status` event's payload: the printer's fields, and the error that stops it printing, if any."""
    online = status.online
    if error is not None and error.code == "printer_unavailable":
        online = False  # it could not be opened at all
    return {"online": online, "paper": status.paper, "cover_open": status.cover_open, "fault": status.error,
            "error": str(error) if error is not None else None, "code": error.code if error is not None else None}


class AgentPrinter:
    """The printer thread, the dedupe memory and the results not yet acknowledged."""

    def __init__(self, url: str, settings: PrinterSettings, send: Sender | None = None) -> None:
        self.url, self.settings = url, settings
        self.send: Sender = send or (lambda event, data, callback=None: False)
        transport = transport_for(url, settings.flow_control)
        self._require = transport.expects_status if settings.require_status is None else settings.require_status
        self._lock = threading.Lock()
        # (rank, order, item): the stop first, then jobs by id, then wake-ups. python-socketio hands
        # each event to its own thread, so two jobs that come close together may arrive swapped.
        self._jobs: queue.PriorityQueue[tuple[int, int, dict[str, Any] | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._seen: OrderedDict[int, dict[str, Any] | None] = OrderedDict()  # id -> its result, once known
        self._unacked: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._sent_on: dict[int, int] = {}  # result id -> the connection it went out on
        self._connection = 0  # counts connections; 0: none yet
        self._connected = False
        self._status: dict[str, Any] | None = None
        self._reported: dict[str, Any] | None = None  # what the server was last told
        self._logged: dict[str, Any] | None = None  # what the log last said
        self._reported_at = 0.0
        self._polled_at = 0.0
        self._stopping = False
        self._thread: threading.Thread | None = None

    # -- called from Socket.IO's thread ------------------------------------------

    def submit(self, job: Any) -> None:
        """A `job` event: queue it, unless its id was seen (then re-send its result, if known)."""
        if not isinstance(job, dict) or isinstance(job.get("id"), bool) or not isinstance(job.get("id"), int):
            log.warning("ignored a job without an id: %.200r", job)
            return
        job_id = job["id"]
        with self._lock:
            known = job_id in self._seen
            result = self._seen.get(job_id)
            if not known:
                self._seen[job_id] = None
                while len(self._seen) > SEEN_MAX:
                    self._seen.popitem(last=False)
                if not self._stopping:
                    self._put(job)
                    return
            elif result is not None:
                self._unacked.setdefault(job_id, result)
                self._sent_on.pop(job_id, None)
        if not known:  # it came while the agent stops: failed at once, never printed later
            self._finish(job_id, PrinterOffline("the kiosk PC's agent is stopping"), None)
        elif result is None:
            log.info("job %s came again while it is queued or printing: printed once", job_id)
        else:
            log.info("job %s came again: its result (%s) is sent again, not printed twice", job_id,
                     "printed" if result["ok"] else result["code"])
            self.flush()

    def connected(self) -> None:
        """A new connection: every unacknowledged result and the status go out again."""
        with self._lock:
            self._connection += 1
            self._connected = True
            self._reported_at = 0.0  # report the status at once
        self.flush()
        self._put({"wake": True})

    def disconnected(self) -> None:
        """The connection dropped: results wait for the next one."""
        with self._lock:
            self._connected = False

    def acked(self, job_id: int, answer: Any = None) -> None:
        """The server took a result."""
        if not (isinstance(answer, dict) and answer.get("ok") is True):
            log.warning("the server answered %.200r to the result of job %s", answer, job_id)
        with self._lock:
            self._unacked.pop(job_id, None)
            self._sent_on.pop(job_id, None)

    # -- for the agent and for tests ----------------------------------------------

    def unacked(self) -> list[dict[str, Any]]:
        """The results the server has not acknowledged yet, in job order."""
        with self._lock:
            return list(self._unacked.values())

    def flush(self) -> None:
        """Send, in job order, each unacknowledged result not yet sent on this connection."""
        while True:
            with self._lock:
                if not self._connected:
                    return
                connection = self._connection
                due = [(i, r) for i, r in self._unacked.items() if self._sent_on.get(i) != connection]
                if not due:
                    return
                job_id, result = due[0]
                self._sent_on[job_id] = connection
            if not self.send("result", result, lambda answer=None, i=job_id: self.acked(i, answer)):
                with self._lock:
                    if self._sent_on.get(job_id) == connection:
                        del self._sent_on[job_id]
                return

    def _put(self, item: dict[str, Any] | None) -> None:
        if item is None:
            self._jobs.put((-1, 0, None))
        elif "id" in item:
            self._jobs.put((0, item["id"], item))
        else:
            self._jobs.put((1, next(self._order), item))

    def start(self) -> None:
        """Start the printer thread."""
        self._thread = threading.Thread(target=self._run, name="hallq-agent-printer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Print no new job, let the one on the printer finish; True when the thread ended in time."""
        with self._lock:
            self._stopping = True
        self._put(None)
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- the printer thread -------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                due = self._polled_at + POLL_EVERY_S
                if self._connected and self._status is not None:
                    due = min(due, self._reported_at + REPORT_EVERY_S)
            wait = max(0.05, due - time.monotonic())
            try:
                job = self._jobs.get(timeout=wait)[2]
            except queue.Empty:
                job = {"wake": True}
            if job is None:
                self._drop_queued()
                return
            try:
                if "id" in job:
                    self._print(job)
                elif time.monotonic() - self._polled_at >= POLL_EVERY_S:
                    self._poll()
                self._report()
            except Exception:  # a bug of ours must not end the thread: the next job still prints
                log.exception("agent printer thread")

    def _print(self, job: dict[str, Any]) -> None:
        job_id, number = job["id"], str(job.get("number") or "?")
        with self._lock:
            stopping = self._stopping
        if stopping:  # queued behind the stop: failed now, not left to time out on the server
            log.warning("job %s (%s) not printed: the agent is stopping", job_id, number)
            self._finish(job_id, PrinterOffline("the kiosk PC's agent stopped before printing this ticket"), None)
            return
        started = time.monotonic()
        error: PrinterError | None = None
        status: PrinterStatus | None = None  # None: the printer was not asked
        try:
            view = ticket_view(job.get("view") or {})
        except (KeyError, TypeError, ValueError) as err:
            error = PrinterError(f"the server sent a ticket this agent cannot read: {err}")
        else:
            try:
                status = print_ticket(self.url, self.settings, view)
            except PrinterError as err:
                error, status = err, err.status if isinstance(err.status, PrinterStatus) else UNKNOWN
            except Exception as err:  # a bug of ours: the job still ends, with a reason
                log.exception("job %s", job_id)
                error = PrinterError(f"printing failed unexpectedly: {err}")
        took = time.monotonic() - started
        if error is None:
            log.info("printed %s (job %s) in %.2f s", number, job_id, took)
        else:
            log.warning("job %s (%s) failed in %.2f s: %s: %s", job_id, number, took, error.code, error)
        self._finish(job_id, error, status)

    def _finish(self, job_id: int, error: PrinterError | None, status: PrinterStatus | None) -> None:
        """Keep the job's result until acked and send it; the printer's status, when it was asked, is news."""
        seen = status or UNKNOWN
        result = {"id": job_id, "ok": error is None, "error": str(error) if error is not None else None,
                  "code": error.code if error is not None else None,
                  "status": {"online": seen.online, "paper": seen.paper, "cover_open": seen.cover_open,
                             "fault": seen.error}}
        with self._lock:
            if job_id in self._seen:
                self._seen[job_id] = result
            self._unacked[job_id] = result
            if status is not None:
                self._status = status_report(status, error)
                self._polled_at = time.monotonic()  # the job's own status is as fresh as a query
        self.flush()

    def _drop_queued(self) -> None:
        """Jobs that came but never began when the agent stops: failed now, not left to time out."""
        while True:
            try:
                job = self._jobs.get_nowait()[2]
            except queue.Empty:
                return
            if job and "id" in job:
                log.warning("job %s not printed: the agent is stopping", job["id"])
                stopped = PrinterOffline("the kiosk PC's agent stopped before printing this ticket")
                self._finish(job["id"], stopped, None)

    def _poll(self) -> None:
        error: PrinterError | None = None
        try:
            status = printer_status(self.url, self.settings, STATUS_TIMEOUT_S)
            if self._require and not status.answered:
                raise PrinterOffline("printer does not answer (switched off, unplugged or wrong baud rate?)", status)
            raise_for_status(status)
        except PrinterError as err:
            error, status = err, err.status if isinstance(err.status, PrinterStatus) else UNKNOWN
        with self._lock:
            self._status = status_report(status, error)
            self._polled_at = time.monotonic()

    def _report(self) -> None:
        """Send the status when it changed, or when the last report is REPORT_EVERY_S old."""
        now = time.monotonic()
        with self._lock:
            status = self._status
            if status is None:
                return
            if status != self._logged:
                self._logged = status
                log.info("printer: %s", describe(status))
            if not self._connected or (status == self._reported and now - self._reported_at < REPORT_EVERY_S):
                return
        if self.send("status", status, None):
            with self._lock:
                self._reported, self._reported_at = status, now


def describe(status: dict[str, Any]) -> str:
    """One line about the printer, for the log."""
    if status.get("code"):
        return f"{status['code']}: {status['error']}"
    online = {True: "online", False: "offline"}.get(status.get("online"), "status unknown")
    cover = {True: ", cover open", False: ", cover shut"}.get(status.get("cover_open"), "")
    return f"{online}, paper {status.get('paper')}{cover}"
