"""Kiosk tap → paper cut through `hallq agent`, next to the server-attached path, at 115200 baud.

A real `hallq serve` on 127.0.0.1 and Debian's Chromium on two /kiosk pages: one kiosk whose
printer is attached to the server (a pty), one registered with `--printer agent` whose
printer (another pty) is driven by a real `hallq agent` process. Both virtual printers read
no faster than 115200 baud and answer DLE EOT. The bench taps each kiosk in turn, N times,
and measures on one clock from just before the tap to the moment the printer has read the
cut command. The agent's cost is the difference of the medians. Prints a table and writes
it to docs/benchmarks.md.

    .venv/bin/python bench/bench_agent_print.py [--taps 15] [--no-write]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
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

START, END = "<!-- bench_agent:start -->", "<!-- bench_agent:end -->"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
BAUD = 115200
HALLQ = str(Path(sys.executable).with_name("hallq"))


def run(taps: int) -> dict[str, list[float]]:
    folder = Path(tempfile.mkdtemp(prefix="hallq-bench-agent-"))
    near, far = PtyPrinter(baudrate=BAUD, throttle=True), PtyPrinter(baudrate=BAUD, throttle=True)
    data = hall_config()
    data["printers"] = {"p-server": {"url": near.url}}
    server = LiveServer(write_config(folder, data), name="agent-bench").start()
    auth = HallAuth(server)
    kiosks = {"server": auth.device("k-server", "kiosk", printer="p-server"),
              "agent": auth.device("k-agent", "kiosk", printer="agent")}
    printers = {"server": near, "agent": far}
    log = open(folder / "agent.log", "w")
    agent = subprocess.Popen([HALLQ, "agent", "--server", server.url, "--printer", far.url],
                             env={**os.environ, "HALLQ_AGENT_TOKEN": kiosks["agent"]},
                             stdout=log, stderr=subprocess.STDOUT)
    times: dict[str, list[float]] = {"server": [], "agent": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            pages = {}
            for path, token in kiosks.items():
                pages[path] = browser.new_page(viewport={"width": 1080, "height": 1920})
                pages[path].goto(f"{server.url}/kiosk?return=1&failed=1#token={token}")
            expect(pages["agent"].locator("#printer-paused")).to_be_hidden(timeout=30000)  # the agent is there
            for _ in range(taps):
                for path in ("server", "agent"):
                    page, printer = pages[path], printers[path]
                    tile = page.locator('.k-service[data-code="HT"]')
                    expect(tile).to_be_enabled(timeout=30000)
                    cuts = printer.model.count("cut")
                    started = time.monotonic()
                    tile.click()
                    if not printer.wait_for(lambda m: m.count("cut") > cuts, timeout=30):
                        raise SystemExit(f"{path}: no cut within 30 s (agent log: {folder / 'agent.log'})")
                    times[path].append(time.monotonic() - started)
                    expect(tile).to_be_visible(timeout=30000)  # back at the start
            browser.close()
    finally:
        agent.terminate()
        agent.wait(10)
        log.close()
        server.stop()
        near.close()
        far.close()
    for path, t in times.items():
        print(f"{path:6}: tap → cut p50 {statistics.median(t) * 1000:.0f} ms, max {max(t) * 1000:.0f} ms "
              f"({len(t)} taps)", flush=True)
    return times


def section(times: dict[str, list[float]], taps: int) -> str:
    facts = machine()
    described = "; ".join(f"{k}: {v}" for k, v in facts.items())
    p50 = {path: statistics.median(t) * 1000 for path, t in times.items()}
    rows = "\n".join(f"| {label} | {p50[path]:.0f} | {max(times[path]) * 1000:.0f} |"
                     for path, label in (("server", "printer on the server"), ("agent", "printer on the kiosk PC, `hallq agent`")))
    return f"""## Kiosk tap → paper cut through `hallq agent`

`bench/bench_agent_print.py`: Chromium taps a service on two `/kiosk` pages in turn ({taps}
taps each): one kiosk's printer is attached to the server, the other's is driven by a real
`hallq agent` process over the `/agent` Socket.IO namespace. Both are virtual serial printers
on ptys at {BAUD} baud that read no faster than the line and answer DLE EOT; the time runs from
just before the tap to the printer reading the cut command.

| path | tap → cut p50, ms | max, ms |
|---|---:|---:|
{rows}

The agent adds **{p50['agent'] - p50['server']:+.0f} ms** at p50 (the target: at most 50 ms).

Machine: {described}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=15)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    times = run(args.taps)
    text = section(times, args.taps)
    print(text)
    if not args.no_write:
        from _sections import write_section

        write_section(START, END, text)


if __name__ == "__main__":
    main()
