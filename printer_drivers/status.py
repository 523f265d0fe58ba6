"""Printer status from DLE EOT real-time queries; no reply means unknown, never fine."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from printer_drivers.errors import CoverOpen, PaperOut, PrinterFault, PrinterOffline

if TYPE_CHECKING:
    from printer_drivers.transports.base import Transport

Paper = Literal["ok", "near_end", "out", "unknown"]

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER_SENSOR = 1, 2, 3, 4


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; None / "unknown" where it did not answer."""

    online: bool | None = None
    paper: Paper = "unknown"
    cover_open: bool | None = None
    error: bool | None = None

    @property
    def answered(self) -> bool:
        """True when the printer answered at least one status query."""
        return self.online is not None or self.paper != "unknown" or self.cover_open is not None

    def as_dict(self) -> dict[str, object]:
        """Return the fields GET /printers reports."""
        return {"online": self.online, "paper": self.paper, "cover_open": self.cover_open, "error": self.error}


UNKNOWN = PrinterStatus()


def valid_reply(byte: int) -> bool:
    """Every DLE EOT reply has bits 0 and 7 clear and bits 1 and 4 set."""
    return byte & 0x93 == 0x12


def parse_status(replies: dict[int, int]) -> PrinterStatus:
    """Turn DLE EOT replies keyed by n (1-4) into a PrinterStatus."""
    online = cover = error = None
    paper: Paper = "unknown"
    if PRINTER in replies:
        online = not replies[PRINTER] & 0x08
    if OFFLINE_CAUSE in replies:
        cause = replies[OFFLINE_CAUSE]
        cover = bool(cause & 0x04)
        error = bool(cause & 0x40)
        if cause & 0x20:
            paper = "out"  # printing stopped because the paper ran out
    if ERROR_CAUSE in replies:
        error = bool(replies[ERROR_CAUSE] & 0x68) or bool(error)
    if PAPER_SENSOR in replies and paper != "out":
        sensor = replies[PAPER_SENSOR]
        paper = "out" if sensor & 0x60 else "near_end" if sensor & 0x0C else "ok"
    return PrinterStatus(online=online, paper=paper, cover_open=cover, error=error)


def query_status(
    transport: Transport, timeout_s: float, deadline: float | None = None, first_wait_s: float | None = None
) -> PrinterStatus:
    """Ask DLE EOT 1-4 in turn; stop at the first query left unanswered.

    first_wait_s lets the first reply wait behind data still on its way to the printer."""
    if not transport.bidirectional:
        return UNKNOWN
    replies: dict[int, int] = {}
    transport.discard_input()
    for n in (PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER_SENSOR):
        wait = first_wait_s if n == PRINTER and first_wait_s is not None else timeout_s
        wait = wait if deadline is None else min(wait, deadline - time.monotonic())
        if wait <= 0:
            break
        transport.write(DLE_EOT + bytes((n,)), time.monotonic() + wait)
        byte = read_reply(transport, time.monotonic() + wait)
        if byte is None:
            break  # silent printer: ask no more, what is missing stays unknown
        replies[n] = byte
    return parse_status(replies)


def read_reply(transport: Transport, deadline: float) -> int | None:
    """Read until one valid status byte arrives or the deadline passes; skip stray bytes."""
    while (left := deadline - time.monotonic()) > 0:
        chunk = transport.read(1, left)
        if chunk and valid_reply(chunk[0]):
            return chunk[0]
    return None


def raise_for_status(status: PrinterStatus) -> None:
    """Raise the PrinterError that a known-bad status calls for; unknown fields pass."""
    if status.paper == "out":
        raise PaperOut("out of paper", status)
    if status.cover_open:
        raise CoverOpen("printer cover is open", status)
    if status.error:
        raise PrinterFault("printer reports an error (cutter jam or overheated head?)", status)
    if status.online is False:
        raise PrinterOffline("printer is offline", status)
