"""Webhooks: the hall's ticket events, POSTed to the receivers in config.yaml's `webhooks:`.

Each receiver gets, in seq order, one signed POST per event it asked for (docs/integration.md):
`X-Hallq-Signature: sha256=<hex HMAC-SHA256 of the raw body with its secret>`. Delivery is at least
once: the cursor (server/webhook_store.py) moves only when the receiver answered 2xx, so a server
stopped or killed at any point sends the event again after its restart; the body's `id` lets the
receiver drop a repeat.

The rule for failures, per receiver and event:
- no answer, a timeout, 5xx, 408 or 429: try the same event again after a backoff of 1 s, 2 s, 4 s …
  up to BACKOFF_MAX_S, for as long as it takes (the events after it wait: the order holds);
- any other answer that is not 2xx (a 4xx: the receiver refuses this body): tried `dead_after` times
  (with the same backoff; `dead_after`, default 5), then set aside as a dead letter and delivery goes on with the next
  event. Dead letters are listed at GET /api/v1/webhooks/dead-letters and on /admin/integration,
  and sent again on request (out of order, by nature).

Each receiver has its own real OS thread (printer_drivers.osthreads, whatever the async mode) and
its own HTTP connection with timeouts, made from unpatched sockets: a slow or dead receiver never
holds a request, the hub or another receiver. With several processes on one database, a lease on
the receiver's cursor row decides which one delivers.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import os
import socket
import sys
import time
import uuid
from datetime import datetime
from typing import Any, Callable
from urllib.parse import urlsplit

from printer_drivers import osthreads

from .config import Webhook
from . import webhook_store as store

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S, READ_TIMEOUT_S = 5.0, 10.0
BACKOFF_FIRST_S, BACKOFF_MAX_S = 1.0, 300.0
RETRY_STATUSES = frozenset({408, 429})
IDLE_S = 1.0  # nothing new: look again this soon
LEASE_S = 30.0  # a process that stopped renewing its lease hands the receiver over after this
BATCH = 50
SIGNATURE_HEADER = "X-Hallq-Signature"
USER_AGENT = "hallq-webhooks/1"


def sign(secret: str, raw: bytes) -> str:
    """The signature header's value for a raw body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def encode(body: dict[str, Any]) -> bytes:
    """The raw body: compact UTF-8 JSON (Vietnamese as is)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Answer:
    """What a receiver said: its status (None: no answer) and a line about it."""

    __slots__ = ("status", "reason", "text", "ms")

    def __init__(self, status: int | None, reason: str, text: str = "", ms: float = 0.0) -> None:
        self.status, self.reason, self.text, self.ms = status, reason, text, ms

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def refused(self) -> bool:
        """The receiver answered that this body will not do (tried `dead_after` times, then set aside)."""
        return self.status is not None and not self.ok and self.status < 500 and self.status not in RETRY_STATUSES

    def line(self) -> str:
        if self.status is None:
            return f"no answer: {self.reason}"
        text = " ".join(self.text.split())
        return f"{self.status} {self.reason}" + (f": {text[:200]}" if text else "")


def _real_socket_module() -> Any:
    return osthreads.real("socket")


_ssl: Any = None


def _real_ssl() -> Any:
    """An ssl module over unpatched sockets, made once. Under eventlet, `patcher.original("ssl")` is not
    enough: its SSLSocket still derives from the green socket class, and wrapping a real socket fails."""
    global _ssl
    if _ssl is None:
        if osthreads.green("socket"):
            patcher = sys.modules["eventlet.patcher"]
            _ssl = patcher.import_patched("ssl", socket=osthreads.real("socket"))
        else:
            import ssl

            _ssl = ssl
    return _ssl


def post(url: str, raw: bytes, headers: dict[str, str], *, connect_timeout: float = CONNECT_TIMEOUT_S,
         read_timeout: float = READ_TIMEOUT_S, ca_file: str | None = None) -> Answer:
    """One POST on a fresh connection of real (unpatched) sockets; never raises for the network.

    https checks the receiver's certificate against the system's CAs (and `ca_file`'s, if given)."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    real = _real_socket_module()
    started = time.monotonic()
    try:
        if https:
            context = _real_ssl().create_default_context()
            if ca_file:
                context.load_verify_locations(cafile=ca_file)
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=connect_timeout, context=context)
        else:
            conn = http.client.HTTPConnection(parts.hostname, port, timeout=connect_timeout)
        conn._create_connection = real.create_connection  # unpatched: this runs on a real OS thread
        try:
            conn.connect()
            conn.sock.settimeout(read_timeout)
            all_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **headers}
            if parts.username is not None:
                import base64

                cred = f"{parts.username}:{parts.password or ''}".encode()
                all_headers["Authorization"] = "Basic " + base64.b64encode(cred).decode()
            conn.request("POST", path, body=raw, headers=all_headers)
            resp = conn.getresponse()
            text = resp.read(2000).decode("utf-8", "replace")
            return Answer(resp.status, resp.reason or "", text, (time.monotonic() - started) * 1000)
        finally:
            conn.close()
    except Exception as err:  # noqa: BLE001 - whatever the network or TLS says, it is the receiver's answer
        reason = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        return Answer(None, reason, "", (time.monotonic() - started) * 1000)


def deliver(hook: Webhook, body: dict[str, Any]) -> Answer:
    """POST one body to a receiver, signed."""
    raw = encode(body)
    return post(hook.url, raw, {SIGNATURE_HEADER: sign(hook.secret, raw), "X-Hallq-Event": body["event"],
                                "X-Hallq-Delivery": body["id"]}, ca_file=hook.ca_file)


def sample(hook: Webhook, center: Any, now: datetime) -> dict[str, Any]:
    """A made-up event for `hallq webhooks test`: the receiver's first event, with `test: true`."""
    event = hook.events[0]
    kind = store.KINDS[event]
    ticket = {"number": "0000", "service": "TEST", "status": store.STATUS_AFTER[kind], "priority": False,
              "issued_at": center.iso(now), "called_at": center.iso(now) if kind != "issued" else None,
              "counter": 1 if kind in ("called", "finished", "rated") else None,
              "waiting_ahead": None, "estimated_wait_s": None, "priority_category": None, "service_issued": "TEST",
              "business_day": center.business_day(now).isoformat(), "appointment": False,
              "finished_at": center.iso(now) if kind in ("finished", "rated") else None}
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "event": event, "seq": 0, "at": center.iso(now),
                            "ticket": ticket, "test": True}
    if ticket["counter"] is not None:
        body["counter"] = 1
    if kind == "rated":
        body["score"] = 4
    if kind == "finished":
        body["case_code"], body["case_outcome"] = "000.00.00.H00-000000-0000", "received"
    return body


# -- delivering, on one real thread per receiver ---------------------------------------------------


def holder_name() -> str:
    """This process, as a lease holder: host:pid:random."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def gone(holder: str) -> bool:
    """A holder that was a process of this machine which no longer runs (a stop or a crash left its lease)."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


class Receiver:
    """Delivers one receiver's events in order until stopped."""

    def __init__(self, hall: Any, hook: Webhook, holder: str, stopped: Any) -> None:
        self.hall, self.hook, self.holder, self.stopped = hall, hook, holder, stopped
        self.wake = osthreads.Event()  # set by this process's changes: no need to wait IDLE_S for them
        self.backoff = 0.0
        self.down = False  # logged once when it goes down, once when it is back
        self.lease_until = 0.0  # monotonic: renew before this

    def _lease(self) -> bool:
        """Hold the receiver's lease (renewed every LEASE_S / 3): one process alone delivers to it."""
        h, name = self.hall, self.hook.name
        if time.monotonic() < self.lease_until:
            return True
        other = h.db.read(lambda s: store.holder_of(s, name))
        over = other if other and other != self.holder and gone(other) else None
        if h.db.write(lambda s: store.take_lease(s, name, self.holder, h.clock(), LEASE_S, over=over)):
            self.lease_until = time.monotonic() + LEASE_S / 3
            return True
        self.lease_until = 0.0
        return False

    def _failed(self, answer: Answer) -> float:
        self.backoff = min(BACKOFF_MAX_S, max(BACKOFF_FIRST_S, self.backoff * 2))
        if not self.down:
            log.warning("webhook %s: %s; trying again with backoff (up to %.0f s), nothing is lost",
                        self.hook.name, answer.line(), BACKOFF_MAX_S)
            self.down = True
        return self.backoff

    def _ok(self) -> None:
        if self.down:
            log.info("webhook %s takes deliveries again", self.hook.name)
        self.down = False
        self.backoff = 0.0

    def _resends(self) -> float | None:
        """Dead letters an admin asked to send again; a wait if the receiver is failing."""
        h, name = self.hall, self.hook.name
        for letter in h.db.read(lambda s: store.due_resends(s, name)):
            def body_of(s, event_id=letter.event_id):
                ev = store.event_by_id(s, event_id)
                return store.bodies(s, h.config, [ev])[0][1] if ev is not None else None

            body = h.db.read(body_of)
            answer = deliver(self.hook, body) if body is not None else None

            def settle(s, letter_id=letter.id, answer=answer):
                row = s.get(store.DeadLetter, letter_id)
                if row is None:
                    return
                if answer is None or answer.ok:
                    s.delete(row)
                else:
                    row.resend, row.attempts = False, row.attempts + 1
                    row.last_status, row.last_error = answer.status, answer.line()[:store.ERROR_MAX]
                    row.at = h.clock()

            h.db.write(settle)
            if answer is not None and not answer.ok:
                log.warning("webhook %s: a dead letter sent again was refused: %s", name, answer.line())
                if not answer.refused:
                    return self._failed(answer)
        return None

    def step(self) -> float:
        """One round: deliver what waits, in order; how long to wait before the next round."""
        h, hook = self.hall, self.hook
        if not self._lease():
            return LEASE_S / 3
        wait = self._resends()
        if wait is not None:
            return wait
        pending = h.db.read(lambda s: store.bodies(s, h.config, store.next_events(s, hook.name, hook.events, BATCH)))
        if not pending:
            return IDLE_S
        for ev, body in pending:
            if self.stopped.is_set() or not self._lease():
                return 0.0
            now = h.clock()
            if body is None:  # its ticket was purged: nothing to say
                h.db.write(lambda s, ev=ev: store.advance(s, hook.name, self.holder, ev, now))
                continue
            answer = deliver(hook, body)
            if answer.ok:
                if not h.db.write(lambda s, ev=ev: store.advance(s, hook.name, self.holder, ev, now)):
                    self.lease_until = 0.0  # another process took over: it sends from its cursor
                    return 0.0
                self._ok()
                continue
            tries = h.db.write(lambda s, a=answer: store.failed(s, hook.name, self.holder, a.status, a.line(), now))
            if answer.refused and tries >= hook.dead_after:
                h.db.write(lambda s, ev=ev, a=answer, n=tries: store.bury(
                    s, hook.name, self.holder, ev, body["ticket"]["number"], n, a.status, a.line(), now))
                log.error("webhook %s: %s refused %d times (%s); set aside as a dead letter, going on",
                          hook.name, body["event"], tries, answer.line())
                self.backoff = 0.0
                continue
            return self._failed(answer)
        return 0.0

    def run(self) -> None:
        log.info("webhook %s: delivering %s to %s", self.hook.name, ", ".join(self.hook.events),
                 store.public_url(self.hook.url))
        while not self.stopped.is_set():
            try:
                wait = self.step()
            except Exception:  # noqa: BLE001 - a bad round (the database busy, say) must not end deliveries
                log.exception("webhook %s: a delivery round failed; trying again in %.0f s", self.hook.name, 5.0)
                wait = 5.0
            if wait == IDLE_S:  # idle: a change here wakes it at once, another process's within IDLE_S
                self.wake.wait(wait)
                self.wake.clear()
            elif wait:  # a backoff, or another process holds the lease: only stopping cuts it short
                self.stopped.wait(wait)
        try:
            self.hall.db.write(lambda s: store.release_lease(s, self.hook.name, self.holder))
        except Exception:  # noqa: BLE001 - stopping: the lease runs out by itself
            pass


def start_webhooks(hall: Any) -> tuple[Callable[[], None], Callable[[], None]]:
    """Deliver to every configured receiver on its own real thread; returns (stop, poke): stop ends them
    (and waits), poke wakes the idle ones after a change of this process."""
    # Every receiver's cursor exists before the first request: a new receiver misses nothing from now on.
    for hook in hall.config.webhooks:
        hall.db.write(lambda s, name=hook.name: store.ensure_cursor(s, name))
    stopped = osthreads.Event()
    holder = holder_name()
    receivers = [Receiver(hall, hook, holder, stopped) for hook in hall.config.webhooks]
    threads = [osthreads.start(r.run, name=f"hallq-webhook-{r.hook.name}") for r in receivers]

    def stop() -> None:
        stopped.set()
        poke()
        for thread in threads:
            thread.join(CONNECT_TIMEOUT_S + READ_TIMEOUT_S + 5)

    def poke() -> None:
        for r in receivers:
            r.wake.set()

    return stop, poke
