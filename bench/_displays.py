"""A swarm of hall displays: raw Socket.IO clients on /hall, many to one process.

python-socketio's client runs a reader and a pinger thread per connection, so 200 or 500
of them would benchmark the client rather than the server. This speaks just enough of
Engine.IO v4 over WebSocket (open, ping/pong, namespace connect, events) with one epoll
loop, and stamps each frame with CLOCK_MONOTONIC the moment recv() hands it over. That
clock is shared by every process on the machine, so the parent compares it with the time
it sent the staff's HTTP call.

Run `swarm(conn, host, port, count, ready_timeout)` in a child process and talk to it
over the multiprocessing connection:

    child -> parent  ("ready", connected, failed)            once every display has its snapshot
    child -> parent  ("called", number, counter, [t, ...])   when every display got that ticket_called
    parent -> child  ("flush", number)   -> ("called", number, counter, [t, ...])  what arrived so far
    parent -> child  ("stop",)           -> ("stopped", disconnects)
"""
from __future__ import annotations

import base64
import json
import os
import selectors
import socket
import time
from typing import Any

NAMESPACE = b"/hall"
_CALLED = b'42/hall,["ticket_called"'
_SNAPSHOT = b'42/hall,["snapshot"'


def _frame(payload: bytes, opcode: int = 1) -> bytes:
    """A masked client frame (clients must mask; servers must not)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    body = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
    return head + mask + body


def _frames(buf: bytearray) -> list[tuple[int, bool, bytes]]:
    """Complete frames at the front of buf, which is consumed: (opcode, fin, payload)."""
    out, pos, size = [], 0, len(buf)
    while size - pos >= 2:
        b0, b1 = buf[pos], buf[pos + 1]
        n, i = b1 & 0x7F, pos + 2
        if n == 126:
            if size - i < 2:
                break
            n, i = int.from_bytes(buf[i:i + 2], "big"), i + 2
        elif n == 127:
            if size - i < 8:
                break
            n, i = int.from_bytes(buf[i:i + 8], "big"), i + 8
        mask = None
        if b1 & 0x80:
            if size - i < 4:
                break
            mask, i = bytes(buf[i:i + 4]), i + 4
        if size - i < n:
            break
        payload = bytes(buf[i:i + n])
        if mask:
            payload = bytes(b ^ mask[k & 3] for k, b in enumerate(payload))
        out.append((b0 & 0x0F, bool(b0 & 0x80), payload))
        pos = i + n
    del buf[:pos]
    return out


class Display:
    """One board on the hall wall: a socket, its receive buffer and where it stands."""

    __slots__ = ("sock", "buf", "partial", "joined", "snapshot", "closed")

    def __init__(self, sock: socket.socket, leftover: bytes) -> None:
        self.sock = sock
        self.buf = bytearray(leftover)
        self.partial = bytearray()
        self.joined = False
        self.snapshot = False
        self.closed = False

    def send(self, text: bytes, opcode: int = 1) -> None:
        try:
            self.sock.sendall(_frame(text, opcode))
        except (BlockingIOError, OSError):
            self.closed = True


def _connect(host: str, port: int, timeout: float) -> Display:
    """TCP connect and the WebSocket upgrade (blocking, bounded); the rest runs in the loop."""
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode())
    data = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in data:
        if time.monotonic() > deadline:
            raise TimeoutError("no upgrade answer")
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed during the upgrade")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    sock.setblocking(False)
    return Display(sock, rest)


def swarm(conn: Any, host: str, port: int, count: int, ready_timeout: float = 60.0) -> None:
    """Hold `count` displays open and report ticket_called arrival times to the parent."""
    sel = selectors.DefaultSelector()
    sel.register(conn.fileno(), selectors.EVENT_READ, None)
    displays: list[Display] = []
    failed = 0
    arrivals: dict[tuple[str, int], list[float]] = {}
    reported: set[tuple[str, int]] = set()
    ready_sent = False
    disconnects = 0
    started = time.monotonic()
    to_connect = count

    def live() -> int:
        return sum(1 for d in displays if not d.closed)

    def handle(d: Display, t: float) -> None:
        nonlocal disconnects
        for opcode, fin, payload in _frames(d.buf):
            if opcode == 0x9:  # WebSocket ping
                d.send(payload, 0xA)
                continue
            if opcode == 0x8:
                d.closed = True
                disconnects += 1
                return
            if opcode in (0x1, 0x0):
                d.partial += payload
                if not fin:
                    continue
                text, d.partial = bytes(d.partial), bytearray()
                if text == b"2":  # Engine.IO ping: answer or the server drops us
                    d.send(b"3")
                elif text.startswith(_CALLED):
                    data = json.loads(text[8:])[1]
                    key = (str(data["number"]), int(data["counter"]))
                    if key not in reported:
                        arrivals.setdefault(key, []).append(t)
                elif text.startswith(_SNAPSHOT):
                    d.snapshot = True
                elif text.startswith(b"0{"):  # Engine.IO open: join the hall namespace
                    d.send(b"40" + NAMESPACE + b",")
                elif text.startswith(b"40" + NAMESPACE):
                    d.joined = True
                elif text.startswith(b"44" + NAMESPACE) or text == b"1":
                    d.closed = True
                    disconnects += 1

    running = True
    while running:
        # Connect a few at a time between polls, so early displays keep being served.
        for _ in range(min(10, to_connect)):
            to_connect -= 1
            try:
                d = _connect(host, port, timeout=10.0)
            except OSError:
                failed += 1
                continue
            displays.append(d)
            sel.register(d.sock, selectors.EVENT_READ, d)
            if d.buf:
                handle(d, time.monotonic())
        events = sel.select(timeout=0 if to_connect else 0.05)
        for key, _ in events:
            d = key.data
            if d is None:
                continue
            t = time.monotonic()
            try:
                chunk = d.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                sel.unregister(d.sock)
                d.closed = True
                disconnects += 1
                continue
            d.buf += chunk
            handle(d, t)
        if not ready_sent and not to_connect:
            waiting = sum(1 for d in displays if not d.snapshot and not d.closed)
            if waiting == 0 or time.monotonic() - started > ready_timeout:
                conn.send(("ready", sum(1 for d in displays if d.snapshot and not d.closed), failed + waiting))
                ready_sent = True
        if ready_sent:
            want = live()
            for key, times in list(arrivals.items()):
                if len(times) >= want:
                    conn.send(("called", key[0], key[1], times))
                    reported.add(key)
                    del arrivals[key]
        while conn.poll():
            msg = conn.recv()
            if msg[0] == "flush":
                number = str(msg[1])
                keys = [k for k in arrivals if k[0] == number]
                for key in keys:
                    conn.send(("called", key[0], key[1], arrivals.pop(key)))
                    reported.add(key)
                if not keys:
                    conn.send(("called", number, None, []))
            elif msg[0] == "stop":
                running = False
    for d in displays:
        try:
            d.sock.close()
        except OSError:
            pass
    conn.send(("stopped", disconnects))
