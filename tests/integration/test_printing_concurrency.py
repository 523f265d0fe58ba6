"""Printers on OS threads, under eventlet and threading: many print at once, a hung one fails alone.

Each test runs against a real `hallq serve --async-mode MODE`. Before printer_drivers took
its primitives from osthreads, eventlet printed 1 ticket of 16 here, the hung driver's job
stayed `queued` for ever, and the file:// printer failed with EPERM.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.printers.escpos_decoder import decode
from tests.printers.hall_printing import issue, printed_text, qr_codes, settled_print
from tests.printers.virtual_printer import PtyPrinter
from tests.support.hall import hall_config

pytestmark = pytest.mark.slow
KIOSKS, TICKETS = 4, 4
HUNG_TIMEOUT_S = 2  # the hung printer's job_timeout_s: its watchdog fires after this


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def hall(request, live_server, auth, tmp_path_factory):
    """A hall with a printer that hangs in C (a FIFO nobody reads) and one that is a regular file."""
    folder: Path = tmp_path_factory.mktemp(f"printing-{request.param}")
    fifo, paper = folder / "hung.fifo", folder / "tickets.prn"
    os.mkfifo(fifo)

    def printers(data):
        data["printers"] = {"hung": {"url": f"file://{fifo}", "job_timeout_s": HUNG_TIMEOUT_S},
                            "file": {"url": f"file://{paper}"}}

    server = live_server(hall_config(edit=printers), async_mode=request.param, name=f"printing-{request.param}")
    server.fifo, server.paper, server.mode = fifo, paper, request.param
    server.auth = auth(server)
    yield server
    try:  # let the driver call stuck in open() return, so the process stops cleanly
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    except OSError:
        pass


def kiosk_printers(hall, count: int, prefix: str) -> list[tuple[str, PtyPrinter]]:
    """count kiosks, each with its own virtual serial printer."""
    printers = [PtyPrinter() for _ in range(count)]
    with ThreadPoolExecutor(4) as pool:  # `hallq device add` is a process each: start them together
        tokens = pool.map(lambda i: hall.auth.device(f"{prefix}-{hall.mode}-{i}", "kiosk", printer=printers[i].url),
                          range(count))
        return list(zip(tokens, printers))


def test_four_kiosks_print_four_tickets_each_at_the_same_moment(hall):
    kiosks = kiosk_printers(hall, KIOSKS, "rush")
    issued: list[list[dict]] = [[] for _ in kiosks]
    start = threading.Barrier(len(kiosks))

    def tap(i: int, token: str) -> None:
        start.wait()
        for _ in range(TICKETS):
            issued[i].append(issue(hall, token)["ticket"])

    threads = [threading.Thread(target=tap, args=(i, token)) for i, (token, _) in enumerate(kiosks)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        outcomes = [settled_print(hall, t["token"])["status"] for mine in issued for t in mine]
        assert outcomes == ["printed"] * KIOSKS * TICKETS
        for (_, printer), mine in zip(kiosks, issued):
            assert printer.wait_for(lambda m: m.count("cut") >= TICKETS, timeout=10)
            model = printer.model
            assert model.errors == [] and model.count("cut") == TICKETS  # whole, well-formed tickets
            assert sorted(qr_codes(model)) == sorted(t["status_url"].encode() for t in mine)
            text = printed_text(model)
            assert all(t["number"].encode() in text for t in mine)  # each on its own kiosk's printer
    finally:
        for _, printer in kiosks:
            printer.close()


def test_a_hung_driver_fails_its_job_while_the_others_print(hall):
    hung = hall.auth.device(f"quay-treo-{hall.mode}", "kiosk", printer="hung")
    others = kiosk_printers(hall, 2, "beside")
    boss = hall.auth.supervisor()
    try:
        stuck = issue(hall, hung)["ticket"]
        fine = [issue(hall, token)["ticket"] for token, _ in others]
        # The others print while the hung printer's driver call is blocked in open(), and the API answers.
        assert [settled_print(hall, t["token"])["status"] for t in fine] == ["printed", "printed"]
        assert hall.get("state").status_code == 200
        failed = settled_print(hall, stuck["token"])
        assert failed["status"] == "failed" and failed["code"] == "timeout"
        # The next ticket of that kiosk fails at once instead of leaving one more thread stuck.
        again = settled_print(hall, issue(hall, hung)["ticket"]["token"])
        assert again["status"] == "failed" and again["code"] == "timeout"
        entry = next(p for p in hall.get("printers", token=boss).json() if p["name"] == "hung")
        assert entry["kiosk"] == f"quay-treo-{hall.mode}" and entry["error_code"] == "printer_timeout"
        assert "hung" in entry["last_error"]
        alerts = hall.get("dashboard", token=boss).json()["alerts"]
        assert {"kind": "printer_failed", "kiosk": f"quay-treo-{hall.mode}"}.items() <= next(
            a for a in alerts if a.get("printer") == "hung").items()
    finally:
        for _, printer in others:
            printer.close()


def test_a_printer_on_a_regular_file_prints(hall):
    token = hall.auth.device(f"k-file-{hall.mode}", "kiosk", printer="file")
    ticket = issue(hall, token)["ticket"]
    assert settled_print(hall, ticket["token"])["status"] == "printed"
    ops = decode(hall.paper.read_bytes())
    assert [op.name for op in ops].count("cut") >= 1
    assert ticket["status_url"].encode() in [op.data for op in ops if op.name == "qr_store"]
