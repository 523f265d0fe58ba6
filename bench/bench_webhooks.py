"""Webhooks against a real `hallq serve`: does a slow or dead receiver slow the hall?

For each async mode and each receiver: one kiosk issues tickets on a keep-alive connection, 50 ms
apart, for a while; the server's webhooks (every ticket event) go to a receiver that is
- "none": no webhooks configured (the baseline);
- "fast": answers 200 at once;
- "slow": answers 200 after 2 s (so the receiver falls behind, and stays behind);
- "black hole": a port that accepts connections and never answers (every try waits out the 10 s
  read timeout, then backs off).
The kiosk's issue times and what the receiver got are printed and written to docs/benchmarks.md.

    .venv/bin/python bench/bench_webhooks.py                        # both modes, writes the section
    .venv/bin/python bench/bench_webhooks.py --seconds 5 --no-write # a quick look
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _sections import machine_line, write_section  # noqa: E402
from _server import HOST, Api, BenchHall, _cli, free_port  # noqa: E402
from _stats import log, ms, pct  # noqa: E402

START, END = "<!-- bench_webhooks:start -->", "<!-- bench_webhooks:end -->"
EVENTS = ["ticket.issued", "ticket.called", "ticket.finished", "ticket.no_show", "ticket.rated"]
GAP_S = 0.05


class Receiver:
    """A receiver of one kind on a loopback port; counts the POSTs it answered."""

    def __init__(self, kind: str) -> None:
        self.kind, self.port, self.answered = kind, free_port(), 0
        self.closers: list[Any] = []
        if kind == "black hole":
            sock = socket.socket()
            sock.bind((HOST, self.port))
            sock.listen(1024)  # connections complete in the backlog; nobody ever accepts them
            self.closers.append(sock.close)
        elif kind in ("fast", "slow"):
            receiver = self

            class Handler(BaseHTTPRequestHandler):
                def do_POST(self) -> None:  # noqa: N802
                    self.rfile.read(int(self.headers["Content-Length"]))
                    if receiver.kind == "slow":
                        time.sleep(2.0)
                    self.send_response(200)
                    self.end_headers()
                    receiver.answered += 1

                def log_message(self, *args: Any) -> None:
                    pass

            server = ThreadingHTTPServer((HOST, self.port), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.closers += [server.shutdown, server.server_close]

    def close(self) -> None:
        for close in self.closers:
            close()


def one(mode: str, kind: str, seconds: float, workdir: Path) -> dict[str, Any]:
    hall = BenchHall(workdir / f"{mode}-{kind.replace(' ', '-')}", mode, kiosks=1)
    receiver = Receiver(kind)
    if kind != "none":
        data = yaml.safe_load(hall.config.read_text(encoding="utf-8"))
        data["webhooks"] = [{"name": "bench", "url": f"http://{HOST}:{receiver.port}/", "secret": "bench",
                             "events": EVENTS}]
        hall.config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _cli(["user", "add", "bench-sup", "--role", "supervisor"], hall.env, hall.password + "\n")
    hall.start()
    try:
        kiosk = Api(hall.port, hall.kiosk_tokens[0])
        times: list[float] = []
        t_end = time.monotonic() + seconds
        while time.monotonic() < t_end:
            started = time.perf_counter()
            status, _ = kiosk.call("POST", "/api/v1/tickets", {"service": "DD"})
            times.append(time.perf_counter() - started)
            if status != 201:
                raise RuntimeError(f"issue: {status}")
            time.sleep(GAP_S)
        kiosk.close()
        pending = None
        if kind != "none":
            sup = Api(hall.port)
            _, login = sup.call("POST", "/api/v1/login", {"username": "bench-sup", "password": hall.password})
            sup.token = login["token"]
            status, hooks = sup.call("GET", "/api/v1/webhooks")
            sup.close()
            pending = hooks[0]["pending"] if status == 200 and hooks else None
        row = {"mode": mode, "receiver": kind, "tickets": len(times), "p50": ms(pct(times, 50)),
               "p95": ms(pct(times, 95)), "max": ms(max(times)), "answered": receiver.answered if kind != "none" else None,
               "pending": pending}
        log(f"{mode:9} {kind:10} {row['tickets']} tickets, issue p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, "
            f"max {row['max']:.0f} ms; receiver answered {row['answered']}, {row['pending']} pending")
        return row
    finally:
        hall.stop()
        receiver.close()


def render(rows: list[dict[str, Any]], seconds: float, code: str) -> str:
    lines = [
        "## Webhooks and a slow or dead receiver: `bench/bench_webhooks.py`", "",
        f"Machine: {machine_line()}. Code: {code}.", "",
        f"A real `hallq serve` per async mode and receiver (SQLite). One kiosk on a keep-alive connection issues",
        f"`POST /tickets`, {GAP_S * 1000:.0f} ms apart, for {seconds:.0f} s; every ticket event goes to one webhook",
        "receiver: none configured, one answering at once, one answering after 2 s (it falls behind and stays",
        "behind), and a black hole (a port that accepts and never answers: each try waits out the 10 s read",
        "timeout, then backs off). \"answered\" is the POSTs the receiver answered in that time, \"pending\" the",
        "events still waiting for it at the end (`GET /webhooks`). Delivery runs on its own OS thread: the",
        "issue times should not depend on the receiver. The machine is shared with other jobs.", "",
        "| mode | receiver | tickets | issue p50 / p95 / max, ms | answered | pending |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        dash = "–"
        lines.append(f"| {r['mode']} | {r['receiver']} | {r['tickets']} | {r['p50']:.0f} / {r['p95']:.0f} / "
                     f"{r['max']:.0f} | {dash if r['answered'] is None else r['answered']} | "
                     f"{dash if r['pending'] is None else r['pending']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--modes", nargs="+", default=["eventlet", "threading"])
    parser.add_argument("--receivers", nargs="+", default=["none", "fast", "slow", "black hole"])
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    code = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent).stdout.strip() or "unknown"
    with tempfile.TemporaryDirectory(prefix="hallq-bench-webhooks-") as tmp:
        rows = [one(mode, kind, args.seconds, Path(tmp)) for mode in args.modes for kind in args.receivers]
    text = render(rows, args.seconds, code)
    print(text)
    if args.write:
        write_section(START, END, text)


if __name__ == "__main__":
    main()
