"""Printers on the kiosks' own PCs: `hallq agent` (kiosk/agent.py) over the /agent namespace.

A kiosk registered with `--printer agent` has its print jobs keyed `agent:<kiosk>`
(server/printing.py). Its agent holds one Socket.IO connection here, authenticated by
the kiosk's device token. One task, the pump, hands each connected agent its jobs: one
at a time, oldest first, the next only after the agent has reported the last one.

- A job is handed over once: the pump moves it `pending` → `sent` with a conditional
  UPDATE, so it is never sent twice, by this process or another; a job not begun
  within a minute of issue is failed by the printers' sweeper and never sent.
- A `sent` job ends with the agent's `result`, or, when none comes within the agent's
  job timeout plus slack (an agent killed mid-job, a link that died), the sweeper fails
  it. A result that arrives after that changes nothing: printed once or failed, never twice.
- The agent reports its printer's status when it changes and every few seconds; an agent
  not connected, or not heard from for QUIET_S, reads offline (GET /printers, the
  dashboard's alert, the kiosk page's warning).
- Each turn the pump also looks for revoked devices: their agents are told why and
  disconnected within PUMP_S, whether the revoke came from the API or the CLI.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO
from sqlalchemy import select, update

from .auth import AGENT_KEY, resolve
from .messages import message
from .printing import PENDING_MAX_S, Printers
from .records import Device, PrintJob
from .storage import Database

log = logging.getLogger(__name__)
NAMESPACE = "/agent"
PUMP_S = 1.0  # how often the pump looks for jobs of other processes and for revoked devices
QUIET_S = 15.0  # an agent not heard from for this long reads offline
DEFAULT_JOB_TIMEOUT_S = 10.0  # printer_drivers' default job_timeout_s, for an agent that does not say
URL_MAX = 300


@dataclass
class Link:
    """One connected agent."""

    key: str  # agent:<kiosk>
    kiosk: str
    device_id: int
    sid: str
    url: str  # the printer URL the agent drives, as it says
    job_timeout_s: float
    session: str  # made once per agent process: a reconnect keeps it, a restarted agent has a new one
    heard: float = field(default_factory=time.monotonic)  # monotonic: last packet from the agent


class Agents:
    """The connected agents of this process, and the pump that feeds them their jobs."""

    def __init__(self, printers: Printers, db: Database, socketio: SocketIO, clock: Any) -> None:
        self.printers, self.db, self.socketio, self.clock = printers, db, socketio, clock
        self.links: dict[str, Link] = {}  # key -> its live link
        self.by_sid: dict[str, str] = {}  # sid -> key
        self.last_url: dict[str, str] = {}  # key -> the printer URL its agent last said, for GET /printers
        # key -> (the job handed over and not yet reported, the agent session it went to). Kept across
        # a reconnect of the same agent, whose result may still come: no second job meanwhile.
        self.in_flight: dict[str, tuple[int, str]] = {}
        self._lock = threading.Lock()  # the tables above; never held across I/O
        self._wake: Any = None
        self._stopped: Any = None
        self._task: Any = None
        printers.remote = self

    # -- life ----------------------------------------------------------------

    def start(self) -> None:
        eio = self.socketio.server.eio
        self._wake, self._stopped = eio.create_event(), eio.create_event()
        self._task = self.socketio.start_background_task(self._pump)

    def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            self._stopped.set()
            self._wake.set()
            task.join()

    def wake(self) -> None:
        """A job for an agent was committed: hand it over now rather than at the next turn."""
        if self._wake is not None:
            self._wake.set()

    # -- what the printers ask -----------------------------------------------

    def job_timeout_s(self, key: str) -> float:
        link = self.links.get(key)
        return link.job_timeout_s if link is not None else DEFAULT_JOB_TIMEOUT_S

    def overlay(self, key: str, state: dict[str, Any]) -> dict[str, Any]:
        """A printer's state as its agent's link makes it: offline while no agent is there to print."""
        link = self.links.get(key)
        out = {**state, "url": link.url if link is not None else self.last_url.get(key, "agent")}
        if link is None or time.monotonic() - link.heard > QUIET_S:
            reason = "the kiosk's agent is not connected" if link is None else \
                f"the kiosk's agent has sent nothing for {QUIET_S:g} s"
            out.update(online=False, last_error=reason, error_code="agent_offline")
        return out

    # -- the connection ------------------------------------------------------

    def connect(self, sid: str, auth: Any) -> Link:
        """A new agent: its token must be a live kiosk's with `--printer agent`; a newer link replaces an older."""
        auth = auth if isinstance(auth, dict) else {}
        token = auth.get("token")
        principal = self.db.read(lambda s: resolve(s, token, self.clock())) \
            if isinstance(token, str) and 0 < len(token) <= 200 else None  # never a cached principal
        if principal is None:
            raise _refuse("unauthenticated")
        key = AGENT_KEY + principal.name
        if not principal.is_device("kiosk") or principal.printer != key:
            raise _refuse("not_an_agent_kiosk", name=principal.name)
        url = auth.get("printer")
        url = url.strip()[:URL_MAX] if isinstance(url, str) and url.strip() else "agent"
        timeout = auth.get("job_timeout_s")
        ok = isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and 0 < timeout <= 60
        session = auth.get("session")
        session = session[:64] if isinstance(session, str) and session else sid
        link = Link(key=key, kiosk=principal.name, device_id=principal.device_id or 0, sid=sid, url=url,
                    job_timeout_s=float(timeout) if ok else DEFAULT_JOB_TIMEOUT_S, session=session)
        with self._lock:
            old = self.links.get(key)
            if old is not None:
                self.by_sid.pop(old.sid, None)
            self.links[key], self.by_sid[sid] = link, key
            self.last_url[key] = url
            flying = self.in_flight.get(key)
            if flying is not None and flying[1] != session:
                # A new agent process: the one that had the job is gone (or is being sent away). Its
                # job stays `sent` until the sweeper fails it; it is never sent again.
                del self.in_flight[key]
        if old is not None:
            log.warning("agent of %s: a newer connection replaces %s", principal.name, old.sid)
            self._send_away(old.sid, "agent_replaced")
        log.info("agent of %s connected (%s, printer %s)", principal.name, request.remote_addr, url)
        self.printers.notify(key)
        self.wake()
        return link

    def disconnected(self, sid: str) -> None:
        with self._lock:
            key = self.by_sid.pop(sid, None)
            link = self.links.get(key) if key else None
            if link is None or link.sid != sid:
                return
            del self.links[key]
        log.info("agent of %s disconnected", link.kiosk)
        self.printers.notify(link.key)  # its kiosk warns at once: "Máy in tạm ngừng"

    def _link(self, sid: str) -> Link | None:
        with self._lock:
            key = self.by_sid.get(sid)
            return self.links.get(key) if key else None

    def result(self, sid: str, data: Any) -> dict[str, Any]:
        """An agent reports a job: saved (if it is still this agent's `sent` job), then the next one goes."""
        link = self._link(sid)
        if link is None:
            return {"ok": False, "error": {"code": "unauthenticated"}}
        link.heard = time.monotonic()
        job = data.get("id") if isinstance(data, dict) else None
        if not isinstance(job, int) or isinstance(job, bool) or not isinstance(data.get("ok"), bool):
            return {"ok": False, "error": {"code": "invalid_body"}}
        error = None if data["ok"] else (_text(data.get("error")) or "the agent could not print")
        code = None if data["ok"] else (_text(data.get("code"), 32) or "printer_error")
        self.printers.finish(link.key, job, _status(data.get("status")), error, code)
        with self._lock:
            if self.in_flight.get(link.key, (None,))[0] == job:
                del self.in_flight[link.key]
        self.wake()
        return {"ok": True}

    def status(self, sid: str, data: Any) -> None:
        """An agent's report of its printer: online, paper, cover, and an error it could not print past."""
        link = self._link(sid)
        if link is None or not isinstance(data, dict):
            return
        link.heard = started = time.monotonic()
        error, code = _text(data.get("error")), _text(data.get("code"), 32)
        if error:  # the agent could not reach its printer, say: the same as a failed check here
            self.printers.failed(link.key, _status(data), error, code or "printer_error")
        else:
            self.printers.observed(link.key, _status(data), started)

    def _send_away(self, sid: str, code: str) -> None:
        """Tell an agent why it goes (it exits with that line), then close its connection."""
        self.socketio.emit("refused", {"code": code, "message": message(code, "en")}, namespace=NAMESPACE, to=sid)
        self.socketio.server.disconnect(sid, namespace=NAMESPACE)

    # -- the pump ------------------------------------------------------------

    def _pump(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(PUMP_S)
            self._wake.clear()
            if self._stopped.is_set():
                break
            try:
                self._turn()
            except Exception:  # the pump must outlive a bad turn (a busy database, say)
                log.exception("agents' pump")

    def _turn(self) -> None:
        with self._lock:
            links = list(self.links.values())
        if not links:
            return
        ids = [link.device_id for link in links]
        revoked = set(self.db.read(lambda s: s.execute(
            select(Device.id).where(Device.id.in_(ids), Device.revoked_at.is_not(None))).scalars().all()))
        for link in links:
            if link.device_id in revoked:
                log.warning("agent of %s: its device was revoked; disconnecting it", link.kiosk)
                self._send_away(link.sid, "unauthenticated")
                continue
            with self._lock:
                flying = self.in_flight.get(link.key)
                if flying is not None and not self.printers.is_open(flying[0]):
                    del self.in_flight[link.key]  # the sweeper failed it: the next job may go
                    flying = None
            if flying is None:
                self._hand_over(link)
            self.printers.notify(link.key)  # an agent gone quiet reads offline

    def _hand_over(self, link: Link) -> None:
        """The oldest pending job of this kiosk, claimed (pending → sent) and sent to its agent."""
        now = self.clock()

        def claim(s):
            for job in s.execute(select(PrintJob).where(
                    PrintJob.printer == link.key, PrintJob.status == "pending",
                    PrintJob.created_at >= now - timedelta(seconds=PENDING_MAX_S)).order_by(PrintJob.id).limit(3)).scalars():
                taken = s.execute(update(PrintJob).where(PrintJob.id == job.id, PrintJob.status == "pending")
                                  .values(status="sent", attempts=PrintJob.attempts + 1, updated_at=now)).rowcount
                if taken:
                    return job.id, job.view
            return None

        claimed = self.db.write(claim)
        if claimed is None:
            return
        job_id, view = claimed
        with self._lock:
            self.in_flight[link.key] = (job_id, link.session)
        self.printers.began(job_id, link.key)
        self.socketio.emit("job", {"id": job_id, "view": view, "number": view.get("number")},
                           namespace=NAMESPACE, to=link.sid)


def _text(value: Any, limit: int = 300) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _status(data: Any) -> dict[str, Any]:
    """The printer status fields an agent may report, and nothing else."""
    data = data if isinstance(data, dict) else {}
    out: dict[str, Any] = {}
    if data.get("online") is None or isinstance(data.get("online"), bool):
        out["online"] = data.get("online")
    if data.get("paper") in ("ok", "near_end", "out", "unknown"):
        out["paper"] = data["paper"]
    if data.get("cover_open") is None or isinstance(data.get("cover_open"), bool):
        out["cover_open"] = data.get("cover_open")
    if isinstance(data.get("fault"), bool):
        out["error"] = data["fault"]  # the printer's own error bit (PrinterStatus.error)
    return out


def _refuse(code: str, **params: Any) -> ConnectionRefusedError:
    return ConnectionRefusedError(message(code, "en", **params), {"code": code})


def register(socketio: SocketIO, agents: Agents) -> None:
    """The /agent namespace: connect with the kiosk's token, `result` and `status` from the agent."""

    @socketio.on("connect", namespace=NAMESPACE)
    def connected(auth: Any = None) -> None:
        """A kiosk's agent: welcomed by its kiosk's name, then sent its jobs."""
        link = agents.connect(request.sid, auth)
        socketio.emit("welcome", {"kiosk": link.kiosk}, namespace=NAMESPACE, to=request.sid)

    @socketio.on("disconnect", namespace=NAMESPACE)
    def disconnected(*_args: Any) -> None:
        """Forget the link; a job it had stays `sent` until its result comes or the sweeper fails it."""
        agents.disconnected(request.sid)

    @socketio.on("result", namespace=NAMESPACE)
    def result(data: Any = None) -> dict[str, Any]:
        """A job's outcome, acknowledged so that the agent can forget it."""
        return agents.result(request.sid, data)

    @socketio.on("status", namespace=NAMESPACE)
    def status(data: Any = None) -> None:
        """The agent's printer, as it is now."""
        agents.status(request.sid, data)
