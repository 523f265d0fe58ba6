"""Kiosk tap → paper cut, on a virtual serial printer at 9600, 38400 and 115200 baud.

A real `hallq serve` on 127.0.0.1, Debian's Chromium on /kiosk (paired with a kiosk token
whose printer is a pty), and a virtual printer that reads no faster than its baud rate
(10 bits a byte) and answers DLE EOT. For each baud rate and text mode the bench taps a
service N times and measures, on one clock, from just before the tap to the moment the
printer has read the cut command. Prints a table and writes it to docs/benchmarks.md.

    .venv/bin/python bench/bench_kiosk_print.py [--taps 5] [--no-write]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import machine  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.printers.virtual_printer import PtyPrinter  # noqa: E402
from tests.support.auth import HallAuth  # noqa: E402
from tests.support.hall import hall_config, write_config  # noqa: E402
from tests.support.server import LiveServer  # noqa: E402

START, END = "<!-- bench_kiosk:start -->", "<!-- bench_kiosk:end -->"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def run(taps: int) -> list[tuple[str, int, list[float]]]:
    folder = Path(tempfile.mkdtemp(prefix="hallq-bench-kiosk-"))
    cases = [(mode, baud) for mode in ("bitmap", "codepage") for baud in (9600, 38400, 115200)]
    printers = {case: PtyPrinter(baudrate=case[1], throttle=True) for case in cases}
    data = hall_config()
    data["printers"] = {f"p-{mode}-{baud}": {"url": printers[(mode, baud)].url, "text_mode": mode,
                                             **({"profile": "TM-T20II"} if mode == "codepage" else {})}
                        for mode, baud in cases}
    server = LiveServer(write_config(folder, data), name="kiosk-bench").start()
    auth = HallAuth(server)
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1080, "height": 1920})
            for mode, baud in cases:
                token = auth.device(f"k-{mode}-{baud}", "kiosk", printer=f"p-{mode}-{baud}")
                page.goto(f"{server.url}/kiosk?return=1&failed=1#token={token}")
                printer = printers[(mode, baud)]
                times = []
                for _ in range(taps):
                    tile = page.locator('.k-service[data-code="HT"]')
                    expect(tile).to_be_enabled(timeout=30000)
                    cuts = printer.model.count("cut")
                    started = time.monotonic()
                    tile.click()
                    if not printer.wait_for(lambda m: m.count("cut") > cuts, timeout=30):
                        raise SystemExit(f"{mode} at {baud} baud: no cut within 30 s")
                    times.append(time.monotonic() - started)
                    expect(tile).to_be_visible(timeout=30000)  # back at the start
                results.append((mode, baud, times))
                print(f"{mode:8} {baud:>6} baud: tap → cut p50 {statistics.median(times):.2f} s, "
                      f"max {max(times):.2f} s ({len(times)} taps)", flush=True)
            browser.close()
    finally:
        server.stop()
        for p in printers.values():
            p.close()
    return results


def section(results: list[tuple[str, int, list[float]]], taps: int) -> str:
    facts = machine()
    rows = "\n".join(f"| {mode} | {baud} | {statistics.median(t):.2f} | {max(t):.2f} |" for mode, baud, t in results)
    described = "; ".join(f"{k}: {v}" for k, v in facts.items())
    return f"""## Kiosk tap → paper cut

`bench/bench_kiosk_print.py`: Chromium taps a service on `/kiosk`; a virtual serial printer
on a pty, reading no faster than its baud rate, answers its status queries; the time runs
from just before the tap to the printer reading the cut command ({taps} taps each).
Issuing never waits for the printer: the number is on screen long before the paper is cut.

| text mode | baud | tap → cut p50, s | max, s |
|---|---:|---:|---:|
{rows}

Machine: {described}.
"""


def write(text: str) -> None:
    from _sections import write_section

    write_section(START, END, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = run(args.taps)
    text = section(results, args.taps)
    print(text)
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
