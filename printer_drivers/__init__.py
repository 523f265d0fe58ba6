"""hallq ticket printers: one ticket layout (ESC/POS, PNG, HTML) and small ESC/POS transports."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# What each public name lives in. Imported on first use: the server reads printer
# settings at start-up but needs python-escpos, Pillow and the fonts only to print.
_WHERE = {
    "CoverOpen": "errors",
    "PaperOut": "errors",
    "PrinterConfigError": "errors",
    "PrinterError": "errors",
    "PrinterFault": "errors",
    "PrinterOffline": "errors",
    "PrinterTimeout": "errors",
    "PrinterUnavailable": "errors",
    "render_escpos": "escpos_render",
    "print_test": "job",
    "print_ticket": "job",
    "printer_status": "job",
    "send_bytes": "job",
    "error_message": "labels",
    "render_html": "preview",
    "render_png": "preview",
    "PrinterEntry": "settings",
    "PrinterSettings": "settings",
    "resolve_printer": "settings",
    "PrinterStatus": "status",
    "TicketView": "ticket",
    "sample_ticket": "ticket",
    "ticket_layout": "ticket",
    "dummy_output": "transports",
    "transport_for": "transports",
}


def __getattr__(name: str) -> object:
    """Import a public name's module the first time it is asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"printer_drivers.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from printer_drivers.errors import (CoverOpen, PaperOut, PrinterConfigError, PrinterError, PrinterFault,
                                        PrinterOffline, PrinterTimeout, PrinterUnavailable)
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
