"""A printer's error holds until the printer has really recovered; no job is left `sent` for ever.

In process: the server's real Printers (workers, idle checks, sweeper) on a real database,
printing to virtual printers on pty pairs. The idle check runs every 0.2 s instead of 30 s.
"""
from __future__ import annotations

import dataclasses
import time

import pytest

import server.printing as printing
from printer_drivers import sample_ticket
from printer_drivers.raster import RENDER_LOCK
from server.config import parse_config
from server.printing import Printers
from server.queueing.clock import utcnow
from server.records import PrintJob
from server.storage import Database
from tests.conftest import demo_config_data
from tests.printers.virtual_printer import PtyPrinter

VIEW = {**dataclasses.asdict(sample_ticket("vi")), "issued_at": sample_ticket("vi").issued_at.isoformat()}


@pytest.fixture
def printer():
    p = PtyPrinter()
    yield p
    p.close()


@pytest.fixture
def hall_printers(tmp_path, printer, monkeypatch):
    """Printers for a hall whose printer "p" is the virtual one (short timeouts), and "d" a dummy."""
    data = demo_config_data()
    data["printers"] = {"p": {"url": printer.url, "write_timeout_s": 0.5, "job_timeout_s": 3},
                        "d": {"url": "dummy://alerts", "job_timeout_s": 0.5}}
    db = Database(f"sqlite:///{tmp_path / 'hall.db'}", synchronous="normal")
    db.migrate()
    db.start(green=False)
    monkeypatch.setattr(printing, "IDLE_CHECK_S", 0.2)
    printers = Printers(parse_config(data), db, utcnow)
    printers.recover()
    return printers


def print_job(printers: Printers, key: str) -> str:
    """Queue one ticket on printer `key` and wait for its outcome: done or failed."""
    def add(s):
        job = PrintJob(ticket_id=None, printer=key, status="pending", view=VIEW, created_at=utcnow(),
                       updated_at=utcnow())
        s.add(job)
        s.flush()
        return job.id

    job_id = printers.db.write(add)
    printers.submit(job_id, key)
    return outcome(printers, job_id)


def outcome(printers: Printers, job_id: int, timeout: float = 20) -> str:
    end = time.monotonic() + timeout
    while (status := printers.db.read(lambda s: s.get(PrintJob, job_id).status)) in ("pending", "sent"):
        assert time.monotonic() < end, f"job {job_id} still {status}"
        time.sleep(0.02)
    return status


def entry(printers: Printers, key: str) -> dict:
    return next(p for p in printers.listing() if p["name"] == key)


def back_in_step(printer: PtyPrinter) -> None:
    """Switch the printer off and on until it reads status queries again (the cut-short ticket is gone)."""
    for _ in range(50):
        printer.model.power_cycle()
        seen = printer.model.status_queries.count(1)
        if printer.wait_for(lambda m: m.status_queries.count(1) > seen, timeout=1):
            return
    raise AssertionError("the virtual printer never read a status query again")


def idle_checks(printer: PtyPrinter, count: int = 2) -> None:
    """Wait until the worker's idle status check has asked the printer `count` more times (DLE EOT 1)."""
    seen = printer.model.status_queries.count(1)
    assert printer.wait_for(lambda m: m.status_queries.count(1) >= seen + count, timeout=10)


def test_a_fault_holds_through_idle_checks_and_clears_when_the_status_says_it_is_gone(hall_printers, printer):
    printer.model.cutter_error = True
    assert print_job(hall_printers, "p") == "failed"
    idle_checks(printer)  # the printer answers, but with its error: not recovered
    assert entry(hall_printers, "p")["last_error"] and entry(hall_printers, "p")["error_code"] == "printer_fault"
    printer.model.cutter_error = False  # staff clear the jam; no ticket printed yet
    idle_checks(printer)
    assert entry(hall_printers, "p")["last_error"] is None


def test_a_stall_clears_only_when_a_ticket_prints(hall_printers, printer):
    printer.stall_after = 100  # stops reading part-way through every ticket
    assert print_job(hall_printers, "p") == "failed"
    printer.stall_after = None
    printer.resume()
    back_in_step(printer)  # staff switch it off and on
    idle_checks(printer)  # healthy answers, but a healthy status says nothing about a stall
    assert "stalled" in entry(hall_printers, "p")["last_error"]
    assert entry(hall_printers, "p")["error_code"] == "printer_timeout"
    assert print_job(hall_printers, "p") == "done"
    assert entry(hall_printers, "p")["last_error"] is None


def test_a_wedged_worker_cannot_leave_its_job_sent(hall_printers, monkeypatch):
    monkeypatch.setattr(printing, "SLACK_S", 0.5)  # the job's limit: job_timeout_s 0.5 + 0.5
    RENDER_LOCK.acquire()  # the worker blocks before its driver's watchdog starts: truly wedged
    try:
        assert print_job(hall_printers, "d") == "failed"
        job = hall_printers.db.read(lambda s: s.query(PrintJob).order_by(PrintJob.id.desc()).first())
        assert job.error_code == "printer_timeout" and "stuck" in job.error
        assert entry(hall_printers, "d")["error_code"] == "printer_timeout"
    finally:
        RENDER_LOCK.release()
    # The stuck worker was replaced: the printer prints again, and that clears the error.
    assert print_job(hall_printers, "d") == "done"
    assert entry(hall_printers, "d")["last_error"] is None
