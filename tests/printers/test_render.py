"""One layout, three renderings: ESC/POS bytes, the PNG preview, the kiosk's HTML."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from printer_drivers import PrinterSettings, TicketView, render_escpos, render_html, render_png, sample_ticket
from printer_drivers.compose import compose
from printer_drivers.ticket import ticket_layout, ticket_lines
from tests.printers.escpos_decoder import decode, names, printed_lines, raster_image

WIDTHS = [576, 384]
LANGS = ["vi", "en"]


def ink_rasters(ops):
    """GS v 0 images with ink (the blank one-byte-wide rasters are exact paper feeds)."""
    return [op for op in ops if op.name == "raster" and any(op.data)]


def test_bitmap_ticket_is_init_rasters_number_qr_cut():
    ticket = sample_ticket("vi")
    ops = decode(render_escpos(ticket, PrinterSettings()))
    assert names(ops)[:2] == ["init", "align"] and ops[1].args == (1,)
    assert names(ops)[-1] == "cut"
    assert "codepage" not in names(ops)  # bitmap mode never relies on the printer's code pages
    assert all(op.data.isascii() for op in ops if op.name == "text")
    size_ops = [op for op in ops if op.name == "size"]
    assert size_ops[0].args == (0x55,)  # GS ! 6x6 for the big number
    assert b"A023" in printed_lines(ops)
    store = next(op for op in ops if op.name == "qr_store")
    assert store.data == ticket.qr_url.encode()
    assert [op.name for op in ops if op.name.startswith("qr_")] == [
        "qr_model", "qr_module", "qr_ec", "qr_store", "qr_print"]
    assert len(ink_rasters(ops)) >= 8


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_bitmap_lines_match_png_pixel_for_pixel(lang, width):
    settings = PrinterSettings(paper_width_dots=width)
    ticket = sample_ticket(lang)
    ops = decode(render_escpos(ticket, settings))
    png = render_png(ticket, settings)
    placed = [p for p in compose(ticket, settings).placements if p.kind == "raster"]
    printed = ink_rasters(ops)
    assert len(printed) == len(placed) > 0
    for op, place in zip(printed, placed):
        image = raster_image(op)
        assert image.width <= width
        assert place.x == (width - image.width) // 2  # where ESC a 1 centres it
        region = png.crop((place.x, place.y, place.x + image.width, place.y + image.height))
        assert ImageChops.difference(region.convert("L"), image.convert("L")).getbbox() is None


def test_png_is_paper_wide_and_has_ink():
    png = render_png(sample_ticket("vi"), PrinterSettings(paper_width_dots=384))
    assert png.mode == "1" and png.width == 384 and png.height > 500
    assert ImageChops.invert(png.convert("L")).getbbox() is not None


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_size_budgets(lang, width):
    ticket = sample_ticket(lang, qr_url="http://192.168.10.20:5000/t/Zx8qLmR2vT0pWc6yNb4sKa")
    assert len(render_escpos(ticket, PrinterSettings(paper_width_dots=width))) <= 8 * 1024
    for codepage in ("tcvn3", "cp1258"):
        settings = PrinterSettings(paper_width_dots=width, text_mode="codepage", codepage=codepage)
        assert len(render_escpos(ticket, settings)) <= 400


def test_decomposed_input_prints_like_precomposed():
    nfc = sample_ticket("vi")
    nfd = replace(nfc, **{k: unicodedata.normalize("NFD", getattr(nfc, k))
                          for k in ("center_name", "service_name", "footer")})
    assert nfd.service_name != nfc.service_name
    for settings in (PrinterSettings(), PrinterSettings(text_mode="codepage")):
        assert render_escpos(nfd, settings) == render_escpos(nfc, settings)


def test_long_names_wrap_inside_the_paper():
    ticket = replace(sample_ticket("vi"), service_name="Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở")
    for width in WIDTHS:
        ops = decode(render_escpos(ticket, PrinterSettings(paper_width_dots=width)))
        assert all(raster_image(op).width <= width for op in ink_rasters(ops))
    short = len(ink_rasters(decode(render_escpos(sample_ticket("vi"), PrinterSettings()))))
    assert len(ink_rasters(decode(render_escpos(ticket, PrinterSettings())))) > short


def test_english_labels_print_as_printer_text():
    lines = printed_lines(decode(render_escpos(sample_ticket("en"), PrinterSettings())))
    assert b"People ahead: 12" in lines
    assert b"Estimated wait: 15 min" in lines
    assert b"Counters: 3, 4, 7" in lines
    assert b"12/05/2025 08:31" in lines


def test_layout_content_and_optional_lines():
    view = TicketView("Hall", "Service", "1023", sample_ticket().issued_at, people_ahead=0, counters=[5])
    texts = [line.text for line in ticket_lines(view)]
    assert "Quầy phục vụ: 5" in texts and "Số người chờ trước: 0" in texts
    assert not any(line.kind == "qr" for line in ticket_lines(view))
    assert not any(t.startswith("Thời gian") for t in texts)


def test_html_fragment_and_json_layout():
    ticket = replace(sample_ticket("vi"), center_name="Hall <b>&</b>")
    fragment = render_html(ticket)
    assert "Hall &lt;b&gt;&amp;&lt;/b&gt;" in fragment
    assert '<p class="hq-ticket__number">A023</p>' in fragment
    assert "<svg" in fragment and "Số người chờ trước: 12" in fragment
    layout = json.loads(json.dumps(ticket_layout(ticket)))
    assert layout["number"] == "A023"
    assert {"kind": "qr", "text": ticket.qr_url} in layout["lines"]


def test_logo_prints_first(tmp_path):
    logo = Image.new("L", (400, 200), 255)
    logo.paste(0, (50, 50, 350, 150))
    path = tmp_path / "logo.png"
    logo.save(path)
    ops = decode(render_escpos(sample_ticket("vi"), PrinterSettings(logo_path=path)))
    first = raster_image(ink_rasters(ops)[0])
    assert first.size == (240, 120)  # fitted into half the paper wide, 120 dots high


def test_missing_optional_text_is_tolerated():
    view = TicketView("Hall", "Dịch vụ", "7", sample_ticket().issued_at, footer=None, qr_url="  ")  # type: ignore[arg-type]
    ops = decode(render_escpos(view, PrinterSettings()))
    assert "qr_store" not in names(ops) and names(ops)[-1] == "cut"
