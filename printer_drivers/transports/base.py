"""The transport contract: open, write, read, close; a transport never knows what a ticket is."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from urllib.parse import parse_qs

from printer_drivers.errors import PrinterConfigError


class Transport(ABC):
    """A byte pipe to one printer; every call is bounded by a deadline or timeout."""

    #: True when the link carries replies back (DLE EOT status works).
    bidirectional = True
    #: True when a silent printer means trouble (a reply channel exists, so silence is not normal).
    expects_status = True

    @abstractmethod
    def open(self, deadline: float) -> None:
        """Open the device or connection."""

    @abstractmethod
    def write(self, data: bytes, deadline: float) -> None:
        """Write all of data before the deadline (time.monotonic()) or raise PrinterTimeout."""

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read up to size bytes, waiting at most timeout_s; b"" when nothing came."""
        return b""

    def discard_input(self) -> None:
        """Drop bytes that arrived unasked (stale replies, automatic status back)."""

    def drain(self, deadline: float) -> bool:
        """Wait until written bytes have left the host; False when the deadline passed first."""
        return True

    def seconds_for(self, nbytes: int) -> float:
        """Return how long nbytes take on the wire (0 when the link is not the bottleneck)."""
        return 0.0

    @abstractmethod
    def close(self) -> None:
        """Close; never blocks on unsent data."""

    def __enter__(self) -> Transport:
        self.open(time.monotonic() + 5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def query_params(query: str, allowed: set[str]) -> dict[str, str]:
    """Parse a URL query into single values, rejecting names a transport does not know."""
    params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
    unknown = set(params) - allowed
    if unknown:
        raise PrinterConfigError(f"unknown printer URL option(s): {', '.join(sorted(unknown))}")
    return params


def remaining(deadline: float) -> float:
    """Return the seconds left before a deadline, never negative."""
    return max(0.0, deadline - time.monotonic())
