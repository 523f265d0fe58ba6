"""File or device-path transport: /dev/usb/lp0 (usblp), a parallel port, or a plain file."""

from __future__ import annotations

import errno
import os
import stat

from printer_drivers import osthreads
from printer_drivers.errors import PrinterConfigError, PrinterTimeout, PrinterUnavailable
from printer_drivers.transports.base import Transport, query_params, remaining


class FileTransport(Transport):
    """file:///dev/usb/lp0 — non-blocking writes with a deadline; reads only from character devices."""

    expects_status = False  # many lp drivers never pass replies back

    def __init__(self, path: str, query: str = "") -> None:
        query_params(query, set())
        if not path:
            raise PrinterConfigError("file URL needs a path: file:///dev/usb/lp0")
        self.path = path
        self.fd: int | None = None
        self.bidirectional = False

    def open(self, deadline: float) -> None:
        """Open the device (read-write when it is one) or append to a regular file."""
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            mode = 0
        is_device = stat.S_ISCHR(mode)
        flags = (os.O_RDWR | os.O_NONBLOCK) if is_device else (os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            self.fd = osthreads.real("os").open(self.path, flags | os.O_NOCTTY, 0o644)
        except OSError as exc:
            if is_device and exc.errno in (errno.EACCES, errno.EINVAL):
                try:  # write-only devices (some lp drivers) still print
                    self.fd = osthreads.real("os").open(self.path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
                    return
                except OSError:
                    pass
            raise PrinterUnavailable(f"cannot open {self.path}: {exc.strerror or exc}") from None
        self.bidirectional = is_device

    def write(self, data: bytes, deadline: float) -> None:
        """Write everything before the deadline."""
        fd = self._fd()
        view = memoryview(data)
        while view:
            left = remaining(deadline)
            _, ready, _ = osthreads.select([], [fd], [], left) if left else ((), (), ())
            if not ready:
                raise PrinterTimeout(f"printer stopped taking data after {len(data) - len(view)} bytes")
            try:
                view = view[osthreads.real("os").write(fd, view) :]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrinterUnavailable(f"printer disconnected ({exc.strerror or exc})") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read status replies from a device that passes them back."""
        if not self.bidirectional:
            return b""
        fd = self._fd()
        ready, _, _ = osthreads.select([fd], [], [], max(0.0, timeout_s))
        if not ready:
            return b""
        try:
            return osthreads.real("os").read(fd, size)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno in (errno.EINVAL, errno.EBADF):
                self.bidirectional = False  # the driver does not read back after all
                return b""
            raise PrinterUnavailable(f"printer disconnected ({exc.strerror or exc})") from None

    def close(self) -> None:
        """Close the file descriptor."""
        fd, self.fd = self.fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def _fd(self) -> int:
        if self.fd is None:
            raise PrinterUnavailable(f"{self.path} is not open")
        return self.fd
