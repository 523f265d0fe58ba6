"""The ticket on screen: a PNG with the printer's pixels, and an HTML fragment for the kiosk."""

from __future__ import annotations

import html

import qrcode
import qrcode.image.svg
from PIL import Image, ImageDraw

from printer_drivers.compose import FONT_A, NATIVE_STYLE, QR_EC, compose, qr_matrix
from printer_drivers.raster import RENDER_LOCK, _runs
from printer_drivers.settings import PrinterSettings
from printer_drivers.ticket import TicketView, nfc, ticket_lines

BOTTOM_MARGIN = 48  # the paper the cut feed leaves below the last line


def render_png(view: TicketView, settings: PrinterSettings) -> Image.Image:
    """Draw the ticket as a 1-bit image, paper width wide: bitmap lines are the exact printed pixels,
    printer-font text, the big number and the QR code are close stand-ins."""
    comp = compose(view, settings)
    page = Image.new("1", (comp.width, comp.height + BOTTOM_MARGIN), 1)
    draw = ImageDraw.Draw(page)
    for item in comp.placements:
        if item.kind == "raster":
            page.paste(item.image, (item.x, item.y))
        elif item.kind == "qr":
            module = settings.qr_module_dots
            for row, cells in enumerate(qr_matrix(item.text)):
                for col, dark in enumerate(cells):
                    if dark:
                        x, y = item.x + col * module, item.y + row * module
                        draw.rectangle((x, y, x + module - 1, y + module - 1), fill=0)
        elif item.kind == "number":
            _draw_native(page, item.text, item.y, comp.width, bold=True, height=FONT_A[1] * item.scale)
        elif item.kind in ("text", "band"):
            bold, _, tall = NATIVE_STYLE[item.style]
            if item.kind == "band":
                draw.rectangle((0, item.y, comp.width - 1, item.y + item.height - 1), fill=0)
            _draw_native(page, item.text, item.y, comp.width, bold=bold, height=FONT_A[1], tall=tall,
                         ink=1 if item.kind == "band" else 0)
    return page


def _draw_native(page: Image.Image, text: str, y: int, width: int, bold: bool, height: int, tall: int = 1,
                 ink: int = 0) -> None:
    """Stand-in for the printer's Font A: the bundled font at the same height, centred.

    ``tall`` stretches it upwards only, as GS ! double height does (the letters keep their width)."""
    size = max(8, round(height * 0.92))
    room = height // 2  # above the line, for stacked marks over capitals (Ố, Ễ)
    layer = Image.new("L", (width, room + height), 255)
    draw = ImageDraw.Draw(layer)
    with RENDER_LOCK:
        runs = _runs(text, 700 if bold else 500, size)
        x = (width - sum(face.getlength(chunk) for face, chunk in runs)) / 2
        for face, chunk in runs:
            draw.text((x, room + round(height * 0.8)), chunk, font=face, fill=0, anchor="ls")
            x += face.getlength(chunk)
    if tall > 1:
        layer = layer.resize((width, (room + height) * tall), Image.Resampling.BILINEAR)
    mask = layer.point(lambda v: 255 if v < 150 else 0, mode="1")
    page.paste(ink, (0, y - room * tall), mask)


def render_html(view: TicketView) -> str:
    """Return an HTML fragment of the ticket for the kiosk (classes hq-ticket__*, an inline SVG QR)."""
    parts = [f'<div class="hq-ticket" lang="{html.escape(view.lang)}">']
    for line in ticket_lines(view):
        if line.kind == "text":
            parts.append(f'<p class="hq-ticket__{line.style}">{html.escape(line.text)}</p>')
        elif line.kind == "number":
            parts.append(f'<p class="hq-ticket__number">{html.escape(line.text)}</p>')
        elif line.kind == "band":
            parts.append(f'<p class="hq-ticket__band">{html.escape(line.text)}</p>')
        elif line.kind == "rule":
            parts.append('<hr class="hq-ticket__rule">')
        elif line.kind == "qr":
            parts.append(f'<div class="hq-ticket__qr">{qr_svg(line.text)}</div>')
    parts.append("</div>")
    return "\n".join(parts)


def qr_svg(data: str) -> str:
    """Return the QR code as an inline SVG element (scalable, no script needed on the kiosk)."""
    code = qrcode.QRCode(error_correction=QR_EC, border=2, image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(nfc(data))
    svg = code.make_image().to_string(encoding="unicode")
    return svg[svg.index("<svg") :]
