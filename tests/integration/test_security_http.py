"""Hostile HTTP on the hall's Wi-Fi, against real `hallq serve` processes in both async modes.

Raw sockets, because the point is what the embedded server does with what a browser would
never send: a WebSocket upgrade without its key (once a 500 with the full traceback), chunked
bodies (once read as empty), and hundreds of idle or half-sent requests (once enough to make
every API call time out). Loopback has the whole of 127.0.0.0/8, so clients here come from
several addresses: 127.0.0.1 plays the hall's own devices, 127.0.0.1x the attackers.
"""
from __future__ import annotations

import json
import socket
import time
from typing import Iterator

import pytest

from tests.support.hall import hall_config

pytestmark = pytest.mark.slow  # real servers, hundreds of sockets, idle timeouts
MODES = ("eventlet", "threading")
IDLE_S = 8.0
CAP = 40


@pytest.fixture(scope="module", params=MODES)
def hall(request, live_server, auth):
    """A server per async mode, with a short idle timeout and a small per-address cap."""
    server = live_server(hall_config(server={"idle_timeout_s": IDLE_S, "max_connections_per_address": CAP}),
                         async_mode=request.param, name=f"http-{request.param}")
    return server, auth(server)


def connect(server, source: str = "127.0.0.1", timeout: float = 10.0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def exchange(server, raw: bytes, source: str = "127.0.0.1") -> bytes:
    """Send raw bytes and read the whole answer (the request asks the server to close)."""
    with connect(server, source) as sock:
        sock.sendall(raw)
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return out


def status_and_body(answer: bytes) -> tuple[int, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# -- no traceback ever leaves the server ------------------------------------------------------

HOSTILE = {
    "websocket upgrade without a key": b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"
                                       b"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    "websocket upgrade without a version": b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"
                                           b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    "upgrade on an API path": b"GET /api/v1/services HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                              b"Connection: Upgrade\r\n\r\n",
    "unknown transfer coding": b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
                               b"Content-Type: application/json\r\n\r\n0\r\n\r\n",
    "broken chunk size": b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         b"Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "engine.io without a session": b"POST /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Length: 2\r\n\r\n40",
    "engine.io of another version": b"GET /socket.io/?EIO=9&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_no_traceback_reaches_a_client(hall, what):
    server, _ = hall
    answer = exchange(server, HOSTILE[what].replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nConnection: close\r\n", 1))
    assert answer, "no answer at all"
    status, body = status_and_body(answer)
    assert b"Traceback" not in answer and b'File "' not in answer and b".py" not in answer, answer[:600]
    assert 400 <= status < 500, answer[:300]
    if body.startswith(b"{") and b'"error"' in body:
        assert set(json.loads(body)["error"]) == {"code", "message"}


def test_a_websocket_upgrade_without_a_key_is_a_json_400(hall):
    server, _ = hall
    status, body = status_and_body(exchange(server, HOSTILE["websocket upgrade without a key"]))
    assert status == 400
    assert json.loads(body)["error"]["code"] == "bad_request"
    assert server.get("/healthz").status_code == 200


# -- chunked bodies --------------------------------------------------------------------------


def chunked(path: str, token: str, chunks: list[bytes]) -> bytes:
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode() + body


def test_a_chunked_body_is_read_whole(hall):
    server, hall_auth = hall
    staff = hall_auth.staff("chunky")
    assert server.post("counters/3/take", {}, token=staff).status_code == 200
    answer = exchange(server, chunked("/api/v1/counters/3/pause", staff, [b'{"reason":', b'"meeting"}']))
    status, body = status_and_body(answer)
    assert status == 200, answer[:400]
    counter = next(c for c in server.get("counters", token=staff).json() if c["number"] == 3)
    assert (counter["status"], counter["pause_reason"]) == ("paused", "meeting")
    assert server.post("counters/3/resume", {}, token=staff).status_code == 200


def test_a_chunked_body_past_the_size_limit_is_refused_and_changes_nothing(hall):
    server, hall_auth = hall
    staff = hall_auth.staff("chunky")
    before = server.state()["seq"]
    big = b'{"reason": "' + b"x" * 70_000 + b'"}'
    answer = exchange(server, chunked("/api/v1/counters/3/pause", staff, [big[i:i + 8192] for i in range(0, len(big), 8192)]))
    status, body = status_and_body(answer)
    assert status == 413 and json.loads(body)["error"]["code"] == "malformed_request", answer[:300]
    assert server.state()["seq"] == before


# -- idle and half-sent connections ---------------------------------------------------------


def attackers(server, sources: list[str], per_source: int) -> Iterator[tuple[str, socket.socket]]:
    """Connections that send most of a request head and then nothing."""
    for source in sources:
        for _ in range(per_source):
            sock = connect(server, source)
            sock.sendall(b"GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            yield source, sock


def closed_by_server(sock: socket.socket) -> bool:
    """The server closed (or refused) this connection: EOF, a reset, or its 429 then EOF."""
    sock.setblocking(False)
    try:
        data = sock.recv(4096)
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        sock.setblocking(True)
    return data == b"" or data.startswith(b"HTTP/1.1 429")


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)


def test_hundreds_of_idle_connections_neither_stall_the_api_nor_stay(hall):
    server, hall_auth = hall
    kiosk = hall_auth.kiosk("slow-kiosk")
    sources = [f"127.0.0.{11 + i}" for i in range(8)]
    held = list(attackers(server, sources, CAP + 10))  # 400 connections, 10 too many from each address
    try:
        time.sleep(1.0)  # let the server take them all
        # The hall keeps working meanwhile, from its own address.
        for i in range(10):
            assert server.get("services", timeout=10).status_code == 200
            assert server.post("tickets", {"service": "DD"}, token=kiosk, timeout=10).status_code == 201
        # Each address keeps CAP connections; the rest were answered 429 and closed at once.
        refused = {s: sum(closed_by_server(sock) for src, sock in held if src == s) for s in sources}
        assert refused == {s: 10 for s in sources}
        # And after the idle timeout the server closes the ones it kept.
        wait_until(lambda: all(closed_by_server(sock) for _, sock in held), IDLE_S * 5,
                   "the server closes idle, half-sent requests")
        assert server.get("services", timeout=10).status_code == 200
    finally:
        for _, sock in held:
            sock.close()


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(live_server, auth):
    """eventlet bounds the whole head, not only each read (Werkzeug's threads cannot: see server/serving.py)."""
    server = live_server(hall_config(server={"idle_timeout_s": 2}), async_mode="eventlet", name="trickle")
    sock = connect(server, "127.0.0.21")
    sock.sendall(b"GET /api/v1/services HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    closed = False
    try:
        while time.monotonic() - start < 30:  # one header byte a second: each read well inside 2 s
            sock.sendall(b"X")
            time.sleep(1.0)
            if closed_by_server(sock):
                closed = True
                break
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    finally:
        sock.close()
    assert closed, "a trickling request head was kept open for 30 s"
