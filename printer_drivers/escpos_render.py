"""ESC/POS bytes for a ticket, built with python-escpos's command set on a Dummy printer."""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from printer_drivers.codepage import CodepageEncoder
from printer_drivers.compose import NATIVE_STYLE, Placement, compose
from printer_drivers.settings import PrinterSettings
from printer_drivers.ticket import TicketView

ESC, GS = b"\x1b", b"\x1d"


def raster_command(image: Image.Image) -> bytes:
    """GS v 0: a 1-bit image, rows of whole bytes, most significant bit leftmost, 1 = dot."""
    mono = image if image.mode == "1" else image.convert("1")
    width_bytes = mono.width // 8
    dots = bytes(255 - b for b in mono.tobytes())  # PIL "1": 1 = white; the printer: 1 = dot
    header = GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + mono.height.to_bytes(2, "little")
    return header + dots


def feed_command(dots: int) -> bytes:
    """Exact white paper: a one-byte-wide blank raster of n rows (ESC J units differ by model)."""
    out = b""
    while dots > 0:
        rows = min(dots, 2047)
        out += GS + b"v0\x00\x01\x00" + rows.to_bytes(2, "little") + bytes(rows)
        dots -= rows
    return out


class _TextState:
    """Send ESC E / GS ! only when bold or size really change; every byte counts at 9600 baud."""

    def __init__(self, printer: Dummy) -> None:
        self.printer, self.bold, self.size = printer, False, 0x00

    def style(self, bold: bool, wide: int, tall: int) -> None:
        size = (wide - 1) << 4 | (tall - 1)
        if size != self.size:
            self.printer._raw(GS + b"!" + bytes((size,)))
            self.size = size
        if bold != self.bold:
            self.printer._raw(ESC + b"E" + (b"\x01" if bold else b"\x00"))
            self.bold = bold


def render_escpos(view: TicketView, settings: PrinterSettings) -> bytes:
    """Return the bytes that print the ticket, from ESC @ to the cut."""
    printer = Dummy(profile=settings.profile)
    encoder = None
    if settings.text_mode == "codepage":
        encoder = CodepageEncoder(settings.codepage, settings.page_slot() or 0, settings.upper_page_slot())
    printer.hw("INIT")
    printer.set(align="center")
    state = _TextState(printer)
    for placement in compose(view, settings).placements:
        _emit(printer, placement, settings, encoder, state)
    state.style(False, 1, 1)
    if settings.cut:
        printer.cut()
    else:
        printer.print_and_feed(4)
    return printer.output


def _emit(printer: Dummy, item: Placement, settings: PrinterSettings, encoder, state: _TextState) -> None:
    if item.kind == "raster":
        printer._raw(raster_command(item.image))  # type: ignore[arg-type]
    elif item.kind == "feed":
        printer._raw(feed_command(item.height))
    elif item.kind == "number":
        state.style(True, item.scale, item.scale)
        printer._raw(item.text.encode("ascii") + b"\n")
    elif item.kind == "qr":
        printer.qr(item.text, ec=QR_ECLEVEL_M, size=settings.qr_module_dots, native=True)
    elif item.kind in ("text", "band"):
        bold, wide, tall = NATIVE_STYLE[item.style]
        state.style(bold, wide, tall)
        data = encoder.encode(item.text) if encoder else item.text.encode("ascii", "replace")
        if item.kind == "band":  # GS B 1: white on black, spaces included, so the line is one black band
            data = GS + b"B\x01" + data + b"\n" + GS + b"B\x00"
        else:
            data += b"\n"
        printer._raw(data)
