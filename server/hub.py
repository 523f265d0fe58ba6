"""The live hub: the /hall namespace, one `publish` for every change, in seq order.

Clients are told apart when they connect (docs/api.md, "Rooms"). Boards and people get the
whole feed, as v1 describes it: people (staff and up, by the login cookie or a bearer token
in the Socket.IO `auth`) join the staff room; display devices and anonymous boards the
public room, whose copy of each event leaves out what server/state.py calls private.
Phones, rating tablets and kiosks get only their own part, from the public copy:

- a phone (`auth.ticket`) joins `ticket:<id>`: its ticket's events, its service's queue,
  and the counters that serve its service or hold or wait for its ticket;
- a rating tablet (a rating token and `auth.counter`) joins `rating:<n>`: counter n's events;
- a kiosk (a kiosk token) joins `kiosks`, the services' figures (queue_changed and
  counter_changed), and `kiosk:device:<name>`, where its tickets' print results are pushed
  (`ticket_printed`, without a seq).

Each client is in one room that carries seq'd events, and each room gets them in seq order.
In a room that gets a part of the feed, each event also carries `prev_seq`, the seq of the
previous event that room was sent: a client that has applied everything up to `prev_seq`
has missed nothing, so seq, gaps and resync work per client as before.

With a message queue (server/feed.py) several processes share one feed: each publishes its
committed events to the others, and each hub orders the whole hall's events by seq (the same
`_pending` and gap wait as for two requests of one process) and sends them to its own clients.
"""
from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Any

from flask import request, session
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

from .auth import REVOKED_SITE, SITE, RateLimiter
from .messages import message
from .principals import principal_for
from .printing import KIOSK_WARNS
from .rooms import KIOSKS, Room
from .state import AUDIENCES, PUBLIC, STAFF, Event, HallView, for_audience

log = logging.getLogger(__name__)
NAMESPACE = "/hall"
GAP_WAIT_S = 0.5  # a missing seq this old is given up on; clients resync on the gap
CATCH_UP_S = 1.0  # with a message queue, how often the hub checks the database's seq (for lost messages)
SETUP_CHECK_S = 2.0  # how often the hub looks whether the set-up changed without telling it (`hallq config import`)
_SNAPSHOT = "snapshot"  # in the outbox: push every client a fresh snapshot (after catching up)
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
        self._pending: dict[int, tuple[float, str, dict[str, Any], dict[str, Any] | None]] = {}
        self.last_seq = 0
        self.rooms: dict[str, Room] = {}  # the rooms that get part of the feed, while someone is in them
        self._rooms_lock = threading.Lock()
        self._skipped = 0  # the last seq given up on: every room may have missed it
        self._printed: collections.deque = collections.deque()  # print results and printer conditions, from printers' threads
        self.feed: Any = None  # server/feed.py's Feed when processes share the hall through a message queue
        self._feed_down = False
        self._db_seq = 0  # the hall's seq in the database at the last look (with a message queue)
        self._snapshot: tuple[tuple[int, int, int], dict[str, Any], dict[str, Any]] | None = None
        self._building = threading.Lock()
        self._started = 0  # snapshot reads begun so far; a caller may share one begun after it asked
        self._latest: tuple[int, tuple[dict[str, Any], dict[str, Any]]] | None = None
        self._outbox: Any = None
        self._tasks: list[Any] = []
        self._stopped: Any = None
        self.audience: dict[str, str] = {}  # sid -> its audience (staff or public)
        self.joined: dict[str, list[str]] = {}  # sid -> the partial rooms it is in
        self.resyncs = RateLimiter(RESYNCS_PER_MINUTE, burst=RESYNC_BURST)

    def start(self) -> None:
        self.last_seq = self.hall.db.read(lambda s: HallView(s, self.hall.config, self.hall.clock()).snapshot()["seq"])
        self._outbox = self.socketio.server.eio.create_queue()
        self._stopped = self.socketio.server.eio.create_event()
        self._tasks = [self.socketio.start_background_task(self._emitter),
                       self.socketio.start_background_task(self._sweep)]
        printers = getattr(self.hall, "printers", None)
        if printers is not None:
            printers.on_done = self.printed
            printers.on_status = self.printer_changed
        if self.feed is not None:
            self._feed_down = True  # until the first subscribe (which catches up)
            self.feed.on_message = self._from_feed
            self.feed.on_link = self._feed_link
            self.feed.start()

    def stop(self) -> None:
        """End the emitter (after what is in its outbox) and the sweeper; safe to call twice."""
        if self.feed is not None:
            self.feed.stop()
        tasks, self._tasks = self._tasks, []
        if tasks:
            self._stopped.set()
            self._outbox.put(None)
            for task in tasks:
                task.join()

    # -- rooms -------------------------------------------------------------

    def enter(self, sid: str, name: str, room: Room) -> None:
        """Put a client in a partial room (before its snapshot: it then misses nothing sent after)."""
        with self._rooms_lock:
            have = self.rooms.setdefault(name, room)
            have.members += 1
            if room.ticket:
                have.ticket = room.ticket
        self.joined.setdefault(sid, []).append(name)
        self.socketio.server.enter_room(sid, name, namespace=NAMESPACE)

    def leave(self, sid: str) -> None:
        """Take a client out of its partial rooms; a room nobody is in is forgotten."""
        with self._rooms_lock:
            for name in self.joined.pop(sid, ()):
                room = self.rooms.get(name)
                if room is not None:
                    room.members -= 1
                    if room.members <= 0:
                        del self.rooms[name]

    def _partial(self, name: str, payload: dict[str, Any], about: dict[str, Any] | None) -> None:
        """Send an event (its public copy) to each partial room that wants it, with that room's prev_seq."""
        with self._rooms_lock:
            if about is not None and (mine := self.rooms.get(f"ticket:{about['id']}")) is not None:
                mine.ticket = about  # where the ticket is now decides what its holder gets next
            sends = []
            for room_name, room in self.rooms.items():
                if room.wants(name, payload, about):
                    sends.append((room_name, max(room.last, self._skipped)))
                    room.last = payload["seq"]
        for room_name, prev in sends:
            self.socketio.emit(name, {**payload, "prev_seq": prev}, namespace=NAMESPACE, to=room_name)

    def printed(self, kiosk: str, body: dict[str, Any]) -> None:
        """A print job ended: tell the kiosk that issued its ticket (called on a printer's thread)."""
        self._printed.append((kiosk, body, True))  # the hub's own task sends it: printers run on OS threads

    def printer_changed(self, key: str, condition: str) -> None:
        """A printer's condition changed: its kiosks warn (or stop warning) before the next tap (any thread)."""
        self._printed.append((None, (key, condition), True))

    def _send_printed(self) -> None:
        while self._printed:
            kiosk, body, ours = self._printed.popleft()
            if ours and self.feed is not None:  # the kiosk may be connected to another process
                self.feed.send({"t": "printed", "kiosk": kiosk, "body": body} if kiosk is not None
                               else {"t": "printer", "key": body[0], "condition": body[1]})
            if kiosk is not None:
                self.socketio.emit("ticket_printed", body, namespace=NAMESPACE, to=f"kiosk:{kiosk}")
                continue
            key, condition = body
            with self._rooms_lock:
                rooms = [name for name, room in self.rooms.items() if room.kind == "kiosk" and room.printer == key]
            for name in rooms:
                self.socketio.emit("printer_status", printer_status(condition), namespace=NAMESPACE, to=name)

    def publish(self, events: list[Event]) -> None:
        """Send committed events to their clients, in seq order; the request does not wait for it."""
        if not self._tasks:
            return  # not started (an app built for a test): nobody is listening
        self._take([(seq, name, payload, getattr(event, "about", None)) for event in events
                    for seq, name, payload in (event,)])
        if self.feed is not None and events:
            self.feed.send({"t": "events", "e": [[e[0], e[1], e[2], getattr(e, "about", None)] for e in events]})

    def _take(self, events: list[tuple[int, str, dict[str, Any], dict[str, Any] | None]]) -> None:
        with self._lock:
            now = time.monotonic()
            for seq, name, payload, about in events:
                if seq > self.last_seq and seq not in self._pending:
                    self._pending[seq] = (now, name, payload, about)
            self._emit(self._take_ready(force=False))

    # -- the shared feed (several processes, one hall) ---------------------

    def _from_feed(self, msg: dict[str, Any]) -> None:
        """What another process published (on the feed's subscriber task)."""
        kind = msg.get("t")
        if kind == "events":
            if any(name == "setup_changed" for _, name, _, _ in msg["e"]):
                self._refresh_setup()  # before its clients hear of it, this process serves the new set-up
            self._take([(int(seq), str(name), payload, about) for seq, name, payload, about in msg["e"]])
        elif kind == "printed":
            self._printed.append((msg["kiosk"], msg["body"], False))
        elif kind == "printer":
            self._printed.append((None, (msg["key"], msg["condition"]), False))
        elif kind == "forget":
            forget = getattr(self.hall.principals, "forget", None)
            if forget is not None:
                forget(msg.get("key"))

    def _feed_link(self, up: bool) -> None:
        """The subscription came up (catch up on what was missed while it was away) or went down."""
        self._feed_down = not up
        if up:
            self.catch_up()

    def catch_up(self, *, unless_arriving: bool = False) -> bool:
        """When the database is ahead of what this hub sent, push every client a fresh snapshot.

        Redis's publish/subscribe delivers at most once: what another process published while
        Redis was away, or while this one was subscribing again, never comes. Rather than wait
        for the next event (and its gap), every client gets the hall as it is now, and the
        seqs missed are skipped. With `unless_arriving` (the feed is up) only a seq the database
        already had at the previous look, a second ago, counts as missed: newer ones may still
        be on their way. True when it caught up.
        """
        from sqlalchemy import select

        from .queueing.models import Hall as HallRow

        seq = self.hall.db.read(lambda s: s.execute(select(HallRow.seq).where(HallRow.id == 1)).scalar_one())
        with self._lock:
            seen, self._db_seq = self._db_seq, seq
            if seq <= self.last_seq or not self._tasks or (unless_arriving and seen <= self.last_seq):
                return False
            log.info("catching up from seq %d to %d: every client gets a fresh snapshot", self.last_seq, seq)
            for old in [n for n in self._pending if n <= seq]:
                del self._pending[old]
            self.last_seq = self._skipped = seq
            self._outbox.put(_SNAPSHOT)
            self._emit(self._take_ready(force=False))
        return True

    def _push_snapshot(self) -> None:
        staff, public = self.snapshot(STAFF), self.snapshot(PUBLIC)
        self.socketio.emit("snapshot", staff, namespace=NAMESPACE, to=STAFF)
        self.socketio.emit("snapshot", public, namespace=NAMESPACE, to=PUBLIC)
        with self._rooms_lock:  # each partial client is in exactly one room that carries seq'd events
            rooms = [name for name, room in self.rooms.items() if room.kind != "kiosk"]
        for name in rooms:
            self.socketio.emit("snapshot", public, namespace=NAMESPACE, to=name)

    def _take_ready(self, *, force: bool) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
        ready = []
        while self._pending:
            nxt = self.last_seq + 1
            if nxt not in self._pending:
                oldest = min(self._pending)
                if not force or time.monotonic() - self._pending[oldest][0] < GAP_WAIT_S:
                    break
                log.warning("seq %d..%d never arrived; skipping (clients will resync)", nxt, oldest - 1)
                self._skipped = oldest - 1
                nxt = oldest
            _, name, payload, about = self._pending.pop(nxt)
            self.last_seq = nxt
            ready.append((name, payload, about))
        return ready

    def _emit(self, ready: list[tuple[str, dict[str, Any], dict[str, Any] | None]]) -> None:
        if ready:  # taken under the lock, so batches enter the outbox in seq order
            self._outbox.put(ready)

    def _emitter(self) -> None:
        """The one task that talks to the clients, so a busy hall never slows a request."""
        while (batch := self._outbox.get()) is not None:
            if batch is _SNAPSHOT:
                try:
                    self._push_snapshot()
                except Exception:  # noqa: BLE001 - clients still resync on their next gap
                    log.exception("pushing a fresh snapshot")
                continue
            for name, payload, about in batch:
                public = for_audience(name, payload, PUBLIC)
                if public is payload:  # nothing private in it: one packet for everyone
                    self.socketio.emit(name, payload, namespace=NAMESPACE, to=list(AUDIENCES))
                else:
                    self.socketio.emit(name, payload, namespace=NAMESPACE, to=STAFF)
                    self.socketio.emit(name, public, namespace=NAMESPACE, to=PUBLIC)
                if self.rooms:
                    try:
                        self._partial(name, public, about)
                    except Exception:  # noqa: BLE001 - the boards' feed must outlive a bug in the rooms'
                        log.exception("sending %s to the partial rooms", name)
                if name == "ticket_called":
                    # Let every display's writer send the call before the rest of the batch:
                    # the number on the wall matters more than the counts beside it.
                    self.socketio.sleep(0)

    def _refresh_setup(self) -> bool:
        try:
            return self.hall.refresh_setup()
        except Exception:  # noqa: BLE001 - a busy database, or a set-up this config cannot take: keep the one in use
            log.warning("loading the hall's changed set-up failed; still serving version %d",
                        self.hall.setup_version, exc_info=True)
            return False

    def _sweep(self) -> None:
        checked = setup_checked = time.monotonic()
        while not self._stopped.wait(GAP_WAIT_S / 2):
            if time.monotonic() - setup_checked >= SETUP_CHECK_S:
                setup_checked = time.monotonic()
                if self._refresh_setup():  # changed without an event (an import): every client redraws
                    self._outbox.put(_SNAPSHOT)
            if self._pending:
                with self._lock:
                    self._emit(self._take_ready(force=True))
            if self._printed:
                self._send_printed()
            if self.feed is not None and time.monotonic() - checked >= CATCH_UP_S:
                checked = time.monotonic()
                try:
                    # Redis away: the others' changes show only in the database; up: a lost message.
                    self.catch_up(unless_arriving=not self._feed_down)
                    if hasattr(self.hall.principals, "drop_revoked"):
                        self.hall.principals.drop_revoked(self.hall.db)
                except Exception:  # noqa: BLE001 - a busy or absent database: try again next time
                    log.warning("catching up with the database failed", exc_info=True)

    def snapshot(self, audience: str = STAFF) -> dict[str, Any]:
        """The hall snapshot as `audience` may see it; shared between callers while nothing has changed."""
        key = (self.last_seq, self.hall.setup_version, int(time.time() // 30))
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


def printer_status(condition: str) -> dict[str, Any]:
    """The `printer_status` a kiosk gets (no seq): its printer's condition, and whether to warn citizens."""
    return {"printer": condition, "warn": condition in KIOSK_WARNS}


def _refuse(code: str, **params: Any) -> ConnectionRefusedError:
    """The client's connect_error carries {message, data: {code}}, Socket.IO's own shape."""
    return ConnectionRefusedError(message(code, _lang(), **params), {"code": code})


def _lang() -> str:
    best = request.accept_languages.best_match(["vi", "en"]) if request else None
    return best or "vi"


def rooms_of(auth: Any, h: Any) -> tuple[str, list[tuple[str, Room]]]:
    """A new /hall client's audience and, unless it gets the whole feed, its partial rooms.

    People (staff and up) by the pages' login cookie or a bearer token in `auth.token`;
    devices by their token (a kiosk's gets the kiosk rooms; a rating tablet's with
    `auth.counter` that counter's room); a citizen's phone by its ticket's token in
    `auth.ticket`. Refuses bad credentials, and anonymous clients on a private hall.
    """
    from .queueing.models import Ticket

    auth = auth if isinstance(auth, dict) else {}
    token, ticket = auth.get("token"), auth.get("ticket")
    if token is not None:
        principal = principal_for(h, token, via_cookie=False) if isinstance(token, str) and token else None
        if principal is None or principal.kind in (SITE, REVOKED_SITE):  # a center's upstream token reads nothing
            raise _refuse("unauthenticated")
        if principal.at_least("staff"):
            return STAFF, []
        if principal.is_device("kiosk"):
            return PUBLIC, [(KIOSKS, Room(KIOSKS)), (f"kiosk:{principal.actor}", Room("kiosk", printer=principal.printer))]
        counter = auth.get("counter")
        if principal.is_device("rating") and counter is not None:
            if isinstance(counter, bool) or not isinstance(counter, int) or h.config.counter(counter) is None:
                raise _refuse("unknown_counter", counter=counter)
            return PUBLIC, [(f"rating:{counter}", Room("rating", counter=counter))]
        return PUBLIC, []
    if session.get("token"):
        principal = principal_for(h, session["token"], via_cookie=True)
        if principal is not None and principal.at_least("staff"):
            return STAFF, []
    if ticket is not None:
        from sqlalchemy import select

        from .state import HallView

        found = isinstance(ticket, str) and 0 < len(ticket) <= 64 and h.db.read(
            lambda s: s.execute(select(Ticket).where(Ticket.token == ticket)).scalar_one_or_none())
        if not found:
            raise _refuse("unauthenticated")
        about = HallView.about(found)
        return PUBLIC, [(f"ticket:{about['id']}", Room("ticket", ticket=about))]
    if not h.config.display.public:
        raise _refuse("unauthenticated")
    return PUBLIC, []


def register(socketio: SocketIO, hub: Hub) -> None:
    """The /hall namespace: snapshot on connect, resync on request, ping."""

    @socketio.on("connect", namespace=NAMESPACE)
    def connected(auth: Any = None) -> None:
        """Every new client starts from the full snapshot it may see."""
        audience, rooms = rooms_of(auth, hub.hall)
        hub.audience[request.sid] = audience
        if rooms:
            for name, room in rooms:
                hub.enter(request.sid, name, room)
        else:
            join_room(audience)
        emit("snapshot", hub.snapshot(audience))
        printer = next((room.printer for _, room in rooms if room.printer), None)
        if printer is not None:  # a kiosk knows its printer's state before a citizen taps
            emit("printer_status", printer_status(hub.hall.printers.condition(printer)))

    @socketio.on("disconnect", namespace=NAMESPACE)
    def disconnected(*_args: Any) -> None:
        """Forget the client."""
        hub.audience.pop(request.sid, None)
        hub.leave(request.sid)
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
