"""Printing to a virtual serial printer on a pty: status before and after, and every fault ends in an error."""

from __future__ import annotations

import pytest

from printer_drivers import (
    CoverOpen,
    PaperOut,
    PrinterFault,
    PrinterOffline,
    PrinterSettings,
    PrinterTimeout,
    PrinterUnavailable,
    print_test,
    print_ticket,
    printer_status,
    render_escpos,
    sample_ticket,
    send_bytes,
)
from printer_drivers.escpos_render import raster_command

# Faults must end in an error well inside the 10 s print timeout; this only stops a hang from hanging CI.
pytestmark = pytest.mark.timeout(30)

TICKET = sample_ticket("vi")


def test_prints_a_whole_ticket(serial_printer):
    status = print_ticket(serial_printer.url, PrinterSettings(), TICKET)
    assert status.online is True and status.paper == "ok" and status.cover_open is False
    data = render_escpos(TICKET, PrinterSettings())
    assert serial_printer.wait_for(lambda m: m.data_bytes == len(data))
    model = serial_printer.model
    assert model.errors == []
    assert model.count("cut") == 1 and model.count("qr_print") == 1
    assert model.status_queries == [1, 2, 3, 4, 1, 2, 3, 4]  # before and after


def test_print_test_in_english_codepage_mode(serial_printer):
    settings = PrinterSettings(text_mode="codepage", codepage="cp1258")
    print_test(serial_printer.url, settings, lang="en")
    assert serial_printer.wait_for(lambda m: m.count("cut") == 1)
    assert serial_printer.model.count("raster") == 0
    assert any(op.args == (52,) for op in serial_printer.model.ops if op.name == "codepage")


def test_paper_near_end_still_prints_and_says_so(serial_printer):
    serial_printer.model.paper = "near_end"
    status = print_ticket(serial_printer.url, PrinterSettings(), TICKET)
    assert status.paper == "near_end"
    assert serial_printer.wait_for(lambda m: m.count("cut") == 1)


@pytest.mark.parametrize(
    "fault,error,reason",
    [
        ({"paper": "out"}, PaperOut, "out of paper"),
        ({"cover_open": True}, CoverOpen, "cover is open"),
        ({"cutter_error": True}, PrinterFault, "error"),
    ],
)
def test_known_bad_status_refuses_before_sending(serial_printer, fault, error, reason):
    for name, value in fault.items():
        setattr(serial_printer.model, name, value)
    with pytest.raises(error, match=reason) as caught:
        print_ticket(serial_printer.url, PrinterSettings(), TICKET)
    assert caught.value.code in {"paper_out", "cover_open", "printer_fault"}
    assert caught.value.status is not None
    assert serial_printer.model.data_bytes == 0  # nothing was printed


def test_silent_printer_is_unknown_not_fine(serial_printer):
    serial_printer.model.answer_status = False
    assert printer_status(serial_printer.url).paper == "unknown"
    with pytest.raises(PrinterOffline, match="does not answer"):
        print_ticket(serial_printer.url, PrinterSettings(status_timeout_s=0.2), TICKET)
    assert serial_printer.model.data_bytes == 0


def test_silent_printer_prints_when_status_is_not_required(serial_printer):
    serial_printer.model.answer_status = False
    settings = PrinterSettings(require_status=False, status_timeout_s=0.2)
    status = print_ticket(serial_printer.url, settings, TICKET)
    assert status.online is None and status.paper == "unknown" and status.cover_open is None
    assert serial_printer.wait_for(lambda m: m.count("cut") == 1)


def test_printer_status_reports_each_field(serial_printer):
    serial_printer.model.paper = "near_end"
    serial_printer.model.cover_open = True
    status = printer_status(serial_printer.url)
    assert (status.online, status.paper, status.cover_open) == (False, "near_end", True)
    assert status.as_dict()["paper"] == "near_end"


def test_line_that_stops_reading_mid_ticket_fails(serial_printer):
    serial_printer.stall_after = 1000  # the ticket fits the pty buffer; the printer never answers again
    with pytest.raises(PrinterTimeout, match="stopped"):
        print_ticket(serial_printer.url, PrinterSettings(status_timeout_s=0.3), TICKET)


def test_stalled_line_blocks_writes_and_times_out(serial_printer):
    from PIL import Image

    big = b"\x1b@" + raster_command(Image.new("1", (576, 1200), 0))  # 86 KB, far past the pty buffer
    serial_printer.stall_after = 100
    with pytest.raises(PrinterTimeout, match="stalled"):
        send_bytes(serial_printer.url, PrinterSettings(write_timeout_s=1), big)


def test_xoff_holds_the_line_and_write_times_out(serial_printer):
    serial_printer.xoff_after_queries = 4  # answer the status, then XOFF for good
    settings = PrinterSettings(flow_control="xonxoff", write_timeout_s=1)
    with pytest.raises(PrinterTimeout):
        print_ticket(serial_printer.url, settings, TICKET)
    assert serial_printer.model.count("cut") == 0


def test_device_vanishing_mid_ticket_fails(serial_printer):
    serial_printer.vanish_after = 500
    with pytest.raises(PrinterUnavailable, match="disconnected|vanished"):
        print_ticket(serial_printer.url, PrinterSettings(), TICKET)


def test_device_gone_before_printing(serial_printer):
    serial_printer.vanish()
    with pytest.raises(PrinterUnavailable, match="cannot open|disconnected|vanished"):
        print_ticket(serial_printer.url, PrinterSettings(), TICKET)


def test_printer_back_after_fault_prints_again(serial_printer):
    serial_printer.model.cover_open = True
    with pytest.raises(CoverOpen):
        print_ticket(serial_printer.url, PrinterSettings(), TICKET)
    serial_printer.model.cover_open = False
    assert print_ticket(serial_printer.url, PrinterSettings(), TICKET).online is True


def test_two_printers_print_at_once(serial_printer):
    from concurrent.futures import ThreadPoolExecutor

    from tests.printers.virtual_printer import PtyPrinter

    other = PtyPrinter()
    try:
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda url: print_ticket(url, PrinterSettings(), TICKET),
                                    [serial_printer.url, other.url]))
        assert all(status.online for status in results)
        size = len(render_escpos(TICKET, PrinterSettings()))
        assert serial_printer.wait_for(lambda m: m.data_bytes == size)
        assert other.wait_for(lambda m: m.data_bytes == size)
        assert serial_printer.model.ops == other.model.ops
    finally:
        other.close()
