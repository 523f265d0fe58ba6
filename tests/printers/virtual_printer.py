"""A virtual ESC/POS printer: a pty pair (or a TCP port) that answers DLE EOT and records commands."""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Callable

from tests.printers.escpos_decoder import DecodeError, Incomplete, Op, decode_one

XON, XOFF = b"\x11", b"\x13"


class PrinterModel:
    """The printer's state and its command parser, independent of the link."""

    def __init__(self) -> None:
        self.paper = "ok"  # ok | near_end | out
        self.cover_open = False
        self.cutter_error = False
        self.answer_status = True
        self.ops: list[Op] = []
        self.errors: list[str] = []
        self.status_queries: list[int] = []
        self.data_bytes = 0  # bytes of decoded commands other than status queries
        self.received = 0  # every byte read from the link
        self._buffer = bytearray()
        self.lock = threading.Lock()

    @property
    def offline(self) -> bool:
        """A printer with its cover open, no paper or an error goes offline."""
        return self.cover_open or self.paper == "out" or self.cutter_error

    def status_byte(self, n: int) -> int:
        """Answer DLE EOT n the way an Epson TM printer does."""
        byte = 0x12
        if n == 1 and self.offline:
            byte |= 0x08
        elif n == 2:
            byte |= (0x04 if self.cover_open else 0) | (0x20 if self.paper == "out" else 0)
            byte |= 0x40 if self.cutter_error else 0
        elif n == 3 and self.cutter_error:
            byte |= 0x08
        elif n == 4:
            byte |= {"ok": 0, "near_end": 0x0C, "out": 0x6C}[self.paper]
        return byte

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return the replies to send back."""
        replies = bytearray()
        with self.lock:
            self.received += len(data)
            self._buffer += data
            while self._buffer:
                try:
                    op, used = decode_one(self._buffer, 0)
                except Incomplete:
                    break
                except DecodeError as exc:
                    self.errors.append(str(exc))
                    del self._buffer[:1]
                    continue
                del self._buffer[:used]
                if op.name == "status":
                    self.status_queries.append(op.args[0])
                    if self.answer_status:
                        replies.append(self.status_byte(op.args[0]))
                    continue
                self.data_bytes += used
                if op.name == "char" and self.ops and self.ops[-1].name == "text":
                    self.ops[-1].data += op.data
                else:
                    self.ops.append(Op("text", data=op.data) if op.name == "char" else op)
        return bytes(replies)

    def power_cycle(self) -> None:
        """Switch off and on: a half-received command (a ticket cut short) is forgotten."""
        with self.lock:
            self._buffer.clear()

    def count(self, name: str) -> int:
        """How many ops of this name were printed."""
        with self.lock:
            return sum(1 for op in self.ops if op.name == name)


class _Link:
    """Shared control of the reader thread: stall, resume, vanish, wait."""

    def __init__(self) -> None:
        self.model = PrinterModel()
        self.reading = threading.Event()
        self.reading.set()
        self.stall_after: int | None = None  # stop reading after this many bytes beyond the first status check
        self.vanish_after: int | None = None  # close the device after this many bytes beyond the first status check
        self.xoff_after_queries: int | None = None  # send XOFF once this many queries were answered
        self.closed = threading.Event()

    def stall(self) -> None:
        """Stop reading: the host's writes pile up in the kernel buffer, then block."""
        self.reading.clear()

    def resume(self) -> None:
        """Read again."""
        self.reading.set()

    def wait_for(self, predicate: Callable[[PrinterModel], bool], timeout: float = 5.0) -> bool:
        """Wait until predicate(model) holds; False on timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate(self.model):
                return True
            time.sleep(0.01)
        return predicate(self.model)

    def _after_read(self, data: bytes) -> tuple[bytes, bool]:
        """Feed the model; return (reply, vanish_now)."""
        reply = self.model.feed(data)
        if self.xoff_after_queries is not None and len(self.model.status_queries) >= self.xoff_after_queries:
            reply += XOFF
            self.xoff_after_queries = None
        ticket_bytes = self.model.received - 12  # the four 3-byte status queries come first
        if self.stall_after is not None and ticket_bytes >= self.stall_after:
            self.stall()
        vanish = self.vanish_after is not None and ticket_bytes >= self.vanish_after
        return reply, vanish


class PtyPrinter(_Link):
    """A serial printer on a pty: hallq opens ``url`` (the slave), the thread reads the master."""

    def __init__(self, baudrate: int = 115200, throttle: bool = False) -> None:
        super().__init__()
        self.baudrate = baudrate
        self.throttle = throttle  # read no faster than the baud rate (10 bits a byte), like a real line
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self.url = f"serial://{self.path}?baudrate={baudrate}"
        self._thread = threading.Thread(target=self._run, name="virtual-printer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        line_free_at = time.monotonic()
        while not self.closed.is_set():
            if not self.reading.wait(0.05):
                continue
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    continue
                # Throttled, it reads about 25 ms of line at a time: smaller reads cost more Python than
                # the wire time they stand for once several printers share a busy machine.
                data = os.read(self.master, max(16, self.baudrate // 400) if self.throttle else 4096)
                if self.throttle:
                    line_free_at = max(line_free_at, time.monotonic()) + len(data) * 10 / self.baudrate
                    time.sleep(max(0.0, line_free_at - time.monotonic()))
            except OSError:
                if self.closed.is_set():
                    return
                time.sleep(0.01)  # EIO while nobody holds the slave open
                continue
            reply, vanish = self._after_read(data)
            if reply:
                os.write(self.master, reply)
            if vanish:
                self.vanish()
                return

    def send(self, data: bytes) -> None:
        """Write to the host as the printer would (e.g. XOFF)."""
        os.write(self.master, data)

    def vanish(self) -> None:
        """Unplug: close the master, so the slave gets EIO and its path disappears."""
        if not self.closed.is_set():
            self.closed.set()
            os.close(self.master)

    def close(self) -> None:
        """Stop the thread and free both ends."""
        self.vanish()
        self._thread.join(2)
        try:
            os.close(self.slave)
        except OSError:
            pass


class TcpPrinter(_Link):
    """A network printer on 127.0.0.1 (port 9100 style raw socket)."""

    def __init__(self) -> None:
        super().__init__()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.url = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self._thread = threading.Thread(target=self._run, name="virtual-tcp-printer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(0.05)
                while not self.closed.is_set():
                    if not self.reading.wait(0.05):
                        continue
                    try:
                        data = conn.recv(4096)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    reply, vanish = self._after_read(data)
                    if reply:
                        conn.sendall(reply)
                    if vanish:
                        break

    def close(self) -> None:
        """Stop serving."""
        self.closed.set()
        self._thread.join(2)
        self.server.close()
