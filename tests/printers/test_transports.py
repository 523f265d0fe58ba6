"""Printer URLs, the other transports, the watchdog and the settings model."""

from __future__ import annotations

import socket
import threading

import pytest
from pydantic import ValidationError

import printer_drivers.job as job
from printer_drivers import (
    PaperOut,
    PrinterConfigError,
    PrinterEntry,
    PrinterSettings,
    PrinterTimeout,
    PrinterUnavailable,
    dummy_output,
    print_test,
    print_ticket,
    render_escpos,
    resolve_printer,
    sample_ticket,
    transport_for,
)
from printer_drivers.transports.base import Transport

pytestmark = pytest.mark.timeout(30)
TICKET = sample_ticket("vi")


@pytest.mark.parametrize(
    "url,kind,attrs",
    [
        ("serial:///dev/ttyUSB0?baudrate=115200", "SerialTransport", {"path": "/dev/ttyUSB0", "baudrate": 115200}),
        ("serial:///dev/ttyS0?baudrate=9600&parity=E&flow_control=rtscts", "SerialTransport",
         {"parity": "E", "flow_control": "rtscts"}),
        ("usb://04b8:0e15", "UsbTransport", {"vendor": 0x04B8, "product": 0x0E15, "out_ep": 1}),
        ("tcp://192.168.1.50:9100", "TcpTransport", {"host": "192.168.1.50", "port": 9100}),
        ("tcp://printer.local", "TcpTransport", {"port": 9100}),
        ("file:///dev/usb/lp0", "FileTransport", {"path": "/dev/usb/lp0"}),
        ("dummy://", "DummyTransport", {"name": ""}),
    ],
)
def test_urls_pick_their_transport(url, kind, attrs):
    transport = transport_for(url)
    assert type(transport).__name__ == kind
    assert {key: getattr(transport, key) for key in attrs} == attrs


def test_settings_flow_control_reaches_serial():
    assert transport_for("serial:///dev/ttyUSB0", "xonxoff").flow_control == "xonxoff"


@pytest.mark.parametrize(
    "url", ["lpt://1", "usb://04b8", "usb://zz:11", "serial:///dev/ttyS0?speed=9600", "tcp://host:port", "file://"]
)
def test_bad_urls_are_config_errors(url):
    with pytest.raises(PrinterConfigError):
        print_ticket(url, PrinterSettings(), TICKET)


def test_tcp_printer_prints_and_reports(tcp_printer):
    status = print_ticket(tcp_printer.url, PrinterSettings(), TICKET)
    assert status.online is True and status.paper == "ok"
    assert tcp_printer.wait_for(lambda m: m.count("cut") == 1)
    tcp_printer.model.paper = "out"
    with pytest.raises(PaperOut):
        print_ticket(tcp_printer.url, PrinterSettings(), TICKET)


def test_tcp_printer_that_stops_reading_times_out(tcp_printer):
    tcp_printer.stall_after = 500
    with pytest.raises(PrinterTimeout):
        print_ticket(tcp_printer.url, PrinterSettings(status_timeout_s=0.3, write_timeout_s=1), TICKET)


def test_tcp_refused_is_unavailable():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    with pytest.raises(PrinterUnavailable, match="cannot connect"):
        print_ticket(f"tcp://127.0.0.1:{port}", PrinterSettings(), TICKET)


def test_file_transport_writes_the_exact_bytes(tmp_path):
    target = tmp_path / "lp0"
    status = print_ticket(f"file://{target}", PrinterSettings(), TICKET)
    assert target.read_bytes() == render_escpos(TICKET, PrinterSettings())
    assert status.paper == "unknown" and status.online is None  # a plain file cannot answer


def test_dummy_collects_bytes():
    dummy_output("kiosk-7", clear=True)
    print_test("dummy://kiosk-7", lang="en")
    assert dummy_output("kiosk-7", clear=True) == render_escpos(
        sample_ticket("en", qr_url="http://hallq.local/t/print-test"), PrinterSettings())
    assert dummy_output("kiosk-7") == b""


def test_missing_usb_printer_is_unavailable():
    with pytest.raises(PrinterUnavailable, match="USB"):
        print_ticket("usb://ffff:fffe", PrinterSettings(), TICKET, timeout_s=5)


class HangingTransport(Transport):
    """A driver call that never returns (what pyusb with timeout 0 or a blocking tty close can do)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def open(self, deadline: float) -> None:
        pass

    def write(self, data: bytes, deadline: float) -> None:
        self.release.wait(30)

    def close(self) -> None:
        pass


def test_watchdog_ends_a_hung_driver(monkeypatch):
    hanging = HangingTransport()
    monkeypatch.setattr(job, "transport_for", lambda url, flow: hanging)
    try:
        with pytest.raises(PrinterTimeout, match="did not finish within 1 s"):
            print_ticket("dummy://", PrinterSettings(), TICKET, timeout_s=1)
    finally:
        hanging.release.set()


def test_settings_defaults_and_validation():
    settings = PrinterSettings()
    assert (settings.paper_width_dots, settings.text_mode, settings.cut, settings.flow_control) == (
        576, "bitmap", True, "none")
    with pytest.raises(ValidationError, match="unknown python-escpos profile"):
        PrinterSettings(profile="TM-NOPE")
    with pytest.raises(ValidationError, match="multiple of 8"):
        PrinterSettings(paper_width_dots=580)
    with pytest.raises(ValidationError, match="extra"):
        PrinterSettings(paper="80mm")
    with pytest.raises(ValidationError, match="codepage_slot"):
        PrinterSettings(text_mode="codepage", codepage="tcvn3", profile="POS-5890")
    assert PrinterSettings.model_validate({"paper_width_dots": 384, "text_mode": "codepage",
                                           "codepage": "cp1258", "profile": "POS-5890"}).page_slot() == 27


def test_resolve_printer_by_name_or_url():
    entries = {
        "kiosk-1": PrinterEntry(url="serial:///dev/ttyUSB0?baudrate=38400", paper_width_dots=384),
        "tcp://10.0.0.9:9100": PrinterEntry(text_mode="codepage"),
    }
    url, settings = resolve_printer("kiosk-1", entries)
    assert url == "serial:///dev/ttyUSB0?baudrate=38400" and settings.paper_width_dots == 384
    url, settings = resolve_printer("tcp://10.0.0.9:9100", entries)
    assert url == "tcp://10.0.0.9:9100" and settings.text_mode == "codepage"
    assert resolve_printer("dummy://", entries) == ("dummy://", PrinterSettings())
    with pytest.raises(PrinterConfigError):
        resolve_printer("kiosk-9", entries)
