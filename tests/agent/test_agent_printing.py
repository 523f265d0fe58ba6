"""The agent's printer side, in this process, on a virtual serial printer: in order, once per job id,
every result kept until the server acknowledges it. No server here: the `job` handler is called as
Socket.IO would call it, and the results wait in `unacked` (there is no connection to send them on)."""
from __future__ import annotations

import pytest

from kiosk.agent import Agent
from printer_drivers.settings import PrinterSettings
from tests.agent.support import job, wait_until
from tests.printers.hall_printing import printed_text, qr_codes


@pytest.fixture
def agent(pty_printer):
    """An Agent for a server nobody serves (it never connects here), its printer thread running."""
    agent = Agent("http://127.0.0.1:9", "hqd_test", pty_printer.url, PrinterSettings())
    agent.printer.start()
    yield agent
    agent.printer.stop(15)


def results(agent, count):
    wait_until(lambda: len(agent.printer.unacked()) >= count, what=f"{count} result(s)")
    return agent.printer.unacked()


def test_a_job_delivered_twice_prints_once(agent, pty_printer):
    agent.on_job(job(17, "1023"))
    agent.on_job(job(17, "1023"))  # e.g. again after a reconnect
    [result] = results(agent, 1)
    assert result["id"] == 17 and result["ok"] is True and result["error"] is None and result["code"] is None
    assert result["status"] == {"online": True, "paper": "ok", "cover_open": False, "fault": False}
    agent.on_job(job(17, "1023"))  # and once more, after its result is known
    agent.on_job(job(18, "1024"))
    assert [r["id"] for r in results(agent, 2)] == [17, 18]
    assert pty_printer.model.count("cut") == 2
    assert qr_codes(pty_printer.model) == [b"http://hall.test/t/ticket-1023", b"http://hall.test/t/ticket-1024"]


def test_jobs_print_in_the_order_they_came(agent, pty_printer):
    numbers = [f"20{n:02d}" for n in range(1, 6)]
    for n, number in enumerate(numbers):
        agent.on_job(job(100 + n, number))
    assert [r["id"] for r in results(agent, 5)] == [100, 101, 102, 103, 104]
    assert all(r["ok"] for r in agent.printer.unacked())
    assert qr_codes(pty_printer.model) == [f"http://hall.test/t/ticket-{n}".encode() for n in numbers]
    text = printed_text(pty_printer.model)
    assert [text.index(n.encode()) for n in numbers] == sorted(text.index(n.encode()) for n in numbers)


def test_paper_out_fails_the_job_with_its_code_and_prints_nothing(agent, pty_printer):
    pty_printer.model.paper = "out"
    agent.on_job(job(7, "3001"))
    [result] = results(agent, 1)
    assert result["ok"] is False and result["code"] == "paper_out" and result["error"] == "out of paper"
    assert result["status"]["paper"] == "out"
    assert pty_printer.model.count("cut") == 0 and pty_printer.model.data_bytes == 0


def test_a_silent_printer_fails_the_job_as_offline(agent, pty_printer):
    pty_printer.model.answer_status = False  # switched off, or the wrong baud rate
    agent.on_job(job(8, "3002"))
    [result] = results(agent, 1)
    assert result["ok"] is False and result["code"] == "printer_offline"
    assert result["status"] == {"online": None, "paper": "unknown", "cover_open": None, "fault": None}
    assert pty_printer.model.count("cut") == 0


def test_a_job_the_agent_cannot_read_fails_and_the_next_one_prints(agent, pty_printer):
    agent.on_job({"id": 9, "number": "3003", "view": {"center_name": "x"}})  # no issued_at, no number
    agent.on_job({"number": "no id"})  # no id at all: not a job
    agent.on_job(job(10, "3004"))
    first, second = results(agent, 2)
    assert first["id"] == 9 and first["ok"] is False and first["code"] == "printer_error"
    assert second["id"] == 10 and second["ok"] is True
    assert qr_codes(pty_printer.model) == [b"http://hall.test/t/ticket-3004"]


def test_a_view_with_keys_a_newer_server_added_still_prints(agent, pty_printer):
    newer = job(11, "3005")
    newer["view"]["colour"] = "red"
    agent.on_job(newer)
    [result] = results(agent, 1)
    assert result["ok"] is True


def test_jobs_that_come_while_it_stops_fail_at_once(agent, pty_printer):
    agent.printer.stop(15)
    agent.on_job(job(12, "3006"))
    [result] = results(agent, 1)
    assert result["ok"] is False and result["code"] == "printer_offline"
    assert pty_printer.model.count("cut") == 0


def test_jobs_that_arrive_swapped_print_in_id_order(pty_printer):
    # python-socketio hands each event to its own thread: two jobs close together may come swapped.
    agent = Agent("http://127.0.0.1:9", "hqd_test", pty_printer.url, PrinterSettings())
    agent.on_job(job(31, "4002"))
    agent.on_job(job(30, "4001"))  # both queued before the printer thread starts
    agent.printer.start()
    try:
        assert [r["id"] for r in results(agent, 2)] == [30, 31]
        assert qr_codes(pty_printer.model) == [b"http://hall.test/t/ticket-4001", b"http://hall.test/t/ticket-4002"]
    finally:
        agent.printer.stop(15)
