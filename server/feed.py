"""Several `hallq serve` processes as one hall: the shared feed through Redis (`--message-queue`).

Why our own channel and not Flask-SocketIO's `message_queue=`: python-socketio's queue
re-broadcasts each `emit` to every process, in the order the publishers happen to reach
Redis. The hall's contract is stricter: each client gets the events in `seq` order, and a
phone, kiosk or rating tablet gets its room's part with its own `prev_seq`, which only the
process holding that client can compute. So there is ONE ordered feed per hall:

- after its commit, a process hands its events to its own hub (as with one process) and
  publishes them, `(seq, name, payload, about)`, on the hall's channel;
- every process subscribes and feeds what the others published into its hub's existing
  seq ordering (`Hub._pending` and its gap wait), and its emitter sends them to its OWN
  clients only. Each client still gets strict seq order and its room's `prev_seq`, and the
  `/state` snapshot cache (keyed by the hub's last seq) follows the whole hall's changes;
- the kiosk pushes without a seq (`ticket_printed`, `printer_status`) and the principal
  cache's invalidations (a logout, a role change) travel the same channel, and each process
  applies them to its own clients and caches; revoked devices each process looks up in the
  database every second (a revoke by the CLI publishes nothing).

The channel and the limiter keys are named after the hall (a hash of its secret, which lives
in the database), so processes on one database find each other and two halls sharing one
Redis never mix. A process whose Redis goes away keeps serving its own clients: it sends
its own events to them at once, logs the outage once, and retries with backoff; the other
processes' clients see a gap and resync. On each (re)subscribe, and every second, the hub
compares its last seq with the database's and, if it fell behind (while Redis is away; or,
while it is up, by a seq the database has had for a second: publish/subscribe delivers at
most once), pushes every client a fresh snapshot (which live.js applies as on connect).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import time
from typing import Any, Callable

log = logging.getLogger(__name__)
BACKOFF_MIN_S, BACKOFF_MAX_S = 0.25, 5.0
POLL_S = 0.25  # the subscriber looks up from Redis this often (to notice a stop)
SOCKET_TIMEOUT_S = 2.0


def shown(url: str) -> str:
    """A Redis URL for the log: without its password."""
    return re.sub(r"//[^@/]*@", "//***@", url)


def hall_id(secret: str) -> str:
    """The hall's name in Redis: the same for every process on its database, and nothing of the secret."""
    return hashlib.sha256(b"hallq message queue\0" + secret.encode()).hexdigest()[:16]


def redis_client(url: str) -> Any:
    """A Redis client with short timeouts (a request never waits long on a Redis that is away)."""
    try:
        import redis
    except ImportError:
        from .config import ConfigError

        raise ConfigError("server.message_queue needs the redis package: pip install 'hallq[redis]'") from None
    return redis.Redis.from_url(url, socket_connect_timeout=SOCKET_TIMEOUT_S, socket_timeout=SOCKET_TIMEOUT_S,
                                health_check_interval=5)


class Feed:
    """The hall's channel: `send` from any thread or task, and a subscriber task calling `on_message`.

    `on_message(msg)` gets every message another process published; `on_link(up)` is called
    when the subscription comes up (True: after each (re)subscribe) or goes down (False).
    """

    def __init__(self, url: str, hall: str, socketio: Any) -> None:
        self.url = url
        self.shown_url = shown(url)
        self.prefix = f"hallq:{hall}:"
        self.channel = self.prefix + "feed"
        self.origin = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.client = redis_client(url)
        self.socketio = socketio
        self.up = False  # subscribed now
        self._outbox: Any = None
        self._stopped: Any = None
        self._tasks: list[Any] = []
        self._down_since: float | None = None  # publishing failed since then (logged once)
        self._retry_at = 0.0
        self._backoff = BACKOFF_MIN_S
        self.on_message: Callable[[dict[str, Any]], None] = lambda msg: None
        self.on_link: Callable[[bool], None] = lambda up: None

    def start(self) -> None:
        eio = self.socketio.server.eio
        self._outbox, self._stopped = eio.create_queue(), eio.create_event()
        self._tasks = [self.socketio.start_background_task(self._publisher),
                       self.socketio.start_background_task(self._subscriber)]

    def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        if tasks:
            self._stopped.set()
            self._outbox.put(None)
            for task in tasks:
                task.join()
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing a client of a Redis that is away
            pass

    def send(self, msg: dict[str, Any]) -> None:
        """Publish to the other processes, in the background: a request never waits for Redis."""
        if self._tasks:
            self._outbox.put(msg)

    # -- the tasks ---------------------------------------------------------

    def _publisher(self) -> None:
        while (msg := self._outbox.get()) is not None:
            if self._down_since is not None and time.monotonic() < self._retry_at:
                continue  # Redis is away: the others resync when it is back
            try:
                data = json.dumps({**msg, "o": self.origin}, separators=(",", ":"))
            except (TypeError, ValueError):  # a bug of ours, not an outage
                log.exception("message queue: cannot send %.80r", msg)
                continue
            try:
                self.client.publish(self.channel, data)
            except Exception as err:  # noqa: BLE001 - any Redis or network failure is the same outage
                self._publish_failed(err)
                continue
            if self._down_since is not None:
                log.info("message queue: publishing again after %.1f s", time.monotonic() - self._down_since)
                self._down_since = None
                self._backoff = BACKOFF_MIN_S

    def _publish_failed(self, err: Exception) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            log.warning("message queue %s unreachable (%s); serving this process's clients alone until it is back",
                        shown(self.url), str(err).splitlines()[0] if str(err) else type(err).__name__)
        self._retry_at = now + self._backoff
        self._backoff = min(BACKOFF_MAX_S, self._backoff * 2)

    def _subscriber(self) -> None:
        backoff, logged = BACKOFF_MIN_S, False
        while not self._stopped.is_set():
            pubsub = None
            try:
                pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self.up, backoff = True, BACKOFF_MIN_S
                if logged:
                    log.info("message queue: subscribed again to %s", shown(self.url))
                logged = False
                self.on_link(True)
                while not self._stopped.is_set():
                    got = pubsub.get_message(timeout=POLL_S)
                    if got is None or got.get("type") != "message":
                        continue
                    self._deliver(got["data"])
            except Exception as err:  # noqa: BLE001 - any Redis or network failure is the same outage
                if self.up:
                    self.up = False
                    self.on_link(False)
                if not logged:
                    log.warning("message queue %s: subscription lost (%s); retrying with backoff", shown(self.url),
                                str(err).splitlines()[0] if str(err) else type(err).__name__)
                    logged = True
                self._stopped.wait(backoff)
                backoff = min(BACKOFF_MAX_S, backoff * 2)
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:  # noqa: BLE001
                        pass
        self.up = False

    def _deliver(self, data: bytes | str) -> None:
        try:
            msg = json.loads(data)
        except ValueError:
            log.warning("message queue: a message that is not JSON on %s; ignored", self.channel)
            return
        if not isinstance(msg, dict) or msg.get("o") == self.origin:
            return  # our own: already sent to our clients
        try:
            self.on_message(msg)
        except Exception:  # noqa: BLE001 - one bad message must not end the subscription
            log.exception("message queue: handling %.80s", data)


class SharedCache(dict):
    """The principal cache (token hash → principal): a forget here is a forget in every process."""

    def __init__(self) -> None:
        super().__init__()
        self.feed: Feed | None = None

    def clear(self) -> None:
        super().clear()
        if self.feed is not None:
            self.feed.send({"t": "forget"})

    def pop(self, key: Any, *default: Any) -> Any:
        if self.feed is not None:
            self.feed.send({"t": "forget", "key": key})
        return super().pop(key, *default)

    def forget(self, key: str | None) -> None:
        """Another process forgot `key` (None: everything)."""
        if key is None:
            super().clear()
        else:
            super().pop(key, None)

    def drop_revoked(self, db: Any) -> None:
        """Forget cached devices revoked by any process or the CLI (each process looks for itself)."""
        if not any(p is not None and p.device_id is not None for p, _ in list(self.values())):
            return
        from sqlalchemy import select

        from .records import Device

        revoked = set(db.read(lambda s: s.execute(
            select(Device.id).where(Device.revoked_at.is_not(None))).scalars().all()))
        for key, (principal, _) in list(self.items()):
            if principal is not None and principal.device_id in revoked:
                super().pop(key, None)
