"""Place the ticket's lines on the paper for one printer: which lines are bitmaps, where each goes."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal

import qrcode
from PIL import Image

from printer_drivers.raster import RENDER_LOCK, Bitmap, load_logo, render_band, render_text
from printer_drivers.settings import PrinterSettings
from printer_drivers.ticket import Line, Style, TicketView, ticket_lines

FONT_A = (12, 24)  # the printer's own font, in dots
NATIVE_LINE = 30  # printed height of one Font A line with the default line spacing (about 1/6 inch)
MARGIN = 8  # dots kept clear on each side of bitmap text
QR_EC = qrcode.constants.ERROR_CORRECT_M

#: Printer-text look of each style in text lines: (bold, width multiplier, height multiplier).
NATIVE_STYLE: dict[str, tuple[bool, int, int]] = {
    "title": (True, 1, 1),
    "service": (True, 1, 2),
    "label": (True, 1, 1),
    "body": (False, 1, 1),
    "small": (False, 1, 1),
    "date": (False, 1, 1),
    "band": (True, 1, 2),  # printed reversed (GS B), white on black, across the whole line
}


@dataclass
class Placement:
    """One thing printed, at a vertical position in dots (x only for rasters and QR codes)."""

    kind: Literal["raster", "text", "band", "number", "qr", "feed"]
    y: int
    height: int
    x: int = 0
    image: Image.Image | None = None
    text: str = ""
    style: Style = "body"
    scale: int = 1


@dataclass
class Composition:
    """A whole ticket, ready for render_escpos (commands) or render_png (pixels)."""

    width: int
    placements: list[Placement] = field(default_factory=list)
    y: int = 0
    pending_feed: int = 0

    def feed(self, dots: int) -> None:
        """Ask for white paper; consecutive requests merge into one feed."""
        self.pending_feed += max(0, dots)

    def add(self, kind: str, height: int, **values: object) -> Placement:
        """Place something below what is already there."""
        if self.pending_feed:
            self.placements.append(Placement("feed", self.y, self.pending_feed))
            self.y += self.pending_feed
            self.pending_feed = 0
        placement = Placement(kind, self.y, height, **values)  # type: ignore[arg-type]
        self.placements.append(placement)
        self.y += height
        return placement

    def add_bitmap(self, bitmap: Bitmap) -> Placement:
        """Place a bitmap line, centred the way ESC a 1 centres a raster image."""
        self.feed(bitmap.gap_above)
        x = (self.width - bitmap.image.width) // 2
        placement = self.add("raster", bitmap.image.height, x=x, image=bitmap.image)
        self.feed(bitmap.gap_below)
        return placement

    @property
    def height(self) -> int:
        """Total printed height in dots, trailing feed included."""
        return self.y + self.pending_feed


def qr_matrix(data: str) -> list[list[bool]]:
    """Return the QR modules the printer will draw (model 2, level M, smallest version)."""
    code = qrcode.QRCode(version=None, error_correction=QR_EC, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def uses_bitmap(text: str, settings: PrinterSettings) -> bool:
    """In bitmap mode, lines with any non-ASCII letter are drawn; ASCII lines use the printer's font."""
    return settings.text_mode == "bitmap" and not text.isascii()


def compose(view: TicketView, settings: PrinterSettings) -> Composition:
    """Lay out every line of the ticket for this printer's paper and text mode."""
    width = settings.paper_width_dots
    comp = Composition(width)
    with RENDER_LOCK:
        if settings.logo_path:
            logo = load_logo(str(settings.logo_path), max_width=width // 2)
            comp.add_bitmap(Bitmap(logo, 0, 12))
        for line in ticket_lines(view):
            _place(comp, line, settings)
    return comp


def _place(comp: Composition, line: Line, settings: PrinterSettings) -> None:
    width = comp.width
    if line.kind == "gap":
        if settings.text_mode == "bitmap":
            comp.feed(line.dots)
    elif line.kind == "rule":
        _place_rule(comp, settings)
    elif line.kind == "number" and line.text.isascii():
        scale = max(1, min(settings.number_scale, width // (FONT_A[0] * max(1, len(line.text)))))
        comp.add("number", FONT_A[1] * scale + 8, text=line.text, scale=scale)
    elif line.kind == "band":
        _place_band(comp, line, settings)
    elif line.kind == "qr":
        size = len(qr_matrix(line.text)) * settings.qr_module_dots
        comp.add("qr", size + 8, x=(width - size) // 2, text=line.text)
    elif uses_bitmap(line.text, settings):
        style: Style = "service" if line.kind == "number" else line.style
        for bitmap in render_text(line.text, style, width - 2 * MARGIN):
            comp.add_bitmap(bitmap)
    else:
        _, wide, tall = NATIVE_STYLE[line.style]
        columns = width // (FONT_A[0] * wide)
        for chunk in textwrap.wrap(line.text, columns) or [""]:
            comp.add("text", NATIVE_LINE * tall, text=chunk, style=line.style, scale=tall)


def _place_band(comp: Composition, line: Line, settings: PrinterSettings) -> None:
    """A black band: drawn in bitmap mode; reversed printer text padded to the full line otherwise."""
    if settings.text_mode == "bitmap":
        comp.add_bitmap(render_band(line.text, comp.width - 2 * MARGIN))
        return
    _, wide, tall = NATIVE_STYLE["band"]
    columns = comp.width // (FONT_A[0] * wide)
    for chunk in textwrap.wrap(line.text, columns - 2) or [""]:
        comp.add("band", NATIVE_LINE * tall, text=chunk.center(columns), style="band", scale=tall)


def _place_rule(comp: Composition, settings: PrinterSettings) -> None:
    if settings.text_mode == "bitmap":
        rule = Image.new("1", (comp.width * 5 // 8 // 8 * 8, 2), 0)
        comp.add_bitmap(Bitmap(rule, 6, 6))
    else:
        comp.add("text", NATIVE_LINE, text="", style="small")  # blank: dashes would eat 17 of the 400 bytes
