"""A hall display: a real Socket.IO client on /hall that keeps the snapshot, the events and `seq`.

python-socketio's client runs each incoming message in its own thread, so handlers
may see events out of wire order. This client handles messages on the reading
thread instead, so `wire` and `events` are exactly the order the server sent.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import engineio
import socketio

NAMESPACE = "/hall"
EVENTS = ("ticket_called", "queue_changed", "counter_changed", "ticket_rated")


class _OrderedEngineIO(engineio.Client):
    def _receive_packet(self, pkt):  # noqa: D401 - engine.io hook
        if pkt.packet_type == engineio.packet.MESSAGE:
            self._trigger_event("message", pkt.data, run_async=False)
        else:
            super()._receive_packet(pkt)


class _OrderedClient(socketio.Client):
    def _engineio_client_class(self):
        return _OrderedEngineIO


@dataclass
class Event:
    name: str
    payload: dict[str, Any]

    @property
    def seq(self) -> int | None:
        return self.payload.get("seq") if isinstance(self.payload, dict) else None


@dataclass
class Gap:
    expected: int
    got: int


@dataclass
class _Pending:
    on: Callable[[Event], bool]
    count: int
    dropped: list[Event] = field(default_factory=list)


class Display:
    """What a hall TV knows: `snapshot`, `seq`, and every event in the order it came.

    - `wire`: every event as received, snapshots and resync answers included.
    - `events`: the change events received (not dropped), in order.
    - `seq`: the last seq applied; a snapshot sets it, each next event moves it by one.
    - `gaps`: each time an event skipped seqs. With `auto_resync` (the default) the
      display then emits `resync` and applies the snapshot in the acknowledgement
      (`resyncs`), as the contract asks of a client.
    - `drop(...)`: the next matching event(s) are discarded on arrival, as if lost.
    """

    def __init__(self, url: str, *, token: str | None = None, auto_resync: bool = True,
                 transports: tuple[str, ...] = ("websocket",), name: str = "display",
                 client: dict[str, Any] | None = None) -> None:
        self.url = url
        self.token = token
        self.auto_resync = auto_resync
        self.transports = list(transports)
        self.name = name
        self.sio = _OrderedClient(**{"reconnection": False, **(client or {})})  # python-socketio Client options
        self.cond = threading.Condition()
        self.wire: list[Event] = []
        self.events: list[Event] = []
        self.snapshot: dict[str, Any] | None = None
        self.first_snapshot: dict[str, Any] | None = None
        self.seq: int | None = None
        self.gaps: list[Gap] = []
        self.resyncs: list[dict[str, Any]] = []
        self.dropped: list[Event] = []
        self.disconnected = False
        self._early: list[Event] = []  # events before the first snapshot
        self._held: list[Event] = []   # events while waiting for a resync answer
        self._resyncing = False
        self._drops: list[_Pending] = []
        self.sio.on("snapshot", self._on_snapshot, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        for name_ in EVENTS:
            self.sio.on(name_, self._handler(name_), namespace=NAMESPACE)
        self.sio.on("*", self._on_other, namespace=NAMESPACE)

    # -- connection ------------------------------------------------------

    def connect(self, timeout: float = 15.0) -> "Display":
        """Connect to /hall and wait for the first snapshot."""
        self.sio.connect(self.url, namespaces=[NAMESPACE], transports=self.transports,
                         auth={"token": self.token} if self.token else None, wait_timeout=timeout)
        self.wait_for(lambda: self.first_snapshot is not None, timeout, "the snapshot on connect")
        return self

    def close(self, wait: float = 0.0) -> None:
        """Disconnect. In the background by default: under the threading server the
        websocket close handshake is never answered and the client waits 3 s for it."""
        def bye() -> None:
            try:
                self.sio.disconnect()
            except Exception:  # noqa: BLE001 - already gone is fine
                pass

        t = threading.Thread(target=bye, name=f"close-{self.name}", daemon=True)
        t.start()
        t.join(wait)

    def _on_disconnect(self, *_args: Any) -> None:
        with self.cond:
            self.disconnected = True
            # A resync in flight is never answered now: the snapshot of the next connection
            # (with reconnection on) settles it, and what was held is weighed against it.
            self._resyncing = False
            self._early.extend(self._held)
            self._held = []
            self.cond.notify_all()

    # -- calls -----------------------------------------------------------

    def call(self, event: str, data: Any = None, timeout: float = 10.0) -> Any:
        """Emit `event` and return the acknowledgement's data."""
        return self.sio.call(event, data, namespace=NAMESPACE, timeout=timeout)

    def ping(self, timeout: float = 10.0) -> dict[str, Any]:
        """`ping_hall`: the server's last seq and clock."""
        return self.call("ping_hall", timeout=timeout)

    def resync(self, timeout: float = 10.0) -> dict[str, Any]:
        """Emit `resync` now and wait for the snapshot in the acknowledgement (applied)."""
        done = threading.Event()
        box: list[dict[str, Any]] = []

        def ack(snap: dict[str, Any] | None = None) -> None:
            self._apply_resync(snap)
            box.append(snap)
            done.set()

        with self.cond:
            self._resyncing = True
        self.sio.emit("resync", namespace=NAMESPACE, callback=ack)
        if not done.wait(timeout):
            raise AssertionError(f"{self.name}: no acknowledgement of resync within {timeout:.0f}s")
        return box[0]

    def drop(self, name: str | None = None, count: int = 1,
             where: Callable[[Event], bool] | None = None) -> None:
        """Discard the next `count` events named `name` (any, if None) as if lost on the way."""
        def on(ev: Event) -> bool:
            return (name is None or ev.name == name) and (where is None or where(ev))

        with self.cond:
            self._drops.append(_Pending(on, count))

    # -- what arrives (on the reading thread, in wire order) --------------

    def _handler(self, name: str) -> Callable[[Any], None]:
        def handle(payload: Any = None) -> None:
            self._on_event(Event(name, payload))
        return handle

    def _on_other(self, name: str, payload: Any = None) -> None:
        self._on_event(Event(name, payload))

    def _on_snapshot(self, snap: dict[str, Any]) -> None:
        with self.cond:
            self.wire.append(Event("snapshot", snap))
            self.snapshot = snap
            if self.first_snapshot is None:
                self.first_snapshot = snap
            self.seq = snap["seq"] if self.seq is None else max(self.seq, snap["seq"])
            # A snapshot settles a resync in flight too (one asked for on a connection that died,
            # or before this connection's namespace was up, is never answered).
            self._resyncing = False
            early, self._early, self._held = self._early + self._held, [], []
            for ev in early:
                self._advance(ev)
            self.cond.notify_all()

    def _on_event(self, ev: Event) -> None:
        with self.cond:
            self.wire.append(ev)
            for pending in self._drops:
                if pending.on(ev):
                    pending.count -= 1
                    self.dropped.append(ev)
                    if pending.count == 0:
                        self._drops.remove(pending)
                    self.cond.notify_all()
                    return
            self.events.append(ev)
            if self.seq is None:
                self._early.append(ev)
            elif self._resyncing:
                self._held.append(ev)
            else:
                self._advance(ev)
            self.cond.notify_all()

    def _advance(self, ev: Event) -> None:
        seq = ev.seq
        if seq is None or seq <= self.seq:
            return  # already in the snapshot
        if seq == self.seq + 1:
            self.seq = seq
            return
        self.gaps.append(Gap(self.seq + 1, seq))
        if self.auto_resync:
            self._resyncing = True
            self._held.append(ev)
            # The acknowledgement arrives on this reading thread, in wire order.
            try:
                self.sio.emit("resync", namespace=NAMESPACE, callback=self._apply_resync)
            except socketio.exceptions.SocketIOError:  # not connected (yet): the coming snapshot settles it
                pass
        else:
            self.seq = seq

    def _apply_resync(self, snap: dict[str, Any] | None = None) -> None:
        with self.cond:
            self.wire.append(Event("resync_ack", snap))
            self.resyncs.append(snap)
            if isinstance(snap, dict) and "seq" in snap:
                self.snapshot = snap
                self.seq = max(self.seq or 0, snap["seq"])
            self._resyncing = False
            held, self._held = self._held, []
            for ev in sorted(held, key=lambda e: e.seq or 0):
                self._advance(ev)
            self.cond.notify_all()

    # -- waiting -----------------------------------------------------------

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0, what: str = "a condition") -> None:
        """Wait until predicate() holds (checked under the display's lock)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    tail = ", ".join(f"{e.name}#{e.seq}" for e in self.wire[-12:])
                    raise AssertionError(f"{self.name}: {what} not seen within {timeout:.0f}s "
                                         f"(seq {self.seq}; last on the wire: {tail or 'nothing'})")
                self.cond.wait(min(left, 0.5))

    def wait_seq(self, seq: int, timeout: float = 15.0) -> None:
        """Wait until the display has applied every change up to `seq`."""
        self.wait_for(lambda: self.seq is not None and self.seq >= seq and not self._resyncing,
                      timeout, f"seq {seq}")

    def wait_event(self, name: str, where: Callable[[dict[str, Any]], bool] | None = None,
                   timeout: float = 15.0, after: int = 0) -> dict[str, Any]:
        """The first event `name` (from index `after` of `events`) that satisfies `where`."""
        found: list[dict[str, Any]] = []

        def seen() -> bool:
            for ev in self.events[after:]:
                if ev.name == name and (where is None or where(ev.payload)):
                    found.append(ev.payload)
                    return True
            return False

        self.wait_for(seen, timeout, f"event {name}")
        return found[0]

    def mark(self) -> int:
        """An index into `events`: pass it to `since()` to get what came after now."""
        with self.cond:
            return len(self.events)

    def since(self, mark: int) -> list[Event]:
        with self.cond:
            return list(self.events[mark:])

    def __enter__(self) -> "Display":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Display {self.name} {self.url} seq={self.seq}>"
