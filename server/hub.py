"""The live hub: the /hall Socket.IO namespace, one `publish` for every change, in seq order."""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask_socketio import SocketIO, emit

from .state import HallView

log = logging.getLogger(__name__)
NAMESPACE = "/hall"
GAP_WAIT_S = 0.5  # a missing seq this old is given up on; clients resync on the gap


class Hub:
    """Emits each change once, to every hall client, strictly in `seq` order.

    Two requests commit in seq order but may reach `publish` out of order; events
    wait here briefly for their predecessors so that clients never see a false gap.
    """

    def __init__(self, socketio: SocketIO, hall: Any) -> None:
        self.socketio = socketio
        self.hall = hall
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[float, str, dict[str, Any]]] = {}
        self.last_seq = 0
        self._snapshot: tuple[tuple[int, int], dict[str, Any]] | None = None
        self._outbox: Any = None

    def start(self) -> None:
        self.last_seq = self.hall.db.read(lambda s: HallView(s, self.hall.config, self.hall.clock()).snapshot()["seq"])
        self._outbox = self.socketio.server.eio.create_queue()
        self.socketio.start_background_task(self._emitter)
        self.socketio.start_background_task(self._sweep)

    def publish(self, events: list[tuple[int, str, dict[str, Any]]]) -> None:
        """Send committed events to every display, in seq order; the request does not wait for it."""
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
        while True:
            for name, payload in self._outbox.get():
                self.socketio.emit(name, payload, namespace=NAMESPACE)
                if name == "ticket_called":
                    # Let every display's writer send the call before the rest of the batch:
                    # the number on the wall matters more than the counts beside it.
                    self.socketio.sleep(0)

    def _sweep(self) -> None:
        while True:
            self.socketio.sleep(GAP_WAIT_S / 2)
            if self._pending:
                with self._lock:
                    self._emit(self._take_ready(force=True))

    def snapshot(self) -> dict[str, Any]:
        """The hall snapshot; shared between callers while nothing has changed."""
        key = (self.last_seq, int(time.time() // 30))
        cached = self._snapshot
        if cached is not None and cached[0] == key:
            return cached[1]
        snap = self.hall.db.read(lambda s: HallView(s, self.hall.config, self.hall.clock()).snapshot())
        if snap["seq"] == key[0]:
            self._snapshot = (key, snap)
        return snap


def register(socketio: SocketIO, hub: Hub) -> None:
    """The /hall namespace: snapshot on connect, resync on request."""

    @socketio.on("connect", namespace=NAMESPACE)
    def connected(auth: Any = None) -> None:
        """Every new display starts from the full snapshot."""
        emit("snapshot", hub.snapshot())

    @socketio.on("resync", namespace=NAMESPACE)
    def resync(_data: Any = None) -> dict[str, Any]:
        """A client saw a gap in seq: the snapshot comes back in the acknowledgement."""
        return hub.snapshot()

    @socketio.on("ping_hall", namespace=NAMESPACE)
    def ping_hall(_data: Any = None) -> dict[str, Any]:
        """Liveness: the last seq sent and the server's clock."""
        return {"seq": hub.last_seq, "server_time": time.time()}
