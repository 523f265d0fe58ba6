"""Many kiosks printing at the same moment, in each async mode, with and without a hung printer.

For each async mode a real `hallq serve --async-mode MODE` on 127.0.0.1; K kiosks, each with its
own virtual serial printer on a pty that reads no faster than 115200 baud (10 bits a byte) and
answers DLE EOT. All kiosks start together and each issues T tickets back to back. Measured:
how many tickets printed (the API says `printed` and the printer has read that many cuts), the
wall time from the first tap to the last cut, and the issue answer times meanwhile. The "hung"
rows add one more kiosk whose printer is a FIFO nobody reads (its driver blocks in open()).

    .venv/bin/python bench/bench_print_concurrency.py [--loads 4x4,8x4] [--no-write]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _sections import machine_line, write_section  # noqa: E402

from tests.printers.virtual_printer import PtyPrinter  # noqa: E402
from tests.support.auth import HallAuth  # noqa: E402
from tests.support.hall import hall_config, write_config  # noqa: E402
from tests.support.server import LiveServer  # noqa: E402

START, END = "<!-- bench_print_concurrency:start -->", "<!-- bench_print_concurrency:end -->"
BAUD = 115200
SETTLE_S = 90.0


def one_run(server: LiveServer, auth: HallAuth, kiosks: int, tickets: int, tag: str, hung: bool) -> dict:
    """K kiosks × T tickets at once; returns what printed, the wall time and the issue answer times."""
    printers = [PtyPrinter(baudrate=BAUD, throttle=True) for _ in range(kiosks)]
    with ThreadPoolExecutor(4) as pool:
        tokens = list(pool.map(lambda i: auth.device(f"{tag}-{i}", "kiosk", printer=printers[i].url), range(kiosks)))
    stuck = auth.device(f"{tag}-hung", "kiosk", printer="hung") if hung else None
    issued: list[str] = []
    stuck_issued: list[str] = []
    answer_ms: list[float] = []
    lock = threading.Lock()
    go = threading.Barrier(kiosks + (1 if hung else 0))

    def tap(token: str, count: int) -> None:
        go.wait()
        for _ in range(count):
            t0 = time.monotonic()
            resp = server.post("tickets", {"service": "DD"}, token=token)
            ms = (time.monotonic() - t0) * 1000
            if resp.status_code != 201:
                raise SystemExit(f"issue: {resp.status_code} {resp.text[:200]}")
            with lock:
                answer_ms.append(ms)
                (issued if token != stuck else stuck_issued).append(resp.json()["ticket"]["token"])

    threads = [threading.Thread(target=tap, args=(token, tickets)) for token in tokens]
    if hung:
        threads.append(threading.Thread(target=tap, args=(stuck, tickets)))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    want = kiosks * tickets
    deadline = started + SETTLE_S
    while sum(p.model.count("cut") for p in printers) < want and time.monotonic() < deadline:
        time.sleep(0.05)  # not faster: counting takes each printer's lock, and its reader must keep pace
    wall = time.monotonic() - started
    statuses = []
    for token in issued:  # the API's word for each, once its job has settled (or the wait ran out)
        while True:
            body = server.get(f"tickets/{token}").json()["print"]
            if body["status"] != "queued" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        statuses.append(body["status"] if body["status"] != "failed" else f"failed ({body.get('code')})")
    hung_failed, hung_s = 0, 0.0
    for token in stuck_issued:  # the hung printer's tickets: failed, and when the last one was
        while server.get(f"tickets/{token}").json()["print"]["status"] == "queued" and time.monotonic() < deadline:
            time.sleep(0.05)
        hung_failed += server.get(f"tickets/{token}").json()["print"].get("code") == "timeout"
        hung_s = time.monotonic() - started
    cuts = sum(p.model.count("cut") for p in printers)
    for p in printers:
        p.close()
    others = sorted(s for s in statuses if s != "printed")
    return {"printed": statuses.count("printed"), "others": others, "hung_failed": hung_failed,
            "hung_n": len(stuck_issued), "hung_s": hung_s, "cuts": cuts, "want": want, "wall_s": wall,
            "p50_ms": statistics.median(answer_ms), "max_ms": max(answer_ms)}


def run(loads: list[tuple[int, int]]) -> list[tuple[str, str, bool, dict]]:
    results = []
    for mode in ("eventlet", "threading"):
        folder = Path(tempfile.mkdtemp(prefix=f"hallq-bench-print-{mode}-"))
        fifo = folder / "hung.fifo"
        os.mkfifo(fifo)
        data = hall_config()
        data["printers"] = {"hung": {"url": f"file://{fifo}"}}
        server = LiveServer(write_config(folder, data), async_mode=mode, name=f"print-{mode}").start()
        auth = HallAuth(server)
        try:
            for kiosks, tickets in loads:
                for hung in (False, True):
                    tag = f"{mode}-{kiosks}x{tickets}{'-hung' if hung else ''}"
                    r = one_run(server, auth, kiosks, tickets, tag, hung)
                    results.append((mode, f"{kiosks}×{tickets}", hung, r))
                    print(f"{tag:26} printed {r['printed']}/{r['want']} {r['others']} (cuts {r['cuts']}) "
                          f"in {r['wall_s']:.2f} s; "
                          f"issue p50 {r['p50_ms']:.0f} ms, max {r['max_ms']:.0f} ms", flush=True)
        finally:
            try:
                os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # release the driver stuck in open()
            except OSError:
                pass
            server.stop()
    return results


def hung_cell(r: dict) -> str:
    return f"{r['hung_failed']}/{r['hung_n']} failed (timeout), the last {r['hung_s']:.1f} s after the first tap"


def section(results: list[tuple[str, str, bool, dict]]) -> str:
    rows = "\n".join(
        f"| {mode} | {load}{' + 1 hung' if hung else ''} | {r['printed']}/{r['want']} | {r['wall_s']:.2f} | "
        f"{r['p50_ms']:.0f} / {r['max_ms']:.0f} | {hung_cell(r) if hung else '–'} |" for mode, load, hung, r in results)
    return f"""## Printing from many kiosks at once

`bench/bench_print_concurrency.py`: a real `hallq serve --async-mode MODE`; K kiosks × T tickets,
all kiosks starting together, each with its own virtual serial printer on a pty that reads no
faster than {BAUD} baud and answers its status queries (a bitmap ticket is about 0.7 s of wire
time). "printed" counts tickets the API reports printed whose cut the printer has read; the wall
time runs from the first tap to the last cut. "+ 1 hung" adds a kiosk whose printer is a FIFO
nobody reads: its driver call blocks in open() for ever, its jobs fail after the 10 s watchdog
(later ones at once), and nothing else waits for it. The runs follow each other on one server
per mode, so the 8×4 hung printer is still stuck from the 4×4 run and fails at once; the first
run also pays for loading the fonts and the printer code.

| async mode | kiosks × tickets | printed | first tap → last cut, s | issue answer p50 / max, ms | the hung printer's tickets |
|---|---|---:|---:|---:|---|
{rows}

Before printer_drivers took its primitives from `printer_drivers/osthreads.py` (commit e5fbdec, the
same runs through the API, unthrottled virtual printers): eventlet printed 1 of 16 tickets at 4×4
and 1 of 32 at 8×4, the others stayed `queued` for ever and so did every later ticket of those
kiosks; threading printed 16 of 16 and 32 of 32.

Machine: {machine_line()}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", default="4x4,8x4", help="kiosks x tickets, comma-separated")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    loads = [tuple(int(n) for n in load.split("x")) for load in args.loads.split(",")]
    text = section(run(loads))  # type: ignore[arg-type]
    print(text)
    if not args.no_write:
        write_section(START, END, text)


if __name__ == "__main__":
    main()
