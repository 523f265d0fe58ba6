"""Soak the hall board: 2,000 calls to an open /display in Chromium, its JS heap at the start
and the end; writes the "Hall board soak" section of docs/benchmarks.md.

Run from the repository root: .venv/bin/python bench/bench_display_soak.py [--calls 2000] [--no-write]

A real `hallq serve` (eventlet, SQLite) on a loopback port; staff loops issue → call-next →
finish on a few counters at once; the board stays open the whole time, with its voice on
(announcements queue and, at this pace, most are dropped by the queue's cap, which is part
of what is soaked). The heap is read over CDP after a forced garbage collection.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
HALLQ = Path(sys.executable).with_name("hallq")
CHROMIUM = os.environ.get("HALLQ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]
LOOPS = {1: "DD", 3: "HT", 5: "DKKD", 8: "LD"}  # counter → the service it calls
START, END = "<!-- bench_display:start -->", "<!-- bench_display:end -->"
PASSWORD = "pw12345678"


def machine(browser_version: str) -> str:
    from _sections import machine_line

    return machine_line(f"Chromium {browser_version} headless")


class Hall:
    """`hallq serve` in a temporary folder, with a staff login and a kiosk token."""

    def __init__(self, folder: Path) -> None:
        data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        for svc in data["services"]:
            svc["hours"], svc["daily_cap"] = ["00:00-24:00"], 999
        data.setdefault("server", {})["kiosk_tickets_per_minute"] = 1_000_000
        self.config = folder / "config.yaml"
        self.config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")},
                    "HALLQ_CONFIG": str(self.config), "PYTHONUNBUFFERED": "1"}
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / "hallq.log", "w", encoding="utf-8")
        self.proc = subprocess.Popen([str(HALLQ), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"hallq serve did not start; see {folder / 'hallq.log'}")
            time.sleep(0.1)
        self.cli("user", "add", "lan", "--role", "staff", stdin=PASSWORD + "\n")
        self.kiosk = self.cli("device", "add", "k1", "--kind", "kiosk").strip().splitlines()[-1]
        resp = requests.post(self.url + "/api/v1/login", json={"username": "lan", "password": PASSWORD}, timeout=30)
        resp.raise_for_status()
        self.staff = resp.json()["token"]

    def cli(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run([str(HALLQ), *args], input=stdin, env=self.env, capture_output=True, text=True,
                              timeout=120)
        if done.returncode:
            raise SystemExit(f"hallq {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def seq(self) -> int:
        return requests.get(self.url + "/healthz", timeout=10).json()["seq"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def loop(hall: Hall, counter: int, service: str, calls: int, done: list[int]) -> None:
    """One counter's day, quickly: issue a ticket, call it, finish it."""
    session = requests.Session()
    kiosk = {"Authorization": f"Bearer {hall.kiosk}"}
    staff = {"Authorization": f"Bearer {hall.staff}"}
    for _ in range(calls):
        r = session.post(f"{hall.url}/api/v1/tickets", json={"service": service}, headers=kiosk, timeout=30)
        assert r.status_code == 201, r.text
        r = session.post(f"{hall.url}/api/v1/counters/{counter}/call-next", headers=staff, timeout=30)
        assert r.status_code == 200, r.text
        r = session.post(f"{hall.url}/api/v1/counters/{counter}/finish", headers=staff, timeout=30)
        assert r.status_code == 200, r.text
        done[0] += 1


def calls(hall: Hall, total: int) -> float:
    """`total` calls spread over the counters, all at once; returns the seconds taken."""
    per, extra = divmod(total, len(LOOPS))
    done = [0]
    threads = [threading.Thread(target=loop, args=(hall, c, s, per + (i < extra), done))
               for i, (c, s) in enumerate(LOOPS.items())]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert done[0] == total, f"{done[0]} of {total} calls made"
    return time.monotonic() - started


def measure(page: Any, cdp: Any) -> dict[str, float]:
    """The page's JS heap after a forced GC, and its DOM counters."""
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    dom = cdp.send("Memory.getDOMCounters")
    voice = page.evaluate("(() => { const v = window.hallqVoice; return {played: v.counts.announced, "
                          "skipped: v.counts.skipped, queued: v.queued}; })()")
    return {"used_mb": heap["usedSize"] / 2**20, "total_mb": heap["totalSize"] / 2**20,
            "nodes": dom["nodes"], "listeners": dom["jsEventListeners"], "documents": dom["documents"], **voice}


def caught_up(page: Any, hall: Hall) -> None:
    """Wait until the board has applied every event the server sent."""
    page.wait_for_function(f"window.hallqDisplay.seq >= {hall.seq()}", timeout=120000)


def run(total: int, samples: int) -> tuple[str, list[tuple[int, dict[str, float]]], dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hallq-soak-") as tmp, sync_playwright() as pw:
        hall = Hall(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(hall.url + "/display")
            page.wait_for_function("document.body.dataset.state === 'live' && window.hallqDisplay.snapshots >= 1")
            cdp = page.context.new_cdp_session(page)
            cdp.send("HeapProfiler.enable")
            calls(hall, 20)  # warm-up: code paths compiled, clips decoded, lists full
            caught_up(page, hall)
            page.wait_for_timeout(1000)
            curve = [(0, measure(page, cdp))]
            print(f"start: {curve[0][1]['used_mb']:.2f} MB used", flush=True)
            seconds, made, step = 0.0, 0, total // samples
            while made < total:
                batch = min(step, total - made)
                seconds += calls(hall, batch)
                made += batch
                caught_up(page, hall)
                curve.append((made, measure(page, cdp)))
                print(f"{made:5d} calls: {curve[-1][1]['used_mb']:.2f} MB used, {curve[-1][1]['nodes']} nodes",
                      flush=True)
            page.wait_for_timeout(1000)
            curve[-1] = (made, measure(page, cdp))
            extra = {"seconds": seconds, "errors": errors, "seq": page.evaluate("window.hallqDisplay.seq"),
                     "hero": page.text_content("#hero-number"), "reloaded": page.evaluate("performance.navigation.type")}
            return machine(browser.version), curve, extra
        finally:
            browser.close()
            hall.stop()


def section(total: int, host: str, curve: list[tuple[int, dict[str, float]]], extra: dict[str, Any]) -> str:
    start, end = curve[0][1], curve[-1][1]
    peak = max(m["used_mb"] for _, m in curve)
    rows = "\n".join(f"| {n} | {m['used_mb']:.2f} MB | {m['total_mb']:.2f} MB | {m['nodes']} | {m['listeners']} |"
                     for n, m in curve)
    return f"""## Hall board soak

Machine: {host}.

`bench/bench_display_soak.py`: one `/display` page open in Chromium (1920×1080, voice on) while
{total} calls are made on {len(LOOPS)} counters at once (issue → call-next → finish, staff token;
{total * 3} HTTP calls in {extra['seconds']:.0f} s, {total / extra['seconds']:.1f} calls/s). After each batch the
page has applied every event (its `seq` equals the server's), then the heap is read over CDP
(`Runtime.getHeapUsage`) after `HeapProfiler.collectGarbage`, with the DOM counters
(`Memory.getDOMCounters`).

| calls | JS heap used | JS heap total | DOM nodes | listeners |
|---:|---:|---:|---:|---:|
{rows}

Start {start['used_mb']:.2f} MB, end {end['used_mb']:.2f} MB ({end['used_mb'] - start['used_mb']:+.2f} MB), peak {peak:.2f} MB;
DOM nodes {start['nodes']} → {end['nodes']}. The voice said {end['played']} announcements (~9 s each, one at a
time) and dropped {end['skipped']} (its queue keeps the newest 12, a real hall calls far slower);
its logs keep the last 50 announcements and 200 clips or drops.
Page errors: {len(extra["errors"])}; page reloads: {extra["reloaded"]} (it never reloads itself).
Decoded clips (AudioBuffers) live outside the JS heap; their number is bounded by the voice pack.
"""


def write(text: str) -> None:
    from _sections import write_section

    write_section(START, END, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=8, help="heap readings during the run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    host, curve, extra = run(args.calls, args.samples)
    text = section(args.calls, host, curve, extra)
    print(text)
    print(json.dumps({"seq": extra["seq"], "hero": extra["hero"], "errors": extra["errors"][:5]}))
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
