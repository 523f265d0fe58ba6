"""Print a ticket end to end: open, check status, send, check again, close — always within the timeout."""

from __future__ import annotations

import logging
import time

from printer_drivers import osthreads
from printer_drivers.errors import PaperOut, PrinterError, PrinterOffline, PrinterTimeout
from printer_drivers.escpos_render import render_escpos
from printer_drivers.settings import PrinterSettings
from printer_drivers.status import PrinterStatus, query_status, raise_for_status
from printer_drivers.ticket import TicketView, sample_ticket
from printer_drivers.transports import transport_for

log = logging.getLogger("hallq.printer")

CHUNK = 512  # bytes per write: a stall is noticed within write_timeout_s, not after the whole ticket
WATCHDOG_SLACK = 0.5  # seconds between our own deadline and the watchdog's
# The I/O thread of a printer whose driver call never returned, by URL: while it is
# stuck, later jobs fail at once instead of leaving one more thread stuck each.
_hung: dict[str, object] = {}
_hung_lock = osthreads.Lock()


def print_ticket(
    url: str, settings: PrinterSettings, ticket: TicketView, timeout_s: float | None = None
) -> PrinterStatus:
    """Print one ticket; return the status after printing or raise a PrinterError within timeout_s
    (default: the printer's job_timeout_s)."""
    return send_bytes(url, settings, render_escpos(ticket, settings), timeout_s)


def print_test(
    url: str, settings: PrinterSettings | None = None, lang: str = "vi", timeout_s: float | None = None
) -> PrinterStatus:
    """Print the sample ticket (for `hallq print-test URL [--lang vi|en]`)."""
    ticket = sample_ticket(lang, qr_url="http://hallq.local/t/print-test")
    return print_ticket(url, settings or PrinterSettings(), ticket, timeout_s)


def printer_status(url: str, settings: PrinterSettings | None = None, timeout_s: float = 3.0) -> PrinterStatus:
    """Open the printer, ask DLE EOT 1-4, close; unknown fields where it did not answer."""
    settings = settings or PrinterSettings()

    def ask(deadline: float) -> PrinterStatus:
        transport = transport_for(url, settings.flow_control)
        transport.open(deadline)
        try:
            return query_status(transport, settings.status_timeout_s, deadline)
        finally:
            transport.close()

    return _within(url, ask, timeout_s)


def send_bytes(url: str, settings: PrinterSettings, data: bytes, timeout_s: float | None = None) -> PrinterStatus:
    """Send ready-made ESC/POS bytes with the same checks and time limit as print_ticket."""
    started = time.monotonic()
    limit = settings.job_timeout_s if timeout_s is None else timeout_s
    try:
        status = _within(url, lambda deadline: _send(url, settings, data, deadline), limit)
    except PrinterError as exc:
        log.warning("printing to %s failed: %s", url, exc)
        raise
    log.info("printed %d bytes to %s in %.2f s", len(data), url, time.monotonic() - started)
    return status


def _send(url: str, settings: PrinterSettings, data: bytes, deadline: float) -> PrinterStatus:
    transport = transport_for(url, settings.flow_control)
    require = transport.expects_status if settings.require_status is None else settings.require_status
    transport.open(deadline)
    try:
        before = query_status(transport, settings.status_timeout_s, deadline)
        if require and not before.answered:
            raise PrinterOffline("printer does not answer (switched off, unplugged or wrong baud rate?)", before)
        raise_for_status(before)
        for start in range(0, len(data), CHUNK):
            chunk = data[start : start + CHUNK]
            chunk_deadline = time.monotonic() + settings.write_timeout_s + transport.seconds_for(len(chunk))
            transport.write(chunk, min(deadline, chunk_deadline))
        if not transport.drain(deadline):
            raise PrinterTimeout("printer stopped taking data (stalled); the ticket was not sent whole")
        if not transport.bidirectional:
            return before
        # The reply to this query comes only after the printer has read the whole ticket, so it may
        # wait behind bytes still in an adapter's or the kernel's buffer: allow their wire time.
        in_transit = settings.status_timeout_s + transport.seconds_for(len(data))
        after = query_status(transport, settings.status_timeout_s, deadline, first_wait_s=in_transit)
        if require and not after.answered:
            raise PrinterTimeout("printer stopped answering after the ticket was sent (stalled?)", after)
        if after.paper == "out":
            raise PaperOut("ran out of paper while printing", after)
        raise_for_status(after)
        return after
    finally:
        transport.close()


def _within(url: str, work, timeout_s: float):
    """Run work(deadline) on a real helper thread and give up at timeout_s even if a driver call blocks.

    The helper is an OS thread (osthreads), so the watchdog's join really returns at
    timeout_s under eventlet too. A helper that never returns is left behind, and the
    printer counts as hung until it does: later jobs fail at once, no thread piles up.
    """
    with _hung_lock:
        stuck = _hung.get(url)
        if stuck is not None and stuck.is_alive():  # type: ignore[attr-defined]
            raise PrinterTimeout("printer is still hung: an earlier job's driver call has not returned")
        _hung.pop(url, None)
    deadline = time.monotonic() + max(0.1, timeout_s - WATCHDOG_SLACK)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work(deadline)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = osthreads.start(run, name="hallq-printer-io")
    worker.join(timeout_s)
    if worker.is_alive():
        with _hung_lock:
            _hung[url] = worker
        raise PrinterTimeout(f"printer did not finish within {timeout_s:g} s (device hung)")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, PrinterError):
            raise error
        log.error("printing to %s failed unexpectedly", url, exc_info=error)  # type: ignore[arg-type]
        raise PrinterError(f"printer failed unexpectedly: {error}") from error  # type: ignore[misc]
    return outcome["value"]
