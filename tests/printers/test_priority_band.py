"""The priority band on paper (real ESC/POS bytes, decoded), in the PNG preview and the HTML; the QR hint once."""

from __future__ import annotations

from dataclasses import replace

import re

import pytest
from PIL import Image

from printer_drivers import PrinterSettings, render_escpos, render_html, render_png, sample_ticket
from printer_drivers.codepage import decode_tcvn3
from printer_drivers.ticket import ticket_lines
from tests.printers.escpos_decoder import decode, printed_lines, raster_image

WIDTHS = [576, 384]  # 80 mm and 58 mm
BAND_RUN = 200  # dots: no other line of a ticket has this much black in one stretch, row after row
ELDERLY = {"vi": "Người cao tuổi", "en": "Elderly"}
CODEPAGE = {"text_mode": "codepage", "profile": "TM-T88V"}  # TCVN-3 on pages 30 (small) and 31 (capitals)


def priority_ticket(lang: str = "vi", name: str | None = None):
    return sample_ticket(lang, priority=ELDERLY[lang] if name is None else name)


def black_share(image: Image.Image) -> float:
    """The share of dots that print (black) in a 1-bit image."""
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) / sum(histogram)


def solid_rows(image: Image.Image, run: int = BAND_RUN) -> int:
    """Rows holding at least `run` black dots in a row: the band's top and bottom edges."""
    gray = image.convert("L")
    pattern = re.compile(b"[\\x00-\\x7f]{%d,}" % run)
    return sum(1 for y in range(gray.height) if pattern.search(gray.crop((0, y, gray.width, y + 1)).tobytes()))


def bands(ops) -> list[Image.Image]:
    """Rasters that are black bands: mostly ink, with paper-white letters in them and solid edges."""
    found = []
    for op in ops:
        if op.name != "raster" or not any(op.data):
            continue
        image = raster_image(op)
        if image.width >= BAND_RUN and 0.5 < black_share(image) < 0.97 and solid_rows(image, image.width) >= 6:
            found.append(image)
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_bitmap_mode_prints_a_black_band_for_priority_only(width):
    settings = PrinterSettings(paper_width_dots=width)
    band = bands(decode(render_escpos(priority_ticket(), settings)))
    assert len(band) == 1 and band[0].height >= 30
    assert bands(decode(render_escpos(sample_ticket("vi"), settings))) == []


def reversed_line(ops) -> str | None:
    """The text printed between GS B 1 and GS B 0 (TCVN-3 decoded), or None when nothing is reversed."""
    on = [i for i, op in enumerate(ops) if op.name == "reverse" and op.args == (1,)]
    if not on:
        return None
    assert len(on) == 1
    page = next((op.args[0] for op in reversed(ops[: on[0]]) if op.name == "codepage"), 30)
    raw = b""
    for op in ops[on[0] + 1 :]:
        if op.name == "reverse":
            assert op.args == (0,)
            return decode_tcvn3(raw, start_page=page)
        if op.name == "text":
            raw += op.data
        elif op.name == "codepage":
            raw += b"\x1bt" + bytes(op.args)
    raise AssertionError("GS B 1 is never switched off")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_codepage_mode_prints_the_band_reversed_across_the_line(width, lang):
    settings = PrinterSettings(paper_width_dots=width, **CODEPAGE)
    line = reversed_line(decode(render_escpos(priority_ticket(lang), settings)))
    word = {"vi": "ƯU TIÊN", "en": "PRIORITY"}[lang]
    assert line.strip() == f"{word} - {ELDERLY[lang]}"  # "·" has no TCVN-3 code: printed as "-"
    assert len(line) == width // 12  # padded to the whole line, so the black runs edge to edge
    assert reversed_line(decode(render_escpos(sample_ticket(lang), settings))) is None


def test_a_priority_ticket_without_a_category_still_has_its_band():
    line = reversed_line(decode(render_escpos(priority_ticket(name=""), PrinterSettings(**CODEPAGE))))
    assert line.strip() == "ƯU TIÊN"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", [{}, CODEPAGE])
def test_png_preview_shows_the_band(width, mode):
    settings = PrinterSettings(paper_width_dots=width, **mode)
    priority, normal = render_png(priority_ticket(), settings), render_png(sample_ticket("vi"), settings)
    assert solid_rows(priority) >= 10 and solid_rows(normal) < 10  # a rule is a couple of rows at most


def test_html_has_the_band():
    assert '<p class="hq-ticket__band">ƯU TIÊN · Người cao tuổi</p>' in render_html(priority_ticket())
    assert "hq-ticket__band" not in render_html(sample_ticket("vi"))


@pytest.mark.parametrize("footer", ["Quét mã QR để theo dõi lượt của bạn. Xin cảm ơn!", "Xin cảm ơn Ông/Bà!"])
def test_the_qr_hint_is_printed_once(footer):
    ticket = replace(sample_ticket("vi"), footer=footer)
    texts = [line.text for line in ticket_lines(ticket)]
    assert sum("Quét mã" in text for text in texts) == 1  # the hint under the code, and no other
    assert texts[-1].startswith("Xin cảm ơn")
    ops = decode(render_escpos(ticket, PrinterSettings(**CODEPAGE)))
    printed = decode_tcvn3(b"\n".join(printed_lines(ops)), start_page=30)
    assert printed.count("Quét mã") == 1 and "Xin cảm ơn" in printed
    # Without a QR code on the ticket, the footer keeps every sentence.
    assert [line.text for line in ticket_lines(replace(ticket, qr_url=None))][-1] == footer


@pytest.mark.parametrize("width", WIDTHS)
def test_a_priority_ticket_stays_small(width):
    """The band is as wide as its words: about 1.5 KB more in bitmap mode (1.6 s at 9600 baud)."""
    ticket = sample_ticket("vi", qr_url="http://192.168.10.20:5000/t/Zx8qLmR2vT0pWc6yNb4sKa", priority="Người khuyết tật")
    assert len(render_escpos(ticket, PrinterSettings(paper_width_dots=width))) <= 8.5 * 1024
    assert len(render_escpos(ticket, PrinterSettings(paper_width_dots=width, **CODEPAGE))) <= 450
