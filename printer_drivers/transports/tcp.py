"""Network transport: raw TCP (port 9100) with connect, send and receive timeouts."""

from __future__ import annotations

import socket

from printer_drivers import osthreads
from printer_drivers.errors import PrinterConfigError, PrinterTimeout, PrinterUnavailable
from printer_drivers.transports.base import Transport, query_params, remaining


class TcpTransport(Transport):
    """tcp://192.168.1.50:9100 — every socket call carries a timeout."""

    def __init__(self, host: str, port: int | None, query: str = "") -> None:
        query_params(query, set())
        if not host:
            raise PrinterConfigError("tcp URL needs a host: tcp://192.168.1.50:9100")
        self.host, self.port = host, port or 9100
        self.sock: socket.socket | None = None

    def open(self, deadline: float) -> None:
        """Connect, giving up at the deadline (a printer that is off never answers SYN)."""
        try:
            connect = osthreads.real("socket").create_connection  # a real socket: we run on an OS thread
            self.sock = connect((self.host, self.port), timeout=max(0.1, remaining(deadline)))
        except TimeoutError:
            raise PrinterUnavailable(f"no answer from {self.host}:{self.port} (printer off or unplugged?)") from None
        except OSError as exc:
            raise PrinterUnavailable(f"cannot connect to {self.host}:{self.port}: {exc.strerror or exc}") from None
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes, deadline: float) -> None:
        """Send in chunks, each bounded by the time left."""
        sock = self._sock()
        view = memoryview(data)
        while view:
            left = remaining(deadline)
            if not left:
                raise PrinterTimeout(self._stalled(len(data) - len(view), len(data)))
            sock.settimeout(left)
            try:
                view = view[sock.send(view[:8192]) :]
            except TimeoutError:
                raise PrinterTimeout(self._stalled(len(data) - len(view), len(data))) from None
            except OSError as exc:
                raise PrinterUnavailable(f"printer connection lost ({exc.strerror or exc})") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        """Receive what arrives within timeout_s."""
        sock = self._sock()
        sock.settimeout(max(0.001, timeout_s))
        try:
            chunk = sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterUnavailable(f"printer connection lost ({exc.strerror or exc})") from None
        if not chunk:
            raise PrinterUnavailable("printer closed the connection")
        return chunk

    def discard_input(self) -> None:
        """Drop whatever is already waiting on the socket."""
        sock = self._sock()
        sock.setblocking(False)
        try:
            while sock.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self) -> None:
        """Close without lingering."""
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def _sock(self) -> socket.socket:
        if self.sock is None:
            raise PrinterUnavailable("printer connection is not open")
        return self.sock

    def _stalled(self, sent: int, total: int) -> str:
        return f"printer stopped taking data (stalled) after {sent} of {total} bytes"
