"""Dummy transport: keeps the bytes in memory, so tests and demos can look at them."""

from __future__ import annotations

from printer_drivers import osthreads
from printer_drivers.transports.base import Transport, query_params

_lock = osthreads.Lock()  # printer workers are OS threads
_outputs: dict[str, bytearray] = {}


class DummyTransport(Transport):
    """dummy:// or dummy://NAME — collects bytes under NAME; never answers status."""

    bidirectional = False
    expects_status = False

    def __init__(self, name: str = "", query: str = "") -> None:
        query_params(query, set())
        self.name = name

    def open(self, deadline: float) -> None:
        """Nothing to open."""

    def write(self, data: bytes, deadline: float) -> None:
        """Append to this dummy's buffer."""
        with _lock:
            _outputs.setdefault(self.name, bytearray()).extend(data)

    def close(self) -> None:
        """Nothing to close."""


def dummy_output(name: str = "", clear: bool = False) -> bytes:
    """Return everything written to dummy://NAME so far (and forget it when clear is set)."""
    with _lock:
        data = bytes(_outputs.get(name, b""))
        if clear:
            _outputs.pop(name, None)
        return data
