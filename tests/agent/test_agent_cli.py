"""`hallq agent` as a process: bad input is one line and exit 2 before any connection; a server that is
not there is retried with backoff, forever, until SIGTERM ends it cleanly."""
from __future__ import annotations

import re

import pytest

from tests.support.server import free_port

TOKEN = "hqd_not-a-real-token"


def test_a_wrong_printer_url_is_one_line_and_exit_2(agent_process):
    # The server's address is one that nobody serves: the agent must not get as far as trying it.
    agent = agent_process("--server", f"http://127.0.0.1:{free_port()}", "--printer", "lpt://1", token=TOKEN)
    assert agent.finish() == 2
    assert agent.lines == ["hallq agent: --printer: printer URL must start with one of serial://, usb://, tcp://, "
                           "file://, dummy://: 'lpt://1'"]


def test_no_token_is_one_line_and_exit_2(agent_process):
    agent = agent_process("--server", f"http://127.0.0.1:{free_port()}", "--printer", "dummy://")
    assert agent.finish() == 2
    assert agent.lines == ["hallq agent: no token: pass --token or set HALLQ_AGENT_TOKEN (the kiosk's device token)"]


def test_the_local_config_names_the_bad_key(agent_process, tmp_path):
    config = tmp_path / "agent.yaml"
    config.write_text("paper_width_dots: 576\npaper_width_mm: 80\n", encoding="utf-8")
    agent = agent_process("--server", f"http://127.0.0.1:{free_port()}", "--printer", "dummy://",
                          "--config", str(config), token=TOKEN)
    assert agent.finish() == 2
    assert agent.lines == [f"hallq agent: {config}: paper_width_mm: Extra inputs are not permitted"]


def test_a_server_that_is_not_there_is_retried_with_backoff_until_sigterm(agent_process):
    server = f"http://127.0.0.1:{free_port()}"
    agent = agent_process("--server", server, "--printer", "dummy://", token=TOKEN)
    retries = agent.wait_for_lines(lambda line: "cannot connect to" in line, count=4)
    assert agent.proc.poll() is None  # still trying: it never gives up on a server that is away
    delays = [float(re.search(r"retrying in ([\d.]+) s$", line).group(1)) for line in retries]
    assert all(f"cannot connect to {server}: Connection refused; retrying in" in line for line in retries), retries
    # 0.5 s doubling to 5 s, each 75-100 % of its step: the first three strictly grow, none passes 5 s.
    assert 0.3 <= delays[0] <= 0.5 and delays[0] < delays[1] < delays[2], delays
    assert max(delays) <= 5.0, delays
    assert agent.terminate() == 0
    log = agent.log()
    assert log[-1].endswith(" stopped"), log
    assert not any(TOKEN in line for line in log)


def test_print_test_prints_the_sample_with_the_agents_settings(agent_process, pty_printer, tmp_path):
    config = tmp_path / "agent.yaml"
    config.write_text(f"url: {pty_printer.url}\npaper_width_dots: 384\n", encoding="utf-8")
    agent = agent_process("--config", str(config), "--print-test")  # no server, no token: the printer only
    assert agent.finish() == 0
    assert agent.proc.stdout.read().strip() == (f"printed a sample ticket on {pty_printer.url} "
                                                "(printer: online, paper ok, cover shut)")
    assert pty_printer.model.count("cut") == 1
    narrow = widest_bitmap(pty_printer.model)
    assert agent_process("--printer", pty_printer.url, "--print-test").finish() == 0  # the default: 80 mm
    assert narrow <= 384 < widest_bitmap(pty_printer.model)  # 58 mm, as the local config said


def widest_bitmap(model) -> int:
    """The widest bitmap line printed so far, in dots."""
    with model.lock:
        return max(op.fields["width_bytes"] * 8 for op in model.ops if op.name == "raster")


def test_print_test_on_a_printer_out_of_paper_says_so(agent_process, pty_printer):
    pty_printer.model.paper = "out"
    agent = agent_process("--printer", pty_printer.url, "--print-test")
    assert agent.finish() == 1
    assert agent.lines == [f"hallq agent: print-test {pty_printer.url}: paper_out: out of paper"]
