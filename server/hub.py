"""The live hub: the /hall Socket.IO namespace, one `publish` for every change, in seq order.

Clients are told apart when they connect: people (staff and up, by the login cookie or a
bearer token in the Socket.IO `auth`) join the staff room; devices, ticket holders and
anonymous boards join the public room, whose copy of each event leaves out what
server/state.py calls private. Each client is in one room and each room gets the events in
seq order, so seq, gaps and resync work per client as before.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import request, session
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

from .auth import RateLimiter
from .messages import message
from .state import AUDIENCES, PUBLIC, STAFF, HallView, for_audience

log = logging.getLogger(__name__)
NAMESPACE = "/hall"
GAP_WAIT_S = 0.5  # a missing seq this old is given up on; clients resync on the gap
RESYNCS_PER_MINUTE, RESYNC_BURST = 20, 5  # a board resyncs once per gap; a loop of them is not a board


class Hub:
    """Emits each change once per audience, to every hall client, strictly in `seq` order.

    Two requests commit in seq order but may reach `publish` out of order; events
    wait here briefly for their predecessors so that clients never see a false gap.
    """

    def __init__(self, socketio: SocketIO, hall: Any) -> None:
        self.socketio = socketio
        self.hall = hall
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[float, str, dict[str, Any]]] = {}
        self.last_seq = 0
        self._snapshot: tuple[tuple[int, int], dict[str, Any], dict[str, Any]] | None = None
        self._building = threading.Lock()
        self._started = 0  # snapshot reads begun so far; a caller may share one begun after it asked
        self._latest: tuple[int, tuple[dict[str, Any], dict[str, Any]]] | None = None
        self._outbox: Any = None
        self._tasks: list[Any] = []
        self._stopped: Any = None
        self.audience: dict[str, str] = {}  # sid -> the room it is in
        self.resyncs = RateLimiter(RESYNCS_PER_MINUTE, burst=RESYNC_BURST)

    def start(self) -> None:
        self.last_seq = self.hall.db.read(lambda s: HallView(s, self.hall.config, self.hall.clock()).snapshot()["seq"])
        self._outbox = self.socketio.server.eio.create_queue()
        self._stopped = self.socketio.server.eio.create_event()
        self._tasks = [self.socketio.start_background_task(self._emitter),
                       self.socketio.start_background_task(self._sweep)]

    def stop(self) -> None:
        """End the emitter (after what is in its outbox) and the sweeper; safe to call twice."""
        tasks, self._tasks = self._tasks, []
        if tasks:
            self._stopped.set()
            self._outbox.put(None)
            for task in tasks:
                task.join()

    def publish(self, events: list[tuple[int, str, dict[str, Any]]]) -> None:
        """Send committed events to every display, in seq order; the request does not wait for it."""
        if not self._tasks:
            return  # not started (an app built for a test): nobody is listening
        with self._lock:
            now = time.monotonic()
            for seq, name, payload in events:
                if seq > self.last_seq:
                    self._pending[seq] = (now, name, payload)
            self._emit(self._take_ready(force=False))

    def _take_ready(self, *, force: bool) -> list[tuple[str, dict[str, Any]]]:
        ready = []
        while self._pending:
            nxt = self.last_seq + 1
            if nxt not in self._pending:
                oldest = min(self._pending)
                if not force or time.monotonic() - self._pending[oldest][0] < GAP_WAIT_S:
                    break
                log.warning("seq %d..%d never arrived; skipping (clients will resync)", nxt, oldest - 1)
                nxt = oldest
            _, name, payload = self._pending.pop(nxt)
            self.last_seq = nxt
            ready.append((name, payload))
        return ready

    def _emit(self, ready: list[tuple[str, dict[str, Any]]]) -> None:
        if ready:  # taken under the lock, so batches enter the outbox in seq order
            self._outbox.put(ready)

    def _emitter(self) -> None:
        """The one task that talks to the clients, so a busy hall never slows a request."""
        while (batch := self._outbox.get()) is not None:
            for name, payload in batch:
                public = for_audience(name, payload, PUBLIC)
                if public is payload:  # nothing private in it: one packet for everyone
                    self.socketio.emit(name, payload, namespace=NAMESPACE, to=list(AUDIENCES))
                else:
                    self.socketio.emit(name, payload, namespace=NAMESPACE, to=STAFF)
                    self.socketio.emit(name, public, namespace=NAMESPACE, to=PUBLIC)
                if name == "ticket_called":
                    # Let every display's writer send the call before the rest of the batch:
                    # the number on the wall matters more than the counts beside it.
                    self.socketio.sleep(0)

    def _sweep(self) -> None:
        while not self._stopped.wait(GAP_WAIT_S / 2):
            if self._pending:
                with self._lock:
                    self._emit(self._take_ready(force=True))

    def snapshot(self, audience: str = STAFF) -> dict[str, Any]:
        """The hall snapshot as `audience` may see it; shared between callers while nothing has changed."""
        key = (self.last_seq, int(time.time() // 30))
        cached = self._snapshot
        if cached is not None and cached[0] == key:
            return cached[1] if audience == STAFF else cached[2]
        asked = self._started
        with self._building:  # one database read at a time, however many clients ask at once
            if self._latest is not None and self._latest[0] > asked:
                pair = self._latest[1]  # a read that began after we asked: as fresh as our own
            else:
                self._started += 1
                began = self._started
                snap = self.hall.db.read(lambda s: HallView(s, self.hall.config, self.hall.clock()).snapshot())
                pair = (snap, for_audience("snapshot", snap, PUBLIC))
                self._latest = (began, pair)
                if snap["seq"] == key[0]:
                    self._snapshot = (key, *pair)
        return pair[0] if audience == STAFF else pair[1]


def _refuse(code: str) -> ConnectionRefusedError:
    """The client's connect_error carries {message, data: {code}}, Socket.IO's own shape."""
    return ConnectionRefusedError(message(code, _lang()), {"code": code})


def _lang() -> str:
    best = request.accept_languages.best_match(["vi", "en"]) if request else None
    return best or "vi"


def audience_of(auth: Any) -> str:
    """Which room a new /hall client joins; refuses bad credentials, and anonymous ones on a private hall.

    People (staff and up) by the pages' login cookie or a bearer token in `auth.token`;
    devices by their token; a citizen's phone by its ticket's token in `auth.ticket`.
    """
    from .api import principal_for
    from .context import hall
    from .queueing.models import Ticket

    h = hall()
    auth = auth if isinstance(auth, dict) else {}
    token, ticket = auth.get("token"), auth.get("ticket")
    if token is not None:
        principal = principal_for(token, via_cookie=False) if isinstance(token, str) and token else None
        if principal is None:
            raise _refuse("unauthenticated")
        return STAFF if principal.at_least("staff") else PUBLIC
    if session.get("token"):
        principal = principal_for(session["token"], via_cookie=True)
        if principal is not None and principal.at_least("staff"):
            return STAFF
    if ticket is not None:
        from sqlalchemy import select

        found = isinstance(ticket, str) and 0 < len(ticket) <= 64 and h.db.read(
            lambda s: s.execute(select(Ticket.id).where(Ticket.token == ticket)).first()) is not None
        if not found:
            raise _refuse("unauthenticated")
        return PUBLIC
    if not h.config.display.public:
        raise _refuse("unauthenticated")
    return PUBLIC


def register(socketio: SocketIO, hub: Hub) -> None:
    """The /hall namespace: snapshot on connect, resync on request, ping."""

    @socketio.on("connect", namespace=NAMESPACE)
    def connected(auth: Any = None) -> None:
        """Every new client starts from the full snapshot it may see."""
        audience = audience_of(auth)
        hub.audience[request.sid] = audience
        join_room(audience)
        emit("snapshot", hub.snapshot(audience))

    @socketio.on("disconnect", namespace=NAMESPACE)
    def disconnected(*_args: Any) -> None:
        """Forget the client."""
        hub.audience.pop(request.sid, None)
        hub.resyncs.forget(request.sid)

    @socketio.on("resync", namespace=NAMESPACE)
    def resync(_data: Any = None) -> dict[str, Any]:
        """A client saw a gap in seq: the snapshot comes back in the acknowledgement (a few a minute)."""
        if not hub.resyncs.allow(request.sid):
            return {"error": {"code": "rate_limited", "message": message("rate_limited", _lang())}}
        return hub.snapshot(hub.audience.get(request.sid, PUBLIC))

    @socketio.on("ping_hall", namespace=NAMESPACE)
    def ping_hall(_data: Any = None) -> dict[str, Any]:
        """Liveness: the last seq sent and the server's clock."""
        return {"seq": hub.last_seq, "server_time": time.time()}

    _guard_packets(socketio)
    from .serving import OneLine

    for name in ("engineio.server", "socketio.server"):
        logger = logging.getLogger(name)
        logger.addFilter(OneLine())
        if logging.getLogger().handlers:  # Engine.IO adds a handler of its own: each line came out twice
            for handler in list(logger.handlers):
                logger.removeHandler(handler)


def _guard_packets(socketio: SocketIO) -> None:
    """A packet Socket.IO cannot read is one log line, and its client is disconnected.

    python-socketio lets the decoding error escape to Engine.IO, which logs a traceback for
    every such packet: a client sending garbage could fill the disk with them.
    """
    server = socketio.server
    handle = server._handle_eio_message
    dropped: dict[str, None] = {}  # clients being disconnected: what they still send is ignored

    def guarded(eio_sid: str, data: Any) -> None:
        if eio_sid in dropped:
            return
        try:
            handle(eio_sid, data)
        except Exception as err:  # noqa: BLE001 - anything the packet decoder or dispatcher raises
            environ = server.environ.get(eio_sid) or {}
            log.warning("malformed Socket.IO packet from %s: %s: %.120s; disconnecting it",
                        environ.get("REMOTE_ADDR", "?"), type(err).__name__, err)
            dropped[eio_sid] = None
            while len(dropped) > 1000:  # engine.io ids are never reused; keep the newest
                dropped.pop(next(iter(dropped)))
            socketio.start_background_task(server.eio.disconnect, eio_sid)

    server.eio.on("message", guarded)
