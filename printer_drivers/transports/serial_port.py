"""Serial transport over pyserial, with a write timeout and explicit flow control."""

from __future__ import annotations

import termios
import time

import serial
from serial import serialposix

from printer_drivers import osthreads
from printer_drivers.errors import PrinterConfigError, PrinterTimeout, PrinterUnavailable
from printer_drivers.transports.base import Transport, query_params, remaining

_OPTIONS = {"baudrate", "bytesize", "parity", "stopbits", "flow_control"}
_FLOW = {"none", "rtscts", "dsrdtr", "xonxoff"}


class SerialTransport(Transport):
    """serial:///dev/ttyUSB0?baudrate=115200 — writes go through select() with a deadline."""

    def __init__(self, path: str, query: str = "", flow_control: str = "none") -> None:
        params = query_params(query, _OPTIONS)
        try:
            self.baudrate = int(params.get("baudrate", 9600))
            self.bytesize = int(params.get("bytesize", 8))
            self.stopbits = float(params.get("stopbits", 1))
        except ValueError as exc:
            raise PrinterConfigError(f"bad serial option: {exc}") from None
        self.parity = params.get("parity", "N").upper()[:1]
        self.flow_control = params.get("flow_control", flow_control)
        if self.flow_control not in _FLOW:
            raise PrinterConfigError(f"flow_control must be one of {', '.join(sorted(_FLOW))}")
        if not path:
            raise PrinterConfigError("serial URL needs a device path: serial:///dev/ttyUSB0")
        self.path = path
        self.port: serial.Serial | None = None
        self._drained = True

    def open(self, deadline: float) -> None:
        """Open the port in raw mode, exclusively, with the configured flow control.

        A port another job still holds (its lock not yet released) is waited for, up to
        a quarter of the time left: the previous ticket's last status reply may still be
        on its way. Any other failure is at once a reason for people.
        """
        wait_until = time.monotonic() + remaining(deadline) / 4
        while True:
            try:
                self._open()
                return
            except PrinterUnavailable as err:
                if "temporarily unavailable" not in str(err) or time.monotonic() >= wait_until:
                    raise
                osthreads.sleep(0.05)

    def _open(self) -> None:
        # pyserial opens the device with os.open, which eventlet greens: on this OS thread that
        # made an eventlet hub (an epoll fd and an unstarted greenlet) for a thread that ends with
        # the job, and a garbage collection on another thread later segfaulted the server freeing
        # that greenlet. pyserial only ever runs on our OS threads: it gets the real os.
        serialposix.os = osthreads.real("os")
        try:
            self.port = serial.Serial(
                port=self.path,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                rtscts=self.flow_control == "rtscts",
                dsrdtr=self.flow_control == "dsrdtr",
                xonxoff=self.flow_control == "xonxoff",
                timeout=0,
                write_timeout=0,
                exclusive=True,
            )
        except (serial.SerialException, ValueError, OSError, termios.error) as exc:
            raise PrinterUnavailable(f"cannot open {self.path}: {_reason(exc)}") from None

    def write(self, data: bytes, deadline: float) -> None:
        """Write with our own select loop, so a port held by flow control times out instead of spinning."""
        fd = self._fd()
        self._drained = False
        view = memoryview(data)
        while view:
            left = remaining(deadline)
            _, ready, _ = osthreads.select([], [fd], [], left) if left else ((), (), ())
            if not ready:
                raise PrinterTimeout(
                    f"printer stopped taking data (stalled) after {len(data) - len(view)} of {len(data)} bytes"
                )
            try:
                view = view[osthreads.real("os").write(fd, view[:4096]) :]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrinterUnavailable(f"printer disconnected ({exc.strerror or exc})") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read what arrives within timeout_s."""
        fd = self._fd()
        ready, _, _ = osthreads.select([fd], [], [], max(0.0, timeout_s))
        if not ready:
            return b""
        try:
            chunk = osthreads.real("os").read(fd, size)
        except BlockingIOError:
            return b""
        except OSError as exc:
            raise PrinterUnavailable(f"printer disconnected ({exc.strerror or exc})") from None
        if not chunk:
            raise PrinterUnavailable("printer disconnected (device vanished)")
        return chunk

    def discard_input(self) -> None:
        """Flush the kernel's input queue."""
        try:
            self.port.reset_input_buffer()  # type: ignore[union-attr]
        except (serial.SerialException, OSError, AttributeError, termios.error):
            pass  # a vanished device shows up on the next read or write

    def drain(self, deadline: float) -> bool:
        """Poll the output queue (TIOCOUTQ) instead of tcdrain(), which has no timeout."""
        while True:
            try:
                if not self.port.out_waiting:  # type: ignore[union-attr]
                    self._drained = True
                    return True
            except (serial.SerialException, OSError, AttributeError, termios.error):
                return True  # the driver cannot tell; the status reply will
            if remaining(deadline) <= 0:
                return False
            osthreads.sleep(0.01)

    def seconds_for(self, nbytes: int) -> float:
        """Start, 8 data bits, parity and stop bits per byte."""
        bits = 1 + self.bytesize + (self.parity != "N") + self.stopbits
        return nbytes * bits / self.baudrate

    def close(self) -> None:
        """Discard output not known to be sent: closing a tty with pending data may block for 30 s."""
        port, self.port = self.port, None
        if port is None:
            return
        if not self._drained:
            try:
                port.reset_output_buffer()
            except (serial.SerialException, OSError, termios.error):
                pass
        try:
            port.close()
        except (serial.SerialException, OSError, termios.error):
            pass

    def _fd(self) -> int:
        if self.port is None or not self.port.is_open:
            raise PrinterUnavailable("serial port is not open")
        return self.port.fd


def _reason(exc: BaseException) -> str:
    number = getattr(exc, "errno", None)
    return osthreads.real("os").strerror(number) if isinstance(number, int) else str(exc)
