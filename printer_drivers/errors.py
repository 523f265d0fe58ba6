"""Printer errors: one base class, each with a stable code and a one-line human reason."""

from __future__ import annotations


class PrinterError(Exception):
    """A ticket could not be printed; ``str(err)`` is a one-line reason for people."""

    code = "printer_error"

    def __init__(self, message: str, status: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # the PrinterStatus seen when it failed, if any


class PrinterConfigError(PrinterError):
    """The printer URL or settings are invalid."""

    code = "printer_config"


class PrinterUnavailable(PrinterError):
    """The device cannot be opened, or vanished (unplugged, closed, connection refused)."""

    code = "printer_unavailable"


class PrinterOffline(PrinterError):
    """The printer says it is offline, or does not answer status queries at all."""

    code = "printer_offline"


class PaperOut(PrinterError):
    """The paper roll is empty."""

    code = "paper_out"


class CoverOpen(PrinterError):
    """The printer cover is open."""

    code = "cover_open"


class PrinterFault(PrinterError):
    """The printer reports an error (cutter jam, head overheated, unrecoverable error)."""

    code = "printer_fault"


class PrinterTimeout(PrinterError):
    """The printer stopped taking data or stopped answering (stalled line, flow control held)."""

    code = "printer_timeout"
