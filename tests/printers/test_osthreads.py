"""printer_drivers on OS threads in a monkey-patched process, without the server, whatever the import order.

Each case runs in a fresh Python (monkey patching cannot be undone): eight real OS threads print
to file:// printers on regular files at once, and a printer hung in its driver (a FIFO nobody
reads blocks in open()) fails by its watchdog. Before osthreads, the render lock and the
watchdog were green here: the prints wedged, and the regular files failed with EPERM.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow  # each case is a Python process that monkey-patches eventlet

SCRIPT = textwrap.dedent("""
    import json, os, sys, tempfile
    order = sys.argv[1]
    if order == "patch-first":
        import eventlet; eventlet.monkey_patch()
    import printer_drivers
    from printer_drivers import PrinterSettings, PrinterTimeout, osthreads, print_ticket, sample_ticket
    import printer_drivers.raster, printer_drivers.job, printer_drivers.transports  # everything, before patching
    if order == "patch-later":
        import eventlet; eventlet.monkey_patch()
    folder = tempfile.mkdtemp()
    outcome = {}

    def one(i):
        try:
            print_ticket(f"file://{folder}/t{i}.prn", PrinterSettings(), sample_ticket("vi"))
            outcome[i] = "printed"
        except Exception as err:
            outcome[i] = repr(err)

    def hung():
        fifo = os.path.join(folder, "lp.fifo")
        os.mkfifo(fifo)
        try:
            print_ticket(f"file://{fifo}", PrinterSettings(job_timeout_s=1), sample_ticket("vi"))
            outcome["hung"] = "printed?"
        except PrinterTimeout as err:
            outcome["hung"] = str(err)
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))

    threads = [osthreads.start(one, i, name=f"printer-{i}") for i in range(8)]
    threads.append(osthreads.start(hung, name="printer-hung"))
    for t in threads:
        t.join(30)
    sizes = sorted(os.path.getsize(f"{folder}/t{i}.prn") for i in range(8) if os.path.exists(f"{folder}/t{i}.prn"))
    print(json.dumps({"green": osthreads.green(), "outcome": outcome, "sizes": sizes}))
    sys.stdout.flush()
    os._exit(0)  # a wedged thread must not keep the process
""")


@pytest.mark.parametrize("order", ["patch-first", "patch-later"])
def test_real_threads_print_at_once_and_the_watchdog_fires_under_eventlet(order):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", SCRIPT, order], capture_output=True, text=True,
                          timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["green"] is True  # eventlet really patched the process
    assert [result["outcome"].get(str(i)) for i in range(8)] == ["printed"] * 8
    assert len(result["sizes"]) == 8 and len(set(result["sizes"])) == 1  # eight whole, identical tickets
    assert "device hung" in result["outcome"]["hung"]


SERIAL_SCRIPT = textwrap.dedent("""
    import gc, json, os, sys
    import eventlet; eventlet.monkey_patch()
    from eventlet.hubs.hub import BaseHub
    from printer_drivers import PrinterSettings, osthreads, print_ticket, printer_status, sample_ticket
    from tests.printers import virtual_printer
    for name in ("threading", "select", "os", "time"):  # the virtual printer's own thread is a real one too
        setattr(virtual_printer, name, osthreads.real(name))
    printer = virtual_printer.PtyPrinter()
    gc.disable()  # a hub left on a dead thread stays countable (and cannot crash a collection meanwhile)
    hubs = lambda: sum(isinstance(o, BaseHub) for o in gc.get_objects())
    before, outcome = hubs(), {}

    def one(i):
        try:
            print_ticket(printer.url, PrinterSettings(), sample_ticket("vi"))
            outcome[i] = printer_status(printer.url).online
        except Exception as err:
            outcome[i] = repr(err)

    for i in range(4):  # one after another: the pty is opened exclusively
        t = osthreads.start(one, i, name=f"printer-{i}")
        t.join(30)
    print(json.dumps({"green": osthreads.green(), "outcome": outcome, "cuts": printer.model.count("cut"),
                      "hubs": hubs() - before}))
    sys.stdout.flush()
    os._exit(0)
""")


def test_a_serial_printer_on_os_threads_makes_no_eventlet_hub():
    """pyserial opens the port with os.open, which eventlet greens: each job's short-lived thread got an
    eventlet hub of its own (a greenlet, an epoll fd), and a garbage collection on another thread later
    freed that greenlet and segfaulted `hallq serve` (the kiosk's ticket stayed "queued", the hall went
    down). Now a print and a status check on a pty printer leave no hub behind."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", SERIAL_SCRIPT], capture_output=True, text=True,
                          timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["green"] is True
    assert [result["outcome"].get(str(i)) for i in range(4)] == [True] * 4, result
    assert result["cuts"] == 4
    assert result["hubs"] == 0, "an eventlet hub was made on a printer's OS thread"
