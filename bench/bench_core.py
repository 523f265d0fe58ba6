"""Benchmark of the hall core, eventlet and threading side by side, against real `hallq serve`.

    .venv/bin/python bench/bench_core.py            # full run (~6-8 min on 2 cores), writes docs/benchmarks.md
    .venv/bin/python bench/bench_core.py --quick    # a minute or two, prints only

Measures, for each async mode, on 127.0.0.1 only:
  - tickets issued per second (POST /api/v1/tickets from several kiosk tokens over
    keep-alive connections) on SQLite, and on PostgreSQL when 127.0.0.1:5432 answers;
  - call -> display latency: from just before the staff's POST /counters/1/call-next
    (HTTP included) to each display receiving `ticket_called`, with 1, 50, 200 displays;
  - server RSS (VmRSS in /proc) with 500 display connections held open.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _calls import CALL_SERVICE, call_latency, held_memory  # noqa: E402
from _load import throughput, top_up  # noqa: E402
from _report import machine, render_section, render_table, write_section  # noqa: E402
from _server import ROOT, BenchHall, drop_postgres, postgres_url  # noqa: E402
from _stats import log, machine_busy  # noqa: E402

SERVICES = ["DD", "HT", "DKKD", "XD", "TP", "LD", "TK"]


def _issue_line(m: dict[str, Any]) -> str:
    per_ticket = m["cpu_cores"] / m["per_s"] * 1000 if m["per_s"] else float("nan")
    return (f"  {m['per_s']:.0f} tickets/s, errors {m['errors'] or 'none'}; issue p50 {m['p50_ms']:.0f} ms; "
            f"server CPU {per_ticket:.1f} ms per ticket, {m['cpu_cores']:.2f} cores (busiest thread "
            f"{m['busiest_thread']:.0%}, main {m['main_thread']:.0%}); machine busy {m['machine_cores']:.2f} cores, "
            f"{m['other_cores']:.2f} of them by other work")


def start_halls(args: argparse.Namespace, root: Path, kind: str, urls: dict[str, str | None]) -> dict[str, BenchHall]:
    halls = {}
    for mode in args.modes:
        hall = BenchHall(Path(tempfile.mkdtemp(prefix=f"{mode}-{kind}-", dir=root)), mode, database_url=urls.get(mode))
        halls[mode] = hall
        hall.start()
    return halls


def issue_rounds(halls: dict[str, BenchHall], args: argparse.Namespace, results: dict[str, Any], key: str,
                 label: str) -> None:
    """Alternate the modes round by round, so background load on the machine hits both alike; keep the best."""
    for r in range(args.rounds):
        order = list(halls) if r % 2 == 0 else list(reversed(halls))
        for mode in order:
            log(f"{mode}: issuing tickets for {args.seconds:g} s, {args.load_procs}x{args.load_threads} clients "
                f"({label}, round {r + 1}/{args.rounds})")
            m = throughput(halls[mode], SERVICES, args.seconds, args.load_procs, args.load_threads)
            log(_issue_line(m))
            results[mode].setdefault(key + "_rounds", []).append(m)
    for mode in halls:
        results[mode][key] = max(results[mode][key + "_rounds"], key=lambda m: m["per_s"])


def run(args: argparse.Namespace, root: Path) -> list[dict[str, Any]]:
    """Every phase for every mode, the modes side by side: both servers up, taking turns."""
    results: dict[str, dict[str, Any]] = {m: {"mode": m, "latency": {}} for m in args.modes}
    halls = start_halls(args, root, "sqlite", {})
    try:
        for mode, hall in halls.items():
            results[mode]["rss_idle_mb"] = hall.memory_mb()["VmRSS"]
        if args.seconds > 0:
            issue_rounds(halls, args, results, "issue_sqlite", "SQLite")
        for hall in halls.values():
            top_up(hall, CALL_SERVICE, args.calls * len(args.displays) + args.rss_calls + 5)
        for n in args.displays:
            for mode, hall in halls.items():
                log(f"{mode}: {args.calls} calls with {n} display(s)")
                res = call_latency(hall, n, args.calls, args.display_procs, args.gap)
                results[mode]["latency"][n] = res
                log(f"  every display reached: p50 {res['all_p50_ms']:.1f} ms, p99 {res['all_p99_ms']:.1f} ms "
                    f"(each display p50 {res['each_p50_ms']:.1f} ms); missed {res['missed']}; "
                    f"HTTP p50 {res['http_p50_ms']:.1f} ms; server CPU {res['server_cpu_ms_per_call']:.1f} ms per "
                    f"call+finish; machine busy {res['machine_cores']:.2f} cores, "
                    f"{res['other_cores']:.2f} by other work")
        if args.rss_displays:
            for mode, hall in halls.items():
                log(f"{mode}: holding {args.rss_displays} displays open")
                held = results[mode]["held"] = held_memory(hall, args.rss_displays, args.display_procs, args.rss_calls)
                log(f"  RSS {held['rss_mb']:.1f} MB with {held['displays']} displays "
                    f"(idle {results[mode]['rss_idle_mb']:.1f} MB), connected in {held['connect_s']:.1f} s")
    finally:
        for hall in halls.values():
            hall.stop()
    if args.postgres and args.seconds > 0:
        names = {mode: f"hallq_bench_{int(time.time())}_{mode}" for mode in args.modes}
        try:
            urls = {mode: postgres_url(name) for mode, name in names.items()}
            if None in urls.values():
                log("PostgreSQL: nothing answers on 127.0.0.1:5432; skipped")
            else:
                pg = start_halls(args, root, "postgres", urls)
                try:
                    issue_rounds(pg, args, results, "issue_pg", "PostgreSQL")
                finally:
                    for hall in pg.values():
                        hall.stop()
        finally:
            for name in names.values():
                drop_postgres(name)
    return [results[m] for m in args.modes]


def wait_quiet(limit_s: float, busy_below: float = 0.5) -> float:
    """Wait (at most limit_s) for other work on the machine to die down; return the cores it kept busy."""
    deadline = time.monotonic() + limit_s
    while True:
        before = machine_busy()
        time.sleep(10.0)
        busy = (machine_busy() - before) / 10.0
        if busy < busy_below or time.monotonic() > deadline:
            return busy
        log(f"machine busy with other work ({busy:.2f} cores); waiting")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="about two minutes: 3 s of issuing, 1 round, 40 calls, no PostgreSQL, docs untouched")
    p.add_argument("--modes", default="eventlet,threading", help="async modes, comma-separated")
    p.add_argument("--seconds", type=float, default=10.0, help="issuing window per round (0: skip issuing)")
    p.add_argument("--rounds", type=int, default=2, help="issuing rounds per mode and database; the best counts")
    p.add_argument("--load-procs", type=int, default=2, help="client processes issuing tickets")
    p.add_argument("--load-threads", type=int, default=8, help="keep-alive clients per issuing process")
    p.add_argument("--displays", default="1,50,200", help="display counts for the call latency")
    p.add_argument("--calls", type=int, default=150, help="calls per display count")
    p.add_argument("--gap", type=float, default=0.05, help="pause after each call's finish, seconds")
    p.add_argument("--display-procs", type=int, default=2, help="client processes holding the displays")
    p.add_argument("--rss-displays", type=int, default=500, help="connections held for the RSS figure (0: skip)")
    p.add_argument("--rss-calls", type=int, default=20, help="calls made while they are held")
    p.add_argument("--no-postgres", dest="postgres", action="store_false")
    p.add_argument("--no-write", dest="write", action="store_false", help="print only; leave docs/benchmarks.md")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                   help="first wait up to S seconds for the machine to be idle (other work < 0.5 cores over 10 s)")
    p.add_argument("--json", metavar="PATH", help="also save every figure, unrounded, as JSON")
    p.add_argument("--keep", action="store_true", help="keep the work folder (databases, server logs)")
    return p


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.quick:
        args.seconds, args.rounds = min(args.seconds, 3.0), 1
        args.calls, args.rss_calls = min(args.calls, 40), min(args.rss_calls, 5)
        args.postgres = args.write = False
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    args.displays = [int(n) for n in args.displays.split(",") if n.strip()]
    root = Path(tempfile.mkdtemp(prefix="hallq-bench-"))
    busy_before = wait_quiet(args.wait_quiet) if args.wait_quiet else None
    load_at_start = Path("/proc/loadavg").read_text().split()[:3]
    info = machine()  # now: the commit and date the servers start from
    started = time.monotonic()
    try:
        results = run(args, root)
    finally:
        if args.keep:
            log(f"work folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if getattr(postgres_url, "version", None):
        info["PostgreSQL"] = postgres_url.version  # type: ignore[attr-defined]
    info["load average (1, 5, 15 min) at start"] = ", ".join(load_at_start) + (
        f" (other work kept {busy_before:.2f} cores busy just before)" if busy_before is not None else "")
    info["run time"] = f"{time.monotonic() - started:.0f} s"
    print()
    print(render_table(results, args))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str))
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        write_section(path, render_section(results, args, info))
        log(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
