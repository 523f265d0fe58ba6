"""One set of rules for devices, whoever registers them (the CLI and the API call the same function)."""
from __future__ import annotations

import pytest

from server.auth import device_rules
from server.queueing.errors import Invalid

PRINTERS = {"may-in-sanh-a": object()}


@pytest.mark.parametrize("name, stored", [
    ("a/b", "a/b"),
    ("Kiosk tầng 1/2", "Kiosk tầng 1/2"),
    ("  Màn hình sảnh A  ", "Màn hình sảnh A"),  # trimmed
    ("Ki\u006f\u0302\u0301t", "Kiốt"),  # typed decomposed (NFD), stored composed (NFC)
    ("Quầy 5 – đánh giá (điểm/ý kiến)", "Quầy 5 – đánh giá (điểm/ý kiến)"),
    ("/tầng 2/", "/tầng 2/"),
    ("x" * 64, "x" * 64),
])
def test_names_of_any_script_with_slashes(name, stored):
    assert device_rules(name, "display", None, PRINTERS).name == stored


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "kiosk\n", "a\tb", "a\rb", "a\x00b", "a\u2028b", "a\u200bb",
                                  "\ud800", "x" * 65, ".", "..", "tầng/../1", "a/./b", 5, None])
def test_bad_names_are_refused_naming_the_field(name):
    with pytest.raises(Invalid) as caught:
        device_rules(name, "display", None, PRINTERS)
    assert caught.value.code == "invalid_device_name"


@pytest.mark.parametrize("printer", ["serial:///dev/ttyUSB0?baudrate=115200", "usb://04b8:0e15",
                                     "tcp://192.168.1.50:9100", "file:///dev/usb/lp0", "dummy://", "may-in-sanh-a",
                                     "  dummy://  ", "agent"])
def test_kiosk_printers_of_known_schemes_or_config_names(printer):
    assert device_rules("k1", "kiosk", printer, PRINTERS).printer == printer.strip()


@pytest.mark.parametrize("printer, code", [
    ("gopher://x", "invalid_device_printer"),
    ("http://192.168.1.50", "invalid_device_printer"),
    ("may-in-khong-co", "invalid_device_printer"),
    ("tcp://192.168.1.50:abc", "invalid_device_printer"),
    ("dummy://\nx", "invalid_device_printer"),
])
def test_unknown_printers_are_refused(printer, code):
    with pytest.raises(Invalid) as caught:
        device_rules("k1", "kiosk", printer, PRINTERS)
    assert caught.value.code == code


@pytest.mark.parametrize("kind", ["display", "rating"])
def test_only_kiosks_have_printers(kind):
    with pytest.raises(Invalid) as caught:
        device_rules("tv", kind, "dummy://", PRINTERS)
    assert caught.value.code == "printer_kiosk_only"
    assert device_rules("tv", kind, "", PRINTERS).printer is None  # an empty field is no printer


def test_an_unknown_kind_is_refused():
    with pytest.raises(Invalid) as caught:
        device_rules("x", "printer", None, PRINTERS)
    assert (caught.value.code, caught.value.params["field"]) == ("invalid_value", "kind")
