"""The embedded HTTP server, hardened for a hall's Wi-Fi: both async modes.

- Idle and partial connections are closed after `server.idle_timeout_s`: eventlet closes a
  connection that has not sent a whole request head in that time, or nothing at all
  between requests; threading closes one whose socket stays silent that long. Engine.IO
  pings every 25 s, so live connections are never idle that long.
- At most `server.max_connections_per_address` open connections per client address; past
  it a connection gets a 429 and is closed. One slow client can no longer take every slot.
  A trusted proxy (`server.trusted_proxies`) is not one client: its connections are not
  capped here (nginx's own `limit_conn` caps each client behind it, see deploy/nginx/hallq.conf).
- No traceback ever reaches a client: eventlet runs with debug off, and `Guard`, outside
  everything else, turns any exception into the contract's JSON 500 (the log keeps it).
- A chunked request body is read whole (eventlet de-chunks it, but without a length Werkzeug
  used to read it as empty), and other transfer codings are refused.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
from typing import Any, Callable, Iterable

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .messages import message
from .proxies import Trusted, trusted_networks

log = logging.getLogger(__name__)
SOCKETIO_PATH = "/socket.io/"
MAX_GREENTHREADS = 4096  # eventlet's connection pool: every open connection holds one
LISTEN_BACKLOG = 1024
ENGINEIO_PING_S = 25  # Flask-SocketIO's ping interval: a live client answers this often  # connections the kernel holds until accepted (the OS caps it at somaxconn)


def _error_body(environ: dict[str, Any], code: str) -> bytes:
    langs = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    lang = langs.best_match(["vi", "en"]) or "vi"
    return json.dumps({"error": {"code": code, "message": message(code, lang)}}, ensure_ascii=False).encode()


def one_line(err: BaseException) -> str:
    """An exception as one log line: its type, message and where it was raised."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" ({'/'.join(tb.tb_frame.f_code.co_filename.split('/')[-2:])}:{tb.tb_lineno})" if tb else ""
    text = str(err).replace("\n", " ")[:160]
    return f"{type(err).__name__}: {text}{where}"


class OneLine(logging.Filter):
    """Engine.IO and Socket.IO log a traceback for each packet a client got wrong: make it one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg, record.args = f"{record.getMessage()}: {one_line(record.exc_info[1])}", ()
            record.exc_info = record.exc_text = None
        return True


class Guard:
    """The outermost WSGI layer: request framing checks, and a JSON 500 instead of any traceback.

    `websocket_over()` ends a request whose connection became a WebSocket, the way the server
    running us expects (the handshake went straight to the socket, so no response is due).
    """

    def __init__(self, app: Callable, websocket_over: Callable[[], Iterable[bytes]]) -> None:
        self.app = app
        self.websocket_over = websocket_over

    @staticmethod
    def _upgrade(environ: dict[str, Any]) -> bool:
        return environ.get("HTTP_UPGRADE", "").lower() == "websocket"

    @staticmethod
    def _answer(environ: dict[str, Any], start_response: Callable, status: str, code: str) -> list[bytes]:
        body = _error_body(environ, code)
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(body)))])
        return [body]

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        coding = environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower()
        if coding == "chunked":
            environ["wsgi.input_terminated"] = True  # the server de-chunks; read to its end
        elif coding:
            return self._answer(environ, start_response, "400 Bad Request", "malformed_request")
        if self._upgrade(environ) and not (
                environ.get("HTTP_SEC_WEBSOCKET_KEY") and environ.get("HTTP_SEC_WEBSOCKET_VERSION")):
            # eventlet takes such a request for the 2010 draft protocol and fails on it
            return self._answer(environ, start_response, "400 Bad Request", "bad_request")
        started = False

        def start(status: str, headers: list, exc_info: Any = None) -> Callable:
            nonlocal started
            started = True
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        except (ConnectionError, StopIteration):
            raise  # how a finished WebSocket tells Werkzeug the connection is done: not an error
        except Exception as err:  # noqa: BLE001 - the last line of defence
            if environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH):
                # Engine.IO lets what a malformed packet (or a post to a closing session) raises
                # escape: one line each, and the client's request ends there.
                log.warning("malformed Engine.IO %s from %s: %s", "packet; WebSocket closed" if self._upgrade(environ)
                            else "request", environ.get("REMOTE_ADDR", "?"), one_line(err))
                if self._upgrade(environ):
                    return self.websocket_over()
                if not started:
                    return self._answer(environ, start_response, "400 Bad Request", "bad_request")
                raise
            log.exception("unhandled error on %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            if started:
                raise  # the status line is out: the server closes the connection, sending nothing more
            return self._answer(environ, start_response, "500 Internal Server Error", "internal_error")


class AddressCap:
    """Counts open connections per client address; addresses in `exempt` (trusted proxies) are not counted."""

    def __init__(self, limit: int, exempt: Trusted | None = None) -> None:
        self.limit = limit
        self.exempt = exempt or Trusted(())
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()
        self.refused = 0
        self._said: set[str] = set()

    def enter(self, address: str) -> bool:
        if not self.limit or address in self.exempt:
            return True
        with self._lock:
            n = self._open.get(address, 0)
            if n >= self.limit:
                self.refused += 1
                first = address not in self._said
                self._said.add(address)
            else:
                self._open[address] = n + 1
                return True
        if first:  # one line per address, not one per connection
            log.warning("%s has %d connections open; refusing more (server.max_connections_per_address)",
                        address, n)
        return False

    def leave(self, address: str) -> None:
        if not self.limit or address in self.exempt:
            return
        with self._lock:
            n = self._open.get(address, 1) - 1
            if n > 0:
                self._open[address] = n
            else:
                self._open.pop(address, None)
                self._said.discard(address)


def _too_many() -> bytes:
    body = _error_body({}, "too_many_connections")
    return (b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Retry-After: 10\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body)


def _check_idle(settings: Any) -> None:
    if settings.idle_timeout_s < ENGINEIO_PING_S + 5:
        log.warning("server.idle_timeout_s is %gs: live connections hear from their clients only every %ds "
                    "and will be dropped; keep it above %ds", settings.idle_timeout_s, ENGINEIO_PING_S,
                    ENGINEIO_PING_S + 5)


def _address(client_address: Any) -> str:
    return client_address[0] if isinstance(client_address, tuple) else str(client_address)


def serve_eventlet(app: Callable, host: str, port: int, settings: Any, access_log: bool,
                   ready: Callable[[], None]) -> None:
    """eventlet's WSGI server: debug off, idle timeout, a deadline for each request head, the address cap."""
    import eventlet
    import eventlet.wsgi

    idle = settings.idle_timeout_s
    cap = AddressCap(settings.max_connections_per_address, Trusted(trusted_networks(settings.trusted_proxies)))
    _check_idle(settings)

    class Protocol(eventlet.wsgi.HttpProtocol):
        def handle(self) -> None:
            address = _address(self.client_address)
            if not cap.enter(address):
                try:
                    self.wfile.write(_too_many())
                    self.wfile.flush()
                except OSError:
                    pass
                self.close_connection = 1
                return
            try:
                super().handle()
            finally:
                cap.leave(address)

        # Each read already times out after `idle`; these bound the whole request line and the
        # whole head, so a client sending one byte at a time cannot hold the connection either.
        # (socket.timeout is what eventlet's server closes a connection quietly on.)
        def _read_request_line(self) -> Any:
            with eventlet.Timeout(idle, socket.timeout("no request line in time")):
                return super()._read_request_line()

        def parse_request(self) -> bool:
            with eventlet.Timeout(idle, socket.timeout("no request head in time")):
                return super().parse_request()

    # eventlet.listen sets SO_REUSEPORT by default: a second server on the same
    # port would silently share it. Refuse instead.
    sock = eventlet.listen((host, port), reuse_port=False, backlog=LISTEN_BACKLOG)
    ready()

    def websocket_over() -> list[bytes]:
        eventlet.wsgi.WSGI_LOCAL.already_handled = True  # what eventlet's own WebSocket handler does
        return []

    eventlet.wsgi.server(sock, Guard(app, websocket_over), log_output=access_log, max_size=MAX_GREENTHREADS, debug=False,
                         socket_timeout=idle, protocol=Protocol)


def serve_threading(app: Callable, host: str, port: int, settings: Any, access_log: bool,
                    ready: Callable[[], None]) -> None:
    """Werkzeug's threaded server: a socket timeout for idle connections, and the address cap.

    It has no deadline for a whole request head (a thread blocks in each read); the address
    cap is what bounds a client that trickles bytes.
    """
    from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

    cap = AddressCap(settings.max_connections_per_address, Trusted(trusted_networks(settings.trusted_proxies)))
    _check_idle(settings)

    class Handler(WSGIRequestHandler):
        timeout = settings.idle_timeout_s  # socketserver sets it on the connection's socket

        def handle(self) -> None:
            address = _address(self.client_address)
            if not cap.enter(address):
                try:
                    self.wfile.write(_too_many())
                    self.wfile.flush()
                except OSError:
                    pass
                return
            try:
                super().handle()
            finally:
                cap.leave(address)

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            if access_log:
                super().log_request(code, size)

    with socket.socket() as probe:  # Werkzeug exits by itself on a taken port; say it our way instead
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    def websocket_over() -> list[bytes]:
        raise ConnectionError()  # what Engine.IO's own WebSocket handler raises under Werkzeug

    class Server(ThreadedWSGIServer):
        request_queue_size = LISTEN_BACKLOG

    server = Server(host, port, Guard(app, websocket_over), Handler)
    ready()
    server.serve_forever()
