"""The benchmark's table and its section of docs/benchmarks.md."""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent

START, END = "<!-- bench_core:start -->", "<!-- bench_core:end -->"
TARGET_TICKETS_S = 500.0
TARGET_P99_MS = 25.0
TARGET_P99_DISPLAYS = 200
TARGET_RSS_MB = 150.0


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def _pair(a: float | None, b: float | None) -> str:
    return f"{_f(a)} / {_f(b)}"


def render_table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """One row per figure, one column per async mode, then the target."""
    rows: list[tuple[str, Callable[[dict[str, Any]], str], str]] = []

    def issue_row(key: str, label: str, target: bool) -> None:
        def cell(r: dict[str, Any]) -> str:
            m = r.get(key)
            if not m:
                return "not run"
            err = sum(m["errors"].values())
            text = f"{m['per_s']:.0f}{_mark(m['per_s'] >= TARGET_TICKETS_S) if target else ''}"
            return text + (f" ({err} errors: {m['errors']})" if err else "")

        def lat(r: dict[str, Any]) -> str:
            m = r.get(key)
            return _pair(m["p50_ms"], m["p99_ms"]) if m else "not run"

        conc = args.load_procs * args.load_threads
        rows.append((f"Tickets issued per second, {label} ({conc} keep-alive clients, 4 kiosk tokens)", cell,
                     f"≥ {TARGET_TICKETS_S:.0f}" if target else ""))
        rows.append((f"  issue answer time p50 / p99, ms ({label})", lat, ""))

        def rounds(r: dict[str, Any]) -> str:
            m = r.get(key)
            if not m:
                return "not run"
            each = " / ".join(f"{x['per_s']:.0f}" for x in r.get(key + "_rounds", [m]))
            per_ticket = m["cpu_cores"] / m["per_s"] * 1000 if m["per_s"] else None
            return (f"{each}; {_f(per_ticket)} ms; {m['cpu_cores']:.2f} cores, busiest thread "
                    f"{m['busiest_thread']:.0%}; other work {m['other_cores']:.2f} cores")

        rows.append((f"  every round's tickets/s; in the best: server CPU per ticket, server CPU in all and its "
                     f"busiest thread, CPU taken by other work on the machine ({label})", rounds, ""))

    issue_row("issue_sqlite", "SQLite", True)
    issue_row("issue_pg", "PostgreSQL", False)
    for n in args.displays:
        target = n == TARGET_P99_DISPLAYS

        def last(r: dict[str, Any], n: int = n, target: bool = target) -> str:
            m = r["latency"].get(n)
            if not m:
                return "not run"
            ok = m["all_p99_ms"] is not None and m["all_p99_ms"] <= TARGET_P99_MS and not m["missed"]
            miss = f" ({m['missed']} missed)" if m["missed"] else ""
            return _pair(m["all_p50_ms"], m["all_p99_ms"]) + (_mark(ok) if target else "") + miss

        rows.append((f"Call → every one of {n} display(s) has `ticket_called`, p50 / p99, ms", last,
                     f"p99 ≤ {TARGET_P99_MS:.0f}" if target else ""))
        rows.append((f"  call → each display (all samples), p50 / p99, ms ({n})",
                     lambda r, n=n: _pair(r["latency"][n]["each_p50_ms"], r["latency"][n]["each_p99_ms"])
                     if r["latency"].get(n) else "not run", ""))
        rows.append((f"  the call-next HTTP answer alone, p50 / p99, ms ({n})",
                     lambda r, n=n: _pair(r["latency"][n]["http_p50_ms"], r["latency"][n]["http_p99_ms"])
                     if r["latency"].get(n) else "not run", ""))
        rows.append((f"  server CPU per call (call-next + finish and their broadcasts), ms; other work, cores ({n})",
                     lambda r, n=n: f"{_f(r['latency'][n]['server_cpu_ms_per_call'])}; "
                     f"{_f(r['latency'][n]['other_cores'], 2)}" if r["latency"].get(n) else "not run", ""))
    rows.append(("Server RSS after start, MB", lambda r: _f(r.get("rss_idle_mb")), ""))
    if args.rss_displays:
        def held(r: dict[str, Any]) -> str:
            m = r.get("held")
            if not m:
                return "not run"
            text = f"{m['rss_mb']:.1f}{_mark(m['rss_mb'] <= TARGET_RSS_MB)}"
            if m["displays"] != args.rss_displays:
                text += f" (only {m['displays']} connected)"
            return text

        rows.append((f"Server RSS with {args.rss_displays} displays connected, MB", held, f"≤ {TARGET_RSS_MB:.0f}"))
        rows.append(("  before connecting them (after the runs above) / peak (VmHWM), MB",
                     lambda r: _pair(r["held"]["rss_before_mb"], r["held"]["hwm_mb"]) if r.get("held") else "–", ""))
        rows.append((f"  server threads with {args.rss_displays} displays",
                     lambda r: str(r["held"]["threads"]) if r.get("held") else "–", ""))
        rows.append((f"  call → every one of {args.rss_displays} displays, p50 / max, ms ({args.rss_calls} calls)",
                     lambda r: _pair(r["held"]["all_p50_ms"], r["held"]["all_max_ms"])
                     + (f" ({r['held']['missed']} missed)" if r["held"]["missed"] else "")
                     if r.get("held") else "–", ""))
    head = "| measure | " + " | ".join(r["mode"] for r in results) + " | target |"
    sep = "|---|" + "---:|" * len(results) + "---|"
    body = [f"| {label} | " + " | ".join(cell(r) for r in results) + f" | {target} |" for label, cell, target in rows]
    return "\n".join([head, sep, *body])


def render_section(results: list[dict[str, Any]], args: argparse.Namespace, info: dict[str, str]) -> str:
    machine = "\n".join(f"- **{k}**: {v}" for k, v in info.items())
    calls = args.calls
    return f"""## Hall core: `bench/bench_core.py`

Both async modes in one run, each against its own `hallq serve` process on 127.0.0.1, with the
demo hall open around the clock (`.venv/bin/python bench/bench_core.py`; `--quick` for a short
run). ✓ / ✗ mark the issue's targets.

{render_table(results, args)}
{_ceilings(results)}{_modes(results)}
How it is measured:

- **Tickets per second**: {args.load_procs} client processes × {args.load_threads} threads, each thread
  one keep-alive HTTP/1.1 connection (`http.client`) posting `POST /api/v1/tickets` with one of 4
  kiosk tokens, rotating over the 7 services, as fast as answers come back; 201 answers counted in
  a {args.seconds:g} s window after 2.5 s of warm-up. SQLite is the default file database (WAL,
  `synchronous=FULL`) on the local ext4 disk; PostgreSQL is a fresh database on 127.0.0.1:5432,
  dropped afterwards. The queue grows during the window (nobody calls). `--rounds` rounds per mode,
  the modes taking turns; the best round counts. Server CPU comes from `/proc/<pid>/task/*/stat`.
- **Call → display**: raw WebSocket clients speaking Engine.IO 4 / Socket.IO 5 on `/hall`
  (`bench/_displays.py`: one epoll loop per process, {args.display_procs} processes; python-socketio's
  two threads per client would measure the client). Each frame is stamped with CLOCK_MONOTONIC as
  `recv()` returns it; the staff client takes the same clock just before
  `POST /api/v1/counters/1/call-next` on a keep-alive connection. {calls} calls per display count;
  after each call, `finish` and a {args.gap * 1000:.0f} ms pause. "Every one … has it" is the time until
  the last display received the call (its p99 is what the target means); "each display" pools
  every (display, call) sample. Clients and server share the machine's {info.get('nproc', '?')} cores.
- **The queue called from**: the call test runs after the issuing rounds, on the queue they left
  (thousands of tickets waiting in the called service). Choosing the next ticket sorts the
  counter's whole queue (`server/queueing/routing.py`), several ms of each call-next at that length.
- **Other work**: the machine is shared. "Other work" is the CPU used during the phase by
  processes that are neither the server nor this bench (all-CPU busy time from `/proc/stat`
  minus theirs). Figures taken while it is high are pessimistic (throughput low, latency high);
  server CPU per ticket or per call depends on it least.
- **RSS**: `VmRSS` from `/proc/<pid>/status` of the server process, {args.rss_displays} displays
  connected and past their snapshot, after the runs above; then {args.rss_calls} calls check they all hear.

Machine:

{machine}
"""


def _ceilings(results: list[dict[str, Any]]) -> str:
    """What the CPU figures imply: one CPython process does about one core of work (the GIL)."""
    lines = []
    for r in results:
        m = r.get("issue_sqlite")
        if m and m["per_s"]:
            per_ticket = m["cpu_cores"] / m["per_s"] * 1000
            lines.append(f"- {r['mode']}: {per_ticket:.1f} ms of server CPU per ticket on SQLite, "
                         f"{m['busiest_thread']:.0%} of a core on its busiest thread; at one core per process "
                         f"that is at most ~{1000 / per_ticket:.0f} tickets/s.")
    if not lines:
        return ""
    return "\nCeilings implied by the CPU figures (the server is one CPython process):\n\n" + "\n".join(lines) + "\n"


def _modes(results: list[dict[str, Any]]) -> str:
    """Which async mode measured best on each figure, and so which one the default should be."""
    by = {r["mode"]: r for r in results}
    if not {"eventlet", "threading"} <= by.keys():
        return ""

    def issued(r: dict[str, Any], key: str) -> float | None:
        return r[key]["per_s"] if r.get(key) else None

    def lat(r: dict[str, Any], n: int) -> float | None:
        return r["latency"][n]["all_p99_ms"] if r["latency"].get(n) else None

    def other(r: dict[str, Any], n: int) -> float | None:
        return r["latency"][n]["other_cores"] if r["latency"].get(n) else None

    def best_other(r: dict[str, Any], key: str) -> float | None:
        return r[key]["other_cores"] if r.get(key) else None

    def held(r: dict[str, Any], key: str) -> float | None:
        return r["held"][key] if r.get("held") else None

    Getter = Callable[[dict[str, Any]], float | None]
    nothing: Getter = lambda r: None  # noqa: E731
    figures: list[tuple[str, Getter, bool, str, Getter]] = [
        ("tickets/s on SQLite", lambda r: issued(r, "issue_sqlite"), True, "{:.0f}",
         lambda r: best_other(r, "issue_sqlite")),
        ("tickets/s on PostgreSQL", lambda r: issued(r, "issue_pg"), True, "{:.0f}", lambda r: best_other(r, "issue_pg")),
    ]
    for n in sorted(by["eventlet"]["latency"]):
        figures.append((f"call → every one of {n} displays, p99", lambda r, n=n: lat(r, n), False, "{:.1f} ms",
                        lambda r, n=n: other(r, n)))
    figures += [("call → every one of the held displays, max", lambda r: held(r, "all_max_ms"), False, "{:.1f} ms",
                 nothing),
                ("RSS with the held displays", lambda r: held(r, "rss_mb"), False, "{:.0f} MB", nothing),
                ("server threads with the held displays", lambda r: held(r, "threads"), False, "{:.0f}", nothing)]
    lines, wins = [], {"eventlet": 0, "threading": 0}
    for label, get, higher, fmt, busy in figures:
        e, t = get(by["eventlet"]), get(by["threading"])
        if e is None or t is None:
            continue
        best = "eventlet" if (e >= t if higher else e <= t) else "threading"
        wins[best] += 1
        be, bt = busy(by["eventlet"]), busy(by["threading"])
        load = f"{be:.2f} / {bt:.2f}" if be is not None and bt is not None else ""
        lines.append(f"| {label} | {fmt.format(e)} | {fmt.format(t)} | {best} | {load} |")
    if not lines:
        return ""
    lead = max(wins, key=wins.get)
    return ("\nWhich mode should be the default (both are one process; threading runs Werkzeug's threaded server, "
            "see docs/deploy.md, \"eventlet or threading\"). Each figure was taken while other work on the machine "
            "kept the cores in the last column busy (eventlet's / threading's): a difference taken under "
            "unequal load says little.\n\n| figure | eventlet | threading | better | other work, cores |\n"
            "|---|---:|---:|---|---:|\n"
            + "\n".join(lines) + f"\n\n{lead} measured better on {wins[lead]} of {sum(wins.values())} figures.\n")


def write_section(path: Path, section: str) -> None:
    """Replace this bench's marked section, keeping every other section of the file."""
    from _sections import write_section as write_marked

    write_marked(START, END, section, path)


def machine() -> dict[str, str]:
    """The machine and software the figures are taken on (call it before starting)."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "server"],
                           capture_output=True, text=True).stdout.strip()
    if dirty:
        commit += " (server/ has uncommitted changes)"
    from importlib.metadata import version

    libs = ", ".join(f"{p} {version(p)}" for p in ("flask", "flask-socketio", "python-engineio", "eventlet",
                                                     "sqlalchemy", "simple-websocket"))
    return {
        "CPU": cpu, "nproc": nproc, "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}", "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version, "libraries": libs, "commit": commit,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
