"""hallq ticket printers: one ticket layout (ESC/POS, PNG, HTML) and small ESC/POS transports."""

from __future__ import annotations

from printer_drivers.errors import (
    CoverOpen,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterFault,
    PrinterOffline,
    PrinterTimeout,
    PrinterUnavailable,
)
from printer_drivers.escpos_render import render_escpos
from printer_drivers.job import print_test, print_ticket, printer_status, send_bytes
from printer_drivers.labels import error_message
from printer_drivers.preview import render_html, render_png
from printer_drivers.settings import PrinterEntry, PrinterSettings, resolve_printer
from printer_drivers.status import PrinterStatus
from printer_drivers.ticket import TicketView, sample_ticket, ticket_layout
from printer_drivers.transports import dummy_output, transport_for

__all__ = [
    "CoverOpen",
    "PaperOut",
    "PrinterConfigError",
    "PrinterEntry",
    "PrinterError",
    "PrinterFault",
    "PrinterOffline",
    "PrinterSettings",
    "PrinterStatus",
    "PrinterTimeout",
    "PrinterUnavailable",
    "TicketView",
    "dummy_output",
    "error_message",
    "print_test",
    "print_ticket",
    "printer_status",
    "render_escpos",
    "render_html",
    "render_png",
    "resolve_printer",
    "sample_ticket",
    "send_bytes",
    "ticket_layout",
    "transport_for",
]
