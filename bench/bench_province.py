"""Delivery to a province: 15 centers × 3,000 tickets a day pushing to one province (issue 14).

    .venv/bin/python bench/bench_province.py               # about eight minutes (SQLite)
    .venv/bin/python bench/bench_province.py --quick       # 3 centers, 1 day: to try it
    .venv/bin/python bench/bench_province.py --postgres    # then again with the province on PostgreSQL
    .venv/bin/python bench/bench_province.py --load F.json # the section again from a run's --save F.json

Real: the province is a `hallq serve --async-mode eventlet` process with `province: true`
(SQLite beside its config, or a fresh PostgreSQL database), its centers registered with
`hallq site add`; each center's pusher is the real `server.upstream.Pusher` (its batches read
by `batch()` / `facts()` from the center's own SQLite database, HTTP to the province, the
cursor moved by its answer), one OS thread per center in a few worker processes
(bench/_province.py). Built, not lived: each center's history is written straight into its
database (bench/_province_data.py: the reports' synthetic days, with the events in time
order and the hall seqs the engine gives them), since 15 centers issuing 45,000 tickets a day
through their APIs cannot run on the bench's 2 CPUs in minutes.

Phases, on one province:

1. **The month so far, all at once**: every center holds `--days` closed days and none has
   reached the province yet (a province out for that long, or a first connection): all 15
   push at once, batches of `batch_seqs` (500, the default). Facts/s, batches/s, answer time
   per batch, CPU; the province's database size after it, and both extrapolated to 30 days.
2. **One center out for 24 hours**: its link down while it serves a day (3,000 tickets),
   then up: the time until the province has all of it, the others pushing live figures meanwhile.
3. **The province out for 24 hours**: the province stopped while every center serves a day,
   its pushers backing off (1 s → 60 s) as they do; started again: until the first push
   lands, and until all 15 are caught up.
4. **Bigger batches**: another day of every center, all at once, in batches of `--big-seqs`
   (2,000): fewer facts and less CPU a ticket, longer answers.
5. **The real-time shape**: at its busiest a center pushes each second the few seqs of that
   second. Batches of 3 seqs (one to three facts each) for `--small-seconds`: what a small
   batch costs the province, and so its share of a CPU for 15 centers during opening hours.

It writes its section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _province import CTX, Province, Pushers  # noqa: E402
from _province_data import append_days  # noqa: E402
from _sections import machine_line, write_section  # noqa: E402
from _server import bench_config  # noqa: E402
from _stats import log, machine_busy, ms, pct, process_cpu  # noqa: E402

START, END = "<!-- bench_province:start -->", "<!-- bench_province:end -->"
MONTH_DAYS = 30
OPEN_HOURS = 9.5  # the synthetic days issue tickets from 07:30 for 9.5 hours
BACKOFF_MAX_S = 60.0


class Bench:
    """The province, the centers' databases and their pushers."""

    def __init__(self, args: argparse.Namespace, workdir: Path, database_url: str | None) -> None:
        self.args, self.workdir = args, workdir
        self.names = [f"Trung tâm {i:02d}" for i in range(1, args.centers + 1)]
        self.center_config = bench_config(_mkdir(workdir / "centers"))
        from server.config import parse_config

        self.config = parse_config(yaml.safe_load(self.center_config.read_text(encoding="utf-8")))
        self.urls = {n: f"sqlite:///{workdir / 'centers'}/c{i:02d}.db" for i, n in enumerate(self.names, 1)}
        self.next_day = {n: date.today() - timedelta(days=args.days + 3) for n in self.names}
        self.seq = {n: 0 for n in self.names}
        self.built = {"tickets": 0, "events": 0, "seqs": 0, "center_days": 0, "seconds": 0.0}
        self.province = Province(workdir / "province", args.mode, database_url)
        self.pushers: Pushers | None = None

    # -- the centers' history --

    def build(self, names: list[str], days: int) -> float:
        """Append `days` closed days to these centers (in parallel, 2 processes); seconds taken."""
        t0 = time.monotonic()
        jobs = []
        for n in names:
            seed = self.names.index(n) * 100_000 + self.next_day[n].toordinal() % 100_000
            span = [self.next_day[n] + timedelta(days=i) for i in range(days)]
            self.next_day[n] += timedelta(days=days)
            jobs.append((self.urls[n], self.config, span, self.args.per_day, seed))
        with CTX.Pool(2) as pool:
            results = pool.starmap(append_days, jobs)
        for n, r in zip(names, results):
            self.built["seqs"] += r["seq"] - self.seq[n]
            self.seq[n] = r["seq"]
            self.built["tickets"] += r["tickets"]
            self.built["events"] += r["events"]
        self.built["center_days"] += days * len(names)
        took = time.monotonic() - t0
        self.built["seconds"] += took
        return took

    # -- waiting and measuring --

    def wait_caught_up(self, names: list[str], timeout: float) -> tuple[float, float | None, dict[str, float] | None]:
        """Until the province has every seq of these centers: (the time it was all in, the time of the first
        acknowledgement that moved any of them, on CLOCK_MONOTONIC; the CPU clocks then)."""
        before = self.province.acked()
        first = first_cpu = None
        deadline = time.monotonic() + timeout
        while True:
            now = self.province.acked()
            t = time.monotonic()
            if first is None and any(now.get(n, 0) > before.get(n, 0) for n in names):
                first, first_cpu = t, self.cpu()
            if all(now.get(n, 0) >= self.seq[n] for n in names):
                return t, first, first_cpu
            if t > deadline:
                raise RuntimeError(f"not caught up in {timeout:.0f} s: {now} vs {self.seq}")
            time.sleep(0.05)

    def cpu(self) -> dict[str, float]:
        groups = {"province": [self.province.proc.pid], "pushers": self.pushers.pids()}
        if not self.province.url_db.startswith("sqlite"):
            groups["postgres"] = self.province.backend_pids()
        out = {k: process_cpu(v) for k, v in groups.items()}
        out["machine"] = machine_busy()
        return out


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def figures(samples: list[tuple], begin: dict[str, float], end: dict[str, float], wall: float,
            cpu_wall: float | None = None) -> dict[str, Any]:
    """The batches answered in a phase: how many, how big, how fast (over `wall`), and the CPU they took
    (over `cpu_wall`, the time between the two CPU readings; `wall` when not given)."""
    cpu_wall = cpu_wall or wall
    facts = [s for s in samples if s[1] == "facts"]
    ok = [s for s in facts if s[2] == 200]
    live = [s for s in samples if s[1] == "live" and s[2] == 200]
    times = [s[3] for s in ok]
    applied = sum(s[4] for s in ok)
    cpu = {k: end[k] - begin[k] for k in begin}
    province_cpu = cpu["province"] + cpu.get("postgres", 0.0)
    return {
        "wall_s": wall, "batches": len(ok), "refused": len(facts) - len(ok), "facts": applied, "live": len(live),
        "batches_s": len(ok) / wall if wall else None, "facts_s": applied / wall if wall else None,
        "facts_per_batch": applied / len(ok) if ok else None, "max_facts": max((s[4] for s in ok), default=0), "kb_per_batch": sum(s[5] for s in ok) / len(ok) / 1e3
        if ok else None,
        "p50_ms": ms(pct(times, 50)), "p95_ms": ms(pct(times, 95)), "max_ms": ms(max(times)) if times else None,
        "province_cores": province_cpu / cpu_wall, "pushers_cores": cpu["pushers"] / cpu_wall,
        "machine_cores": cpu["machine"] / cpu_wall,
        "province_ms_per_batch": province_cpu / len(ok) * 1000 if ok else None,
        "province_ms_per_1000_facts": province_cpu / applied * 1e6 if applied else None,
    }


def run(args: argparse.Namespace, workdir: Path, database_url: str | None) -> dict[str, Any]:
    b = Bench(args, workdir, database_url)
    out: dict[str, Any] = {}
    t_run = time.monotonic()
    out["load"] = [" ".join(Path("/proc/loadavg").read_text().split()[:3])]
    log(f"building {args.centers} centers × {args.days} days × {args.per_day} tickets")
    out["build_s"] = b.build(b.names, args.days)
    month_built = dict(b.built)
    log(f"  {month_built['tickets']:,} tickets, {month_built['events']:,} events, {month_built['seqs']:,} seqs "
        f"in {out['build_s']:.0f} s")
    tokens = {}
    t0 = time.monotonic()
    for n in b.names:
        tokens[n] = b.province.add_site(n)
    out["sites_s"] = time.monotonic() - t0
    out["province_start_s"] = b.province.start()
    b.pushers = Pushers(b.province.url, [(n, tokens[n], b.urls[n]) for n in b.names], b.center_config,
                        args.pusher_procs, workdir)
    try:
        # 1. The month so far, all at once.
        log(f"phase 1: {args.centers} centers push {args.days} day(s) each")
        begin, t0 = b.cpu(), time.monotonic()
        b.pushers.start(b.names, args.batch_seqs)
        t_done, *_ = b.wait_caught_up(b.names, args.timeout)
        end = b.cpu()
        out["month"] = figures(b.pushers.take(), begin, end, t_done - t0)
        out["month"]["stored"] = b.province.facts_stored()
        out["month"]["size_mb"] = b.province.size_mb()
        out["month"]["built"] = month_built
        log(f"  {_brief(out['month'])}; stored {out['month']['stored']}, size {out['month']['size_mb']}")

        # Idle: live figures only.
        begin, t0 = b.cpu(), time.monotonic()
        time.sleep(args.idle_seconds)
        out["idle"] = figures(b.pushers.take(), begin, b.cpu(), time.monotonic() - t0)
        log(f"  idle: {out['idle']['live']} live posts, province {out['idle']['province_cores']:.3f} cores")

        # 2. One center out for 24 hours.
        one = b.names[0]
        log(f"phase 2: {one} out for a day")
        b.pushers.stop([one])
        before = b.seq[one]
        b.build([one], 1)
        out["one_backlog"] = {"seqs": b.seq[one] - before}
        b.pushers.take()
        begin, t0 = b.cpu(), time.monotonic()
        b.pushers.start([one], args.batch_seqs)
        t_done, *_ = b.wait_caught_up([one], args.timeout)
        out["one"] = figures([s for s in b.pushers.take() if s[0] == one or s[1] == "live"], begin, b.cpu(),
                             t_done - t0)
        log(f"  {_brief(out['one'])}")

        # 3. The province out for 24 hours.
        log(f"phase 3: the province out while {args.centers} centers serve a day")
        b.province.stop()
        t_down = time.monotonic()
        before, tickets = dict(b.seq), b.built["tickets"]
        b.build(b.names, 1)
        out["all_tickets"] = b.built["tickets"] - tickets
        out["all_backlog"] = {"seqs": sum(b.seq[n] - before[n] for n in b.names)}
        time.sleep(max(0.0, args.outage_seconds - (time.monotonic() - t_down)))
        out["outage_s"] = time.monotonic() - t_down
        b.pushers.take()
        t0 = time.monotonic()
        out["restart_s"] = b.province.start()
        t_done, t_first, begin = b.wait_caught_up(b.names, args.timeout)
        samples = b.pushers.take()
        out["all"] = figures(samples, begin, b.cpu(), t_done - t_first)  # from the first push taken
        firsts = {}
        for s in samples:
            if s[1] == "facts" and s[2] == 200:
                firsts.setdefault(s[0], s[6])
        out["all"].update(first_ack_s=t_first - t0, last_first_ack_s=max(firsts.values()) - t0 if firsts else None,
                          total_s=t_done - t0)
        log(f"  first ack after {out['all']['first_ack_s']:.1f} s; {_brief(out['all'])}")

        # 4. The same, in bigger batches.
        log(f"phase 4: {args.centers} centers push a day each in batches of {args.big_seqs} seqs")
        b.pushers.stop(b.names)
        tickets = b.built["tickets"]
        b.build(b.names, 1)
        out["big_tickets"] = b.built["tickets"] - tickets
        b.pushers.take()
        begin, t0 = b.cpu(), time.monotonic()
        b.pushers.start(b.names, args.big_seqs)
        t_done, *_ = b.wait_caught_up(b.names, args.timeout)
        out["big"] = figures(b.pushers.take(), begin, b.cpu(), t_done - t0)
        log(f"  {_brief(out['big'])}")

        # 5. The real-time shape: batches of 3 seqs.
        log(f"phase 5: batches of {args.small_seqs} seqs for {args.small_seconds:g} s")
        b.pushers.stop(b.names)
        b.build(b.names, 1)
        b.pushers.take()
        begin, t0 = b.cpu(), time.monotonic()
        b.pushers.start(b.names, args.small_seqs)
        time.sleep(args.small_seconds)
        end, t1 = b.cpu(), time.monotonic()
        out["small"] = figures(b.pushers.take(), begin, end, t1 - t0)
        b.pushers.stop(b.names)
        log(f"  {_brief(out['small'])}")
        out["final_size_mb"] = b.province.size_mb()
        out["final_stored"] = b.province.facts_stored()
        out["built"] = b.built
        out["real_time"] = realtime_shape(b.urls[b.names[0]])
        out["run_s"] = time.monotonic() - t_run
        out["load"].append(" ".join(Path("/proc/loadavg").read_text().split()[:3]))
    finally:
        b.pushers.close()
        b.province.stop()
        b.province.close()
    return out


def realtime_shape(url: str) -> dict[str, float]:
    """From one center's events: per business day, the seconds in which it changed something
    (at most one batch each when it pushes every second), and its seqs."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        days = conn.execute(text("SELECT COUNT(DISTINCT business_day) FROM tickets")).scalar_one()
        ats = conn.execute(text("SELECT COUNT(DISTINCT substr(at, 1, 19)) FROM ticket_events")).scalar_one()
        seqs = conn.execute(text("SELECT seq FROM hall WHERE id = 1")).scalar_one()
    engine.dispose()
    return {"days": days, "busy_seconds_per_day": ats / days, "seqs_per_day": seqs / days}


def _brief(f: dict[str, Any]) -> str:
    return (f"{f['wall_s']:.1f} s, {f['live']} live, {f['batches']} batches ({f['refused']} refused), {f['facts']:,} facts, "
            f"{_f(f['facts_s'], 0)} facts/s, p50/p95 {_f(f['p50_ms'])}/{_f(f['p95_ms'])} ms, "
            f"province {_f(f['province_cores'], 2)} cores, pushers {_f(f['pushers_cores'], 2)}, "
            f"machine {_f(f['machine_cores'], 2)}")


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def render(runs: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    names = list(runs)
    mb = runs[names[0]]["month"]["built"]
    center_days = mb["center_days"]
    per_center_day = {k: mb[k] / center_days for k in ("tickets", "events", "seqs")}

    def row(label: str, cell: Any) -> str:
        return f"| {label} | " + " | ".join(cell(runs[n]) for n in names) + " |"

    def phase_rows(key: str, title: str, first: str = "all in, s", tickets: Any = None) -> list[str]:
        def per_ticket(r: dict[str, Any]) -> str:
            n = tickets(r) if tickets else None
            return f" / {r[key]['facts'] / n:.2f}" if n else ""

        return [
            row(f"{title}: {first}", lambda r: f"**{_f(r[key]['wall_s'])}**"),
            row("  batches (refused) / facts applied / most facts in one batch",
                lambda r: f"{r[key]['batches']:,} ({r[key]['refused']}) / {r[key]['facts']:,} / {r[key]['max_facts']:,}"),
            row("  batches/s / facts/s taken", lambda r: f"{_f(r[key]['batches_s'])} / {_f(r[key]['facts_s'], 0)}"),
            row("  facts per batch / KB per batch" + (" / facts sent per ticket" if tickets else ""),
                lambda r: f"{_f(r[key]['facts_per_batch'], 0)} / {_f(r[key]['kb_per_batch'], 0)}{per_ticket(r)}"),
            row("  answer per batch p50 / p95 / max, ms", lambda r: f"{_f(r[key]['p50_ms'], 0)} / "
                f"{_f(r[key]['p95_ms'], 0)} / {_f(r[key]['max_ms'], 0)}"),
            row("  CPU, cores: province / pushers / whole machine", lambda r: f"{_f(r[key]['province_cores'], 2)} / "
                f"{_f(r[key]['pushers_cores'], 2)} / {_f(r[key]['machine_cores'], 2)}"),
            row("  province CPU per batch / per 1,000 facts, ms", lambda r: f"{_f(r[key]['province_ms_per_batch'])}"
                f" / {_f(r[key]['province_ms_per_1000_facts'], 0)}"),
        ]

    def month_facts(r: dict[str, Any]) -> float:
        return r["month"]["facts"] / center_days * MONTH_DAYS * args.centers

    def month_time(r: dict[str, Any]) -> str:
        m = r["month"]
        alone = month_facts(r) * m["province_ms_per_1000_facts"] / 1e6
        return (f"{month_facts(r) / m['facts_s'] / 60:,.0f} min here ({month_facts(r) / 1e6:.1f} M facts at "
                f"{m['facts_s']:,.0f}/s); {alone / 60:,.0f} min of the province's CPU")

    def month_size(r: dict[str, Any]) -> str:
        m = r["month"]
        rows = m["stored"][0]
        scale = per_center_day["tickets"] * MONTH_DAYS * args.centers / rows
        table = m["size_mb"]["site_tickets"]
        if not table:
            return f"{m['size_mb']['total'] * scale:,.0f} MB"
        return (f"{m['size_mb']['total'] + table * (scale - 1):,.0f} MB (site_tickets and its indexes "
                f"{table * scale:,.0f} MB, {table * 1e6 / rows:,.0f} B a ticket; the rest does not grow)")

    def realtime(r: dict[str, Any]) -> str:
        rt, small = r["real_time"], r["small"]
        batches_s = rt["busy_seconds_per_day"] * args.centers / (OPEN_HOURS * 3600)
        cpu = batches_s * small["province_ms_per_batch"] / 1000 if small["province_ms_per_batch"] else None
        return (f"≤ {batches_s:.1f} batches/s × {_f(small['province_ms_per_batch'])} ms = {_f(cpu, 3)} of a core")

    lines = [
        row("the shortened month: days × centers; tickets / events / hall seqs",
            lambda r: f"{args.days} × {args.centers}; {mb['tickets']:,} / {mb['events']:,} / {mb['seqs']:,}"),
        *phase_rows("month", f"**1. {args.days} days of {args.centers} centers at once**",
                    tickets=lambda r: mb["tickets"]),
        row("  province database after it, MB: all / site_tickets with its indexes",
            lambda r: f"{_f(r['month']['size_mb']['total'])} / {_f(r['month']['size_mb']['site_tickets'])}"),
        row("  site_tickets rows / distinct (center, ticket)", lambda r: f"{r['month']['stored'][0]:,} / "
            f"{r['month']['stored'][1]:,}"),
        row(f"  → a {MONTH_DAYS}-day month of {args.centers} centers at once (linear)", month_time),
        row(f"  → the province database after a {MONTH_DAYS}-day month (linear)", month_size),
        row("idle (live figures only): posts / province CPU, cores", lambda r: f"{r['idle']['live']} in "
            f"{r['idle']['wall_s']:.0f} s / {_f(r['idle']['province_cores'], 3)}"),
        row("**2. one center out for 24 h**: its backlog, seqs", lambda r: f"{r['one_backlog']['seqs']:,}"),
        *phase_rows("one", "  from its link up", tickets=lambda r: args.per_day),
        row("**3. the province out**: outage s / started again in s / backlog of all, seqs",
            lambda r: f"{r['outage_s']:.0f} / {r['restart_s']:.1f} / {r['all_backlog']['seqs']:,}"),
        row("  from its start: first push taken / every center's first push taken / all in, s",
            lambda r: f"{_f(r['all']['first_ack_s'])} / {_f(r['all']['last_first_ack_s'])} / "
            f"**{_f(r['all']['total_s'])}**"),
        *phase_rows("all", "  from the first push taken", tickets=lambda r: r["all_tickets"]),
        row(f"**4. a day of {args.centers} centers in batches of {args.big_seqs} seqs**", lambda r: ""),
        *phase_rows("big", "  at once", tickets=lambda r: r["big_tickets"]),
        row(f"**5. batches of {args.small_seqs} seqs** (the real-time shape)", lambda r: ""),
        *phase_rows("small", "  a window of", first="s"),
        row(f"  → {args.centers} centers' opening hours in real time (a batch a second while a center changes "
            "something)", realtime),
        row("province database at the end, MB / site_tickets rows", lambda r: f"{_f(r['final_size_mb']['total'])} / "
            f"{r['final_stored'][0]:,}"),
    ]
    head = "| measure | " + " | ".join(f"province on {n}" for n in names) + " |"
    sep = "|---|" + "---:|" * len(names)
    return f"""## Delivery to a province: `bench/bench_province.py`

{args.centers} centers × {args.per_day:,} tickets a day pushing to one province (issue 14):
`.venv/bin/python bench/bench_province.py{' --postgres' if 'PostgreSQL' in runs else ''}` ({_f(sum(r['run_s'] for r in runs.values()) / 60)} min).

What is real: the province is a `hallq serve --async-mode {args.mode}` process with `province: true`,
its centers registered with `hallq site add`; each center's pusher is the real `server.upstream.Pusher`
(`batch()` and `facts()` read the center's own SQLite database; HTTP to `POST /api/v1/upstream/facts` and
`/live`; the cursor moved by the answer), one OS thread per center in {args.pusher_procs} worker processes,
`batch_seqs` {args.batch_seqs} (the default) except in phases 4 and 5. What is built, not lived: each center's
history, written straight into its database (`bench/_province_data.py`: the reports' synthetic days,
about {per_center_day['events']:,.0f} events and {per_center_day['seqs']:,.0f} hall seqs a center-day, the
events in time order with the seqs the engine gives each change, ratings as `rated` events, the night's
close at one seq; `tests/test_province_bench_data.py` checks the real `batch()` reads it whole). The month
is shortened to {args.days} days and **extrapolated linearly** to {MONTH_DAYS} (marked →): 15 × {MONTH_DAYS}
center-days would take the bench well past its ten minutes. Centers, province and database share the
machine's 2 CPUs (and other work on it: "whole machine" near 2.00 means the CPUs were the limit), so the
times are for the whole system on one box; the province's own CPU per batch and per 1,000 facts carry over
to a province on its own machine.

Phases: **1.** every center holds {args.days} closed days the province has not seen (a province out that long,
or the first connection) and all push at once; **2.** one center's link down while it serves a day, then up,
the others pushing live figures meanwhile; **3.** the province stopped while every center serves a day
({args.outage_seconds:g} s of wall time: long enough for the pushers' backoff to reach its {BACKOFF_MAX_S:.0f} s
ceiling, as after any real outage longer than a minute), then started; **4.** another day of every center,
in batches of {args.big_seqs} seqs; **5.** batches of {args.small_seqs} seqs for {args.small_seconds:g} s, the
shape of real-time pushing (at its busiest a center changes something most seconds, and pushes each second
what changed). "Answer per batch" is the pusher's HTTP round trip (`requests`' `elapsed`, to the answer's
headers); CPU is from `/proc` over the phase; facts/s are facts applied by the province.

{head}
{sep}
{chr(10).join(lines)}

{_findings(runs, args, month_facts)}
Machine: {machine_line(*[runs[n].get('version', '') for n in names if runs[n].get('version')])}.
"""


def _findings(runs: dict[str, dict[str, Any]], args: argparse.Namespace, month_facts: Any) -> str:
    """What the figures say, from the first run's (SQLite unless only PostgreSQL ran)."""
    from server.province import BATCH_TICKETS_MAX
    from server.upstream import TIMEOUT

    lines = []
    for name, r in runs.items():
        m, big = r["month"], r["big"]
        per_core = 1e6 / m["province_ms_per_1000_facts"]
        most = max(r[k]["max_facts"] for k in ("month", "one", "all", "big", "small"))
        per_ticket = m["facts"] / m["built"]["tickets"], big["facts"] / r["big_tickets"]
        cpu_ticket = (m["province_ms_per_1000_facts"] * per_ticket[0] / 1000,
                      big["province_ms_per_1000_facts"] * per_ticket[1] / 1000)
        lines.append(
            f"- **{name}**: the province applies about {per_core:,.0f} facts a second per core of its own "
            f"({_f(m['province_ms_per_1000_facts'], 0)} ms of CPU per 1,000); a {MONTH_DAYS}-day month of "
            f"{args.centers} centers is ~{month_facts(r) / per_core / 60:,.0f} min of one core. One center's day "
            f"is in {_f(r['one']['wall_s'])} s once its link is up; after a province outage every center's day is "
            f"in {_f(r['all']['total_s'])} s from the start, of which {_f(r['all']['first_ack_s'])} s is the "
            f"pushers' backoff (up to {BACKOFF_MAX_S:.0f} s) before the first push. Batches of {args.big_seqs} "
            f"seqs instead of {args.batch_seqs} send {per_ticket[1]:.2f} facts a ticket instead of "
            f"{per_ticket[0]:.2f} and cost the province {_f(cpu_ticket[1], 2)} ms of CPU a ticket instead of "
            f"{_f(cpu_ticket[0], 2)}, but their answers took up to {_f(big['max_ms'] / 1000)} s (batches of "
            f"{args.batch_seqs}: {_f(m['max_ms'] / 1000)} s; the pusher's read timeout is {TIMEOUT[1]:.0f} s). "
            f"The most facts in one batch were {most:,} (the cap is {BATCH_TICKETS_MAX:,}). Load average over "
            f"the run: {r['load'][0]} at its start, {r['load'][1]} at its end.")
    lines.append(
        "- Where the province's time goes: a profile of `take_facts` in-process (cProfile, one center's day in "
        "batches of 500) puts most of it in SQLAlchemy's ORM, an UPDATE statement and 15 attribute sets for each "
        "ticket already stored and an INSERT for each new one, far more than in parsing the batch (about 1 ms a "
        "batch) or in the commit. A set-based upsert (`INSERT … ON CONFLICT (site_id, ticket_id) DO UPDATE`) "
        "would cut it several times over; it is not needed for these volumes, since a month of 15 centers is "
        "minutes of one core, and opening hours in real time a few hundredths of one.")
    lines.append(
        f"- Batch size: with `batch_seqs` {args.batch_seqs} a ticket goes to the province about twice in a "
        "catch-up (its issue, call and finish fall in different batches), and each batch carries a fixed cost "
        "(its request, its transaction, the site row). Bigger batches send fewer facts and cost less a ticket. "
        "But the province applies batches one at a time (its database writes run on one writer thread, on "
        "SQLite and PostgreSQL alike), so when every center pushes at once a batch's answer waits for the "
        "batches queued before it: answer time grows with the number of centers × the time of one batch. A "
        f"batch answered after the pusher's {TIMEOUT[1]:.0f} s read timeout is not lost (the center backs off "
        "and sends it again, a replay), but the catch-up stalls for the backoff. The answer times above are "
        "that margin with 15 centers on a shared machine; more centers, or a province short of CPU, shrink "
        f"it, and bigger batches shrink it faster: the reason to keep the default at {args.batch_seqs}.")
    return "What it says:\n\n" + "\n".join(lines) + "\n"


FIGURE_ARGS = ("mode", "centers", "per_day", "days", "batch_seqs", "big_seqs", "small_seqs", "small_seconds",
               "idle_seconds", "outage_seconds", "pusher_procs")


def measure(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Every run asked for: SQLite, then PostgreSQL."""
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="hallq-bench-province-", dir=args.workdir) as tmp:
        if not args.only_postgres:
            runs["SQLite"] = run(args, Path(tmp) / "sqlite", None)
            import sqlite3

            runs["SQLite"]["version"] = f"SQLite {sqlite3.sqlite_version}"
        if args.postgres or args.only_postgres:
            from tests.support.postgres import ADMIN_URL, create_database, drop_database, query

            url = create_database("hallq_bench_province")
            try:
                runs["PostgreSQL"] = run(args, Path(tmp) / "pg", url)
                runs["PostgreSQL"]["version"] = f"PostgreSQL {query(ADMIN_URL, 'SHOW server_version')[0][0]}"
            finally:
                drop_database(url)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "threading"))
    parser.add_argument("--centers", type=int, default=15)
    parser.add_argument("--per-day", type=int, default=3000)
    parser.add_argument("--days", type=int, default=3, help="the shortened month: closed days each center holds")
    parser.add_argument("--batch-seqs", type=int, default=500)
    parser.add_argument("--big-seqs", type=int, default=2000, help="phase 5's batch_seqs")
    parser.add_argument("--small-seqs", type=int, default=3)
    parser.add_argument("--small-seconds", type=float, default=20.0)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--outage-seconds", type=float, default=70.0)
    parser.add_argument("--pusher-procs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--postgres", action="store_true", help="also with the province on PostgreSQL")
    parser.add_argument("--only-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 centers, 1 day, short windows")
    parser.add_argument("--workdir", help="make the work folder in here (default: the system's temporary folder)")
    parser.add_argument("--save", type=Path, help="keep the figures in this JSON file")
    parser.add_argument("--load", type=Path, help="write the section from a --save'd file (runs nothing)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.quick:
        args.centers, args.days, args.small_seconds, args.idle_seconds, args.outage_seconds = 3, 1, 5.0, 3.0, 5.0
    if args.load:  # the figures and the settings of an earlier run
        saved = json.loads(args.load.read_text(encoding="utf-8"))
        runs = saved["runs"]
        vars(args).update({k: v for k, v in saved["args"].items() if k in FIGURE_ARGS})
    else:
        runs = measure(args)
    if args.save:
        kept = {k: v for k, v in vars(args).items() if k in FIGURE_ARGS}
        args.save.write_text(json.dumps({"args": kept, "runs": runs}, indent=1, default=str), encoding="utf-8")
    text = render(runs, args)
    print(text)
    if not args.no_write:
        write_section(START, END, text)
        log("wrote docs/benchmarks.md")


if __name__ == "__main__":
    mp.freeze_support()
    main()
