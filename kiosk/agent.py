"""`hallq agent`: on a kiosk's own PC, print that kiosk's tickets on the local printer.

One Socket.IO connection to the server's `/agent` namespace, with the kiosk's device
token (docs/kiosk-pc.md says why Socket.IO). The server pushes one `job` at a time;
the printer thread (kiosk/agent_printer.py) prints it with `printer_drivers`, exactly
as the server prints its own printers, and the `result` goes back with an ack. The
connection is held here: refused with `unauthenticated` or `not_an_agent_kiosk`, the
agent ends (exit 2, one line); any other failure is retried with backoff, forever.

Nothing here imports the server: a kiosk PC needs only the printer drivers and
python-socketio's client.
"""
from __future__ import annotations

import logging
import random
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, NoReturn

import socketio

from kiosk.agent_printer import AgentPrinter, describe, status_report
from kiosk.agent_settings import AgentSetup, SetupError, setup_from
from printer_drivers.settings import PrinterSettings

log = logging.getLogger("hallq.agent")

NAMESPACE = "/agent"
PROTOCOL = 1
FATAL = {  # refusals that no retry can cure: the reason people read
    "unauthenticated": "the server refused the token (unauthenticated): unknown or revoked; "
                       "`hallq device list` on the server shows the kiosk's devices",
    "not_an_agent_kiosk": "the server refused the token (not_an_agent_kiosk): this device is not a kiosk "
                          "registered with --printer agent",
    "agent_replaced": "another agent has connected with this kiosk's token (agent_replaced); "
                      "give each kiosk PC its own device",
}
FIRST_DELAY_S, MAX_DELAY_S = 0.5, 5.0  # reconnect backoff: doubling from the first to the max, with jitter
STEADY_S = 10.0  # a connection that lasted this long starts the backoff afresh
CONNECT_WAIT_S = 5.0  # for the namespace's answer, once Engine.IO is connected
WELCOME_WAIT_S = 2.0
ACK_WAIT_S = 1.0  # at stop, for the last results' acks


class Fatal(Exception):
    """The agent must end: exit 2 with this one-line reason."""


def refusal_code(data: Any) -> str | None:
    """The `code` of a connect_error's data: {message, data: {code}} (Socket.IO's shape) or {code}."""
    if isinstance(data, dict):
        inner = data.get("data")
        if isinstance(inner, dict) and isinstance(inner.get("code"), str):
            return inner["code"]
        if isinstance(data.get("code"), str):
            return data["code"]
        if data.get("message") in FATAL:  # a server that refused with the bare code as its message
            return data["message"]
    return None


def short_reason(text: str) -> str:
    """The OS's own words out of a long requests/urllib3 message: "Connection refused", not the pool's story."""
    found = re.search(r"\[Errno -?\d+\] ([^'\"()]+)", text)
    if found:
        return found.group(1).strip()
    if "timed out" in text.lower():
        return "timed out"
    return text.splitlines()[0][:200] if text else "connection failed"


def backoff(attempt: int) -> float:
    """The wait before reconnect attempt `attempt` (0, 1, ...): 0.5 s doubling to 5 s, each 75-100 % of it."""
    base = min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** min(attempt, 10))
    return base * random.uniform(0.75, 1.0)


class Agent:
    """One kiosk's agent: the connection to the server and the printer thread behind it."""

    def __init__(self, server: str, token: str, printer_url: str, settings: PrinterSettings) -> None:
        self.server, self.token = server, token
        self.printer = AgentPrinter(printer_url, settings, self._send)
        self.stopping = False  # set by a signal handler, read by every loop here
        self._sio: socketio.Client | None = None
        self._send_lock = threading.Lock()  # python-socketio's emit is not safe across threads
        self._dropped = threading.Event()
        self._drop_reason: str | None = None
        self._refused: Any = None
        self._sent_away: str | None = None  # the code of the server's `refused` before it disconnected us
        self._kiosk: str | None = None
        self.session = uuid.uuid4().hex  # this process: a reconnect keeps it, a restart makes a new one

    # -- Socket.IO's callbacks: they only note and hand over ---------------------

    def on_job(self, data: Any = None) -> None:
        """`job`: hand it to the printer thread (it dedupes and keeps the order)."""
        self.printer.submit(data)

    def _on_welcome(self, data: Any = None) -> None:
        self._kiosk = str(data.get("kiosk")) if isinstance(data, dict) and data.get("kiosk") else "?"
        log.info("connected to %s as %s", self.server, self._kiosk)

    def _on_connect(self, client: socketio.Client) -> None:
        self._sio = client
        self.printer.connected()

    def _on_connect_error(self, data: Any = None) -> None:
        self._refused = data

    def _on_refused(self, data: Any = None) -> None:
        """The server sends us away for good (revoked, or replaced by another agent): noted before the drop."""
        code = refusal_code(data)
        self._sent_away = code if code in FATAL else None

    def _on_disconnect(self, reason: Any = None) -> None:
        self._sio = None
        self.printer.disconnected()
        self._drop_reason = str(reason or "connection lost")
        self._dropped.set()

    def _send(self, event: str, data: dict[str, Any], callback: Callable[..., None] | None = None) -> bool:
        client = self._sio
        if client is None:
            return False
        with self._send_lock:
            try:
                client.emit(event, data, namespace=NAMESPACE, callback=callback)
            except socketio.exceptions.SocketIOError:
                return False
        return True

    # -- the connection --------------------------------------------------------------

    def _client(self) -> socketio.Client:
        client = socketio.Client(reconnection=False, logger=False, engineio_logger=False, handle_sigint=False,
                                 request_timeout=5)
        client.on("connect", lambda: self._on_connect(client), namespace=NAMESPACE)
        client.on("connect_error", self._on_connect_error, namespace=NAMESPACE)
        client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        client.on("welcome", self._on_welcome, namespace=NAMESPACE)
        client.on("job", self.on_job, namespace=NAMESPACE)
        client.on("refused", self._on_refused, namespace=NAMESPACE)
        return client

    def _auth(self) -> dict[str, Any]:
        return {"token": self.token, "printer": self.printer.url, "session": self.session,
                "job_timeout_s": float(self.printer.settings.job_timeout_s), "version": PROTOCOL}

    def _connect_once(self) -> socketio.Client | str:
        """One attempt: the connected client, or why it failed (raises Fatal on a final refusal)."""
        self._refused, self._kiosk, self._sent_away = None, None, None
        self._dropped.clear()
        client = self._client()
        try:
            client.connect(self.server, headers={"Accept-Language": "en"}, auth=self._auth(),
                           namespaces=[NAMESPACE], wait_timeout=CONNECT_WAIT_S)
        except (socketio.exceptions.ConnectionError, ValueError) as err:
            code = refusal_code(self._refused)
            if code in FATAL:
                raise Fatal(FATAL[code]) from None
            if code:
                return f"refused ({code})"
            if self._refused == "Unable to connect":  # python-socketio's words for a namespace nobody serves
                return "the server has no /agent namespace (is it older than this agent?)"
            return short_reason(self._refused if isinstance(self._refused, str) else str(err))
        return client

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.1, end - time.monotonic()))

    def run(self) -> int:
        """Connect, print, reconnect, until stopped (0) or refused for good (Fatal)."""
        self.printer.start()
        attempt = 0
        client: socketio.Client | None = None
        while not self.stopping:
            outcome = self._connect_once()
            if isinstance(outcome, str):
                delay = backoff(attempt)
                attempt += 1
                log.info("cannot connect to %s: %s; retrying in %.1f s", self.server, outcome, delay)
                self._sleep(delay)
                continue
            client, up_since = outcome, time.monotonic()
            self._await_welcome()
            while not self.stopping and not self._dropped.wait(0.1):
                pass
            if self.stopping:
                break
            if self._sent_away:
                raise Fatal(FATAL[self._sent_away])
            client = None
            if time.monotonic() - up_since >= STEADY_S:
                attempt = 0
            delay = backoff(attempt)
            attempt += 1
            log.info("disconnected from %s (%s); reconnecting in %.1f s", self.server, self._drop_reason, delay)
            self._sleep(delay)
        self._finish(client)
        return 0

    def _await_welcome(self) -> None:
        end = time.monotonic() + WELCOME_WAIT_S
        while self._kiosk is None and not self._dropped.is_set() and time.monotonic() < end:
            time.sleep(0.02)
        if self._kiosk is None and not self._dropped.is_set():
            log.info("connected to %s", self.server)

    def _finish(self, client: socketio.Client | None) -> None:
        """Stopping: the ticket on the printer finishes, its result goes out, then goodbye."""
        self.printer.stop(self.printer.settings.job_timeout_s + 2)
        end = time.monotonic() + ACK_WAIT_S
        while client is not None and self._sio is not None and self.printer.unacked() and time.monotonic() < end:
            time.sleep(0.02)
        if client is not None:  # a goodbye the server may take its time to answer: not waited for long
            closing = threading.Thread(target=_quietly, args=(client.disconnect,), daemon=True)
            closing.start()
            closing.join(ACK_WAIT_S)
        left = len(self.printer.unacked())
        log.info("stopped%s", f" ({left} result{'s' if left > 1 else ''} not acknowledged)" if left else "")

    def stop(self, *_args: Any) -> None:
        """SIGTERM / Ctrl-C: only a flag, safe in a signal handler; the loops notice it."""
        self.stopping = True


def _quietly(call: Callable[[], Any]) -> None:
    try:
        call()
    except Exception:  # going away anyway
        pass


def run(args: Any) -> None:
    """`hallq agent ...`: exit 0 when stopped, 2 with one line when it cannot (or may not) run."""
    try:
        setup: AgentSetup = setup_from(args)
    except SetupError as err:
        _fail(str(err))
    # force: python-escpos calls basicConfig() when imported
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr, force=True)
    logging.getLogger("hallq.printer").setLevel(logging.ERROR)  # the agent logs one line per job itself
    if getattr(args, "print_test", False):
        _print_test(setup)
    agent = Agent(setup.server, setup.token, setup.printer_url, setup.settings)
    signal.signal(signal.SIGTERM, agent.stop)
    signal.signal(signal.SIGINT, agent.stop)
    log.info("hallq agent for %s, printing on %s", setup.server, setup.printer_url)
    try:
        code = agent.run()
    except Fatal as err:
        agent.printer.stop(0)
        _fail(str(err))
    raise SystemExit(code)


def _print_test(setup: AgentSetup) -> None:
    """--print-test: the sample ticket, with exactly the settings the agent would print with."""
    from printer_drivers.errors import PrinterError
    from printer_drivers.job import print_test

    try:
        status = print_test(setup.printer_url, setup.settings)
    except PrinterError as err:
        _fail(f"print-test {setup.printer_url}: {err.code}: {err}", status=1)  # as `hallq print-test`
    print(f"printed a sample ticket on {setup.printer_url} (printer: {describe(status_report(status))})")
    raise SystemExit(0)


def _fail(reason: str, status: int = 2) -> NoReturn:
    print(f"hallq agent: {reason}", file=sys.stderr, flush=True)
    raise SystemExit(status)
