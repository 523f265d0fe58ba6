"""A login flood against a real `hallq serve`: does the hall keep issuing, and does memory stay put?

For each async mode: one kiosk reads the services and issues a ticket, again and again (one
keep-alive connection, 100 ms apart), first alone ("quiet"), then while 40 clients from 40
loopback addresses post logins with random usernames as fast as they are answered ("flood").
The kiosk's answer times, the server's resident memory (VmRSS sampled every 20 ms, and its
VmHWM), and what the flood was answered are printed and written to docs/benchmarks.md.

    .venv/bin/python bench/bench_flood.py                        # both modes, writes the section
    .venv/bin/python bench/bench_flood.py --seconds 5 --no-write # a quick look
    # the same bench against older code, kept for the table's "before" rows:
    PYTHONPATH=/path/to/old/checkout .venv/bin/python bench/bench_flood.py --label before --code e5fbdec \\
        --save before.json --no-write
    .venv/bin/python bench/bench_flood.py --load before.json
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _sections import machine_line, write_section  # noqa: E402
from _server import HOST, Api, BenchHall  # noqa: E402
from _stats import log, machine_busy, ms, pct, process_cpu  # noqa: E402

START, END = "<!-- bench_flood:start -->", "<!-- bench_flood:end -->"
CTX = mp.get_context("spawn")


def flood(conn: Any, port: int, clients: int, t_end: float) -> None:
    """Random-username logins from `clients` addresses (127.0.1.x) until t_end; send back the answers' statuses."""
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def one(i: int) -> None:
        source = (f"127.0.1.{i + 1}", 0)
        http_conn = http.client.HTTPConnection(HOST, port, timeout=60, source_address=source)
        mine: dict[str, int] = {}
        while time.monotonic() < t_end:
            body = json.dumps({"username": secrets.token_hex(6), "password": secrets.token_hex(8)})
            try:
                http_conn.request("POST", "/api/v1/login", body=body, headers={"Content-Type": "application/json"})
                resp = http_conn.getresponse()
                resp.read()
                key = str(resp.status)
            except (OSError, http.client.HTTPException) as err:
                key = type(err).__name__
                http_conn.close()
                http_conn = http.client.HTTPConnection(HOST, port, timeout=60, source_address=source)
            mine[key] = mine.get(key, 0) + 1
        http_conn.close()
        with lock:
            for k, v in mine.items():
                counts[k] = counts.get(k, 0) + v

    workers = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(max(1.0, t_end - time.monotonic() + 90))
    conn.send(counts)


def kiosk_phase(hall: BenchHall, seconds: float, attackers: int) -> dict[str, Any]:
    """The kiosk's reads and issues for `seconds`, with `attackers` flooding logins meanwhile (0: quiet)."""
    api = Api(hall.port, hall.kiosk_tokens[0], timeout=60)
    reads: list[float] = []
    issues: list[float] = []
    errors: dict[str, int] = {}
    rss_peak = [hall.memory_mb()["VmRSS"]]
    rss_start = rss_peak[0]
    t_end = time.monotonic() + seconds
    parent = proc = None
    if attackers:
        parent, child = CTX.Pipe()
        proc = CTX.Process(target=flood, args=(child, hall.port, attackers, t_end), daemon=True)
        proc.start()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                rss_peak[0] = max(rss_peak[0], hall.memory_mb()["VmRSS"])
            except OSError:
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ours = [hall.proc.pid] + ([proc.pid] if proc else [])
    busy0, ours0 = machine_busy(), process_cpu(ours)
    began = time.monotonic()
    while time.monotonic() < t_end:
        for path, method, body, into in (("/api/v1/services", "GET", None, reads),
                                         ("/api/v1/tickets", "POST", {"service": "DD"}, issues)):
            t0 = time.monotonic()
            try:
                status, _ = api.call(method, path, body)
            except (OSError, http.client.HTTPException) as err:
                status = type(err).__name__
            if status in (200, 201):
                into.append(time.monotonic() - t0)
            else:
                errors[str(status)] = errors.get(str(status), 0) + 1
        time.sleep(0.1)
    took = time.monotonic() - began
    other = max(0.0, (machine_busy() - busy0) - (process_cpu(ours) - ours0)) / took
    counts: dict[str, int] = {}
    if proc is not None:
        if parent.poll(120):
            counts = parent.recv()
        proc.join(10)
    stop.set()
    watcher.join(1)
    api.close()
    return {"reads_p50_ms": ms(pct(reads, 50)), "reads_max_ms": ms(max(reads, default=None)),
            "issue_p50_ms": ms(pct(issues, 50)), "issue_max_ms": ms(max(issues, default=None)),
            "issued": len(issues), "kiosk_errors": errors, "rss_start_mb": rss_start, "rss_peak_mb": rss_peak[0],
            "hwm_mb": hall.memory_mb()["VmHWM"], "logins": counts, "other_cores": other, "seconds": took}


def code_version() -> str:
    """The code under test: the checkout `server` is imported from (PYTHONPATH can point elsewhere)."""
    where = subprocess.run([sys.executable, "-c", "import server, pathlib; print(pathlib.Path(server.__file__).parent.parent)"],
                           capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", where, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if commit.returncode != 0:
        return f"{where} (not a git checkout)"
    dirty = subprocess.run(["git", "-C", where, "status", "--porcelain", "--", "server"], capture_output=True, text=True)
    return commit.stdout.strip() + (" (server/ has uncommitted changes)" if dirty.stdout.strip() else "")


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for mode in args.modes:
        hall = BenchHall(Path(tempfile.mkdtemp(prefix=f"hallq-flood-{mode}-")), mode, kiosks=1)
        hall.start()
        try:
            for phase, attackers in (("quiet", 0), ("flood", args.attackers)):
                log(f"{args.label} {mode}: {phase} for {args.seconds:g} s")
                m = kiosk_phase(hall, args.seconds, attackers)
                m.update(label=args.label, mode=mode, phase=phase)
                log(f"  reads p50/max {m['reads_p50_ms']:.0f}/{m['reads_max_ms']:.0f} ms, issue p50/max "
                    f"{m['issue_p50_ms']:.0f}/{m['issue_max_ms']:.0f} ms, RSS {m['rss_start_mb']:.0f} → peak "
                    f"{m['rss_peak_mb']:.0f} MB, logins {m['logins']}, other work {m['other_cores']:.2f} cores")
                rows.append(m)
        finally:
            hall.stop()
    return rows


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f}"


def render(rows: list[dict[str, Any]], args: argparse.Namespace, versions: dict[str, str]) -> str:
    head = ("| code | mode | phase | kiosk read p50 / max, ms | kiosk issue p50 / max, ms | tickets | "
            "server RSS start → peak, MB | login answers | other work, cores |\n|---|---|---|---:|---:|---:|---:|---|---:|")
    lines = []
    for r in rows:
        answers = ", ".join(f"{k}: {v:,}" for k, v in sorted(r["logins"].items())) or "–"
        errs = f" ({r['kiosk_errors']})" if r["kiosk_errors"] else ""
        lines.append(f"| {r['label']} | {r['mode']} | {r['phase']} | {_f(r['reads_p50_ms'])} / {_f(r['reads_max_ms'])} | "
                     f"{_f(r['issue_p50_ms'])} / {_f(r['issue_max_ms'])} | {r['issued']}{errs} | "
                     f"{_f(r['rss_start_mb'])} → {_f(r['rss_peak_mb'])} | {answers} | {r['other_cores']:.2f} |")
    code = "; ".join(f"{k}: {v}" for k, v in versions.items())
    return f"""## Login flood: `bench/bench_flood.py`

Machine: {machine_line()}. Code: {code}.

A real `hallq serve` per async mode (SQLite, default login limits: 10 a minute per address,
60 a minute in all, 2 hashing threads). One kiosk on a keep-alive connection reads
`GET /services` and issues `POST /tickets`, 100 ms apart, for {args.seconds:g} s alone ("quiet"), then
for {args.seconds:g} s while {args.attackers} clients from {args.attackers} loopback addresses post
`POST /login` with random usernames, each as fast as it is answered ("flood"). RSS is `VmRSS` sampled
every 20 ms; "other work" is CPU used meanwhile by processes that are neither the server nor
the flood. The machine is shared with other jobs: figures move with their CPU and disk use, and
issuing (an fsync per commit, `synchronous=FULL`) is the most sensitive to disk contention.
"before" is the same bench run against the code before the fix (`--label before`, see the
script's docstring).

{head}
{chr(10).join(lines)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--attackers", type=int, default=40)
    parser.add_argument("--modes", nargs="+", default=["eventlet", "threading"])
    parser.add_argument("--label", default="after")
    parser.add_argument("--code", help="how to name the code under test (default: its commit)")
    parser.add_argument("--save", type=Path, help="keep this run's rows in a JSON file")
    parser.add_argument("--load", type=Path, help="put the rows of an earlier --save before this run's")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    earlier = json.loads(args.load.read_text()) if args.load else {"rows": [], "versions": {}}
    rows = run(args)
    versions = {**earlier["versions"], args.label: args.code or code_version()}
    if args.save:
        args.save.write_text(json.dumps({"rows": rows, "versions": {args.label: versions[args.label]}}, indent=1))
    text = render(earlier["rows"] + rows, args, versions)
    print(text)
    if args.write:
        write_section(START, END, text)


if __name__ == "__main__":
    main()
