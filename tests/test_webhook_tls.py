"""Webhooks over https: the receiver's certificate is checked (the system's CAs, or the receiver's
`ca_file`), from a real OS thread under both async modes (under eventlet the ssl module must be built
over unpatched sockets: server/webhooks.py, `_real_ssl`).

The receiver is a threaded HTTPS server on a loopback port with a self-signed certificate made for
these tests (tests/support/tls/, valid for 100 years, for 127.0.0.1 and localhost).
"""
from __future__ import annotations

import ssl
from datetime import datetime, timezone
import subprocess
import sys
import textwrap
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Iterator

import pytest

from server.config import Webhook
from server.webhooks import deliver, sample

TLS = Path(__file__).resolve().parent / "support" / "tls"
CERT, KEY = TLS / "receiver-cert.pem", TLS / "receiver-key.pem"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"tls ok")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()
    server.server_close()


def test_https_checks_the_receivers_certificate(receiver, config):
    trusted = Webhook(url=receiver, secret="s", events=["ticket.finished"], name="tls", ca_file=str(CERT))
    answer = deliver(trusted, sample(trusted, config.center, datetime.now(timezone.utc)))
    assert answer.ok and answer.line() == "200 OK: tls ok"
    unknown = trusted.model_copy(update={"ca_file": None})
    answer = deliver(unknown, sample(unknown, config.center, datetime.now(timezone.utc)))
    assert answer.status is None and "CERTIFICATE_VERIFY_FAILED" in answer.line()


@pytest.mark.slow  # a Python process with eventlet: ~2.5 s
def test_https_works_from_a_real_thread_under_eventlet(receiver):
    script = textwrap.dedent(f"""
        import eventlet
        eventlet.monkey_patch()
        from printer_drivers import osthreads
        from server.webhooks import post
        out = []
        thread = osthreads.start(lambda: out.append(post({receiver!r}, b"{{}}", {{}}, ca_file={str(CERT)!r}).line()),
                                 name="webhook")
        thread.join(20)
        print(out[0] if out else "nothing")
    """)
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "200 OK: tls ok", done.stderr[-2000:]
