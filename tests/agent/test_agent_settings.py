"""What `hallq agent` checks before it connects (kiosk/agent_settings.py): every refusal is one line."""
from __future__ import annotations

import argparse

import pytest

from kiosk.agent_settings import SetupError, setup_from
from printer_drivers.settings import PrinterSettings

SERVER = "http://192.168.1.10:5000"


def args(**given) -> argparse.Namespace:
    base = dict(server=SERVER, token=None, printer=None, config=None, paper_width=None, text_mode=None,
                profile=None, flow_control=None, job_timeout=None, print_test=False)
    return argparse.Namespace(**{**base, **given})


@pytest.mark.parametrize("printer, reason", [
    ("lpt://1", "--printer: printer URL must start with one of serial://, usb://, tcp://, file://, dummy://"),
    ("serial://", "--printer: serial URL needs a device path"),
    ("tcp://127.0.0.1:port", "--printer: bad printer URL"),
    ("usb://epson", "--printer: USB URL must be usb://VID:PID"),
    ("serial:///dev/ttyS0?baudrate=fast", "--printer: bad serial option"),
    ("serial:///dev/ttyS0?flow_control=maybe", "--printer: flow_control must be one of"),
])
def test_a_url_no_printer_can_have(printer, reason):
    with pytest.raises(SetupError, match="^" + reason.replace("?", r"\?").replace(".", r"\.")):
        setup_from(args(printer=printer, token="hqd_x"), environ={})


@pytest.mark.parametrize("given, reason", [
    (dict(printer="dummy://"), "no token: pass --token or set HALLQ_AGENT_TOKEN"),
    (dict(printer="dummy://", token="  "), "no token"),
    (dict(token="hqd_x"), "no printer: pass --printer URL"),
    (dict(printer="dummy://", token="hqd_x", server=None), "no server: pass --server URL"),
    (dict(printer="dummy://", token="hqd_x", server="ws://x:5000"), "--server 'ws://x:5000': give the hall server's"),
    (dict(printer="dummy://", token="hqd_x", paper_width="90mm"), "--paper-width '90mm': use 80mm, 58mm"),
    (dict(printer="dummy://", token="hqd_x", profile="TM-NOPE"), "the flags: profile: unknown python-escpos profile"),
    (dict(printer="dummy://", token="hqd_x", job_timeout=0.0), "the flags: job_timeout_s: Input should be greater"),
    (dict(printer="dummy://", token="hqd_x", paper_width="100"), "the flags: paper_width_dots: Input should be"),
])
def test_missing_or_bad_settings(given, reason):
    with pytest.raises(SetupError) as err:
        setup_from(args(**given), environ={})
    assert str(err.value).startswith(reason) and "\n" not in str(err.value)


def test_the_token_from_the_command_line_wins_over_the_environment():
    setup = setup_from(args(printer="dummy://", token="hqd_flag"), environ={"HALLQ_AGENT_TOKEN": "hqd_env"})
    assert setup.token == "hqd_flag"
    assert setup_from(args(printer="dummy://"), environ={"HALLQ_AGENT_TOKEN": " hqd_env\n"}).token == "hqd_env"


def test_the_local_file_gives_the_settings_and_flags_win(tmp_path):
    config = tmp_path / "agent.yaml"
    config.write_text("url: serial:///dev/ttyUSB0?baudrate=115200\npaper_width_dots: 384\nprofile: TM-T20II\n"
                      "text_mode: codepage\njob_timeout_s: 12\n", encoding="utf-8")
    setup = setup_from(args(config=str(config), token="hqd_x", server=SERVER + "/"), environ={})
    assert setup.server == SERVER and setup.printer_url == "serial:///dev/ttyUSB0?baudrate=115200"
    assert setup.settings == PrinterSettings(paper_width_dots=384, profile="TM-T20II", text_mode="codepage",
                                             job_timeout_s=12)
    flags = setup_from(args(config=str(config), token="hqd_x", printer="usb://04b8:0e15", paper_width="80mm",
                            text_mode="bitmap", job_timeout=5.0), environ={})
    assert flags.printer_url == "usb://04b8:0e15"
    assert flags.settings == PrinterSettings(paper_width_dots=576, profile="TM-T20II", text_mode="bitmap",
                                             job_timeout_s=5)


@pytest.mark.parametrize("text, reason", [
    ("paper_width_mm: 80\n", "paper_width_mm: Extra inputs are not permitted"),
    ("- a list\n", "must be a mapping of printer settings"),
    ("url: [unclosed\n", "not valid YAML"),
])
def test_a_bad_local_file_is_named(tmp_path, text, reason):
    config = tmp_path / "agent.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SetupError) as err:
        setup_from(args(config=str(config), token="hqd_x", printer="dummy://"), environ={})
    assert str(err.value).startswith(f"{config}: ") and reason in str(err.value)


def test_a_missing_local_file_is_named(tmp_path):
    with pytest.raises(SetupError, match="agent.yaml: no such file"):
        setup_from(args(config=str(tmp_path / "agent.yaml"), token="hqd_x", printer="dummy://"), environ={})


def test_print_test_needs_no_server_and_no_token():
    setup = setup_from(args(server=None, printer="dummy://", print_test=True), environ={})
    assert setup.printer_url == "dummy://" and setup.token == ""
