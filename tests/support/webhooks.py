"""A webhook receiver for tests: a threaded HTTP server on a loopback port that checks signatures."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from .server import free_port

WAIT_S = 30


class Receiver:
    """A one-stop office's receiver: keeps every POST; can be down, or refuse some bodies."""

    def __init__(self, secret: str) -> None:
        self.secret, self.port = secret, free_port()
        self.got: list[dict[str, Any]] = []  # each body, in arrival order (repeats included)
        self.refuse: Callable[[dict[str, Any]], bool] = lambda body: False
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/hallq"

    def up(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(receiver.secret.encode(), raw, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Hallq-Signature", "")):
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.loads(raw)
                refused = receiver.refuse(body)
                with receiver.lock:
                    receiver.got.append({**body, "_refused": refused})
                self.send_response(422 if refused else 200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"nope" if refused else b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def accepted(self) -> list[dict[str, Any]]:
        with self.lock:
            return [b for b in self.got if not b["_refused"]]

    def numbers(self, event: str) -> list[str]:
        """Ticket numbers of the accepted `event`s, repeats (an at-least-once resend) dropped by id."""
        seen, out = set(), []
        for body in self.accepted():
            if body["event"] == event and body["id"] not in seen:
                seen.add(body["id"])
                out.append(body["ticket"]["number"])
        return out

    def wait_for(self, what: Callable[["Receiver"], bool], why: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while not what(self):
            assert time.monotonic() < deadline, f"{why}: got {[(b['event'], b['seq']) for b in self.got][-20:]}"
            time.sleep(0.05)
