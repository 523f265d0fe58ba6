"""Several `hallq serve` processes as one hall: PostgreSQL, Redis and the shipped nginx site.

    .venv/bin/python bench/bench_cluster.py            # about three minutes
    .venv/bin/python bench/bench_cluster.py --quick    # a short run, to try it

- **Tickets per second behind nginx** with 1, 2 and 3 processes on one fresh PostgreSQL
  database and one Redis: kiosk clients post over HTTPS (TLS ends at nginx, as in
  deploy/nginx/hallq.conf, which tests/support/nginx.py copies with only its ports and paths
  changed). nginx keeps each client address on one process, so each client thread speaks
  from its own loopback address (127.0.1.x), as kiosks on a LAN do.
- **Call → every display** with 1,000 displays, half on each of two processes: the call is
  made on one process, and the other's displays hear it through Redis. The displays are raw
  Engine.IO clients in several processes (bench/_displays.py).
- **RSS per process** with those 500 displays each.

It writes its section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import copy
import multiprocessing as mp
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _calls import CALL_COUNTER, Swarm  # noqa: E402
from _load import collect, issue_load  # noqa: E402
from _report import ROOT  # noqa: E402
from _sections import machine_line, write_section  # noqa: E402
from _server import Api, BenchHall  # noqa: E402
from tests.support.postgres import ADMIN_URL, create_database, drop_database, query  # noqa: E402
from _stats import log, machine_busy, ms, pct, process_cpu  # noqa: E402

START, END = "<!-- bench_cluster:start -->", "<!-- bench_cluster:end -->"
CTX = mp.get_context("spawn")
SERVICES = ["DD", "HT", "DKKD", "XD", "TK", "LD", "TP"]
TARGET_P99_MS = 100.0
REDIS = "redis://127.0.0.1:6379/0"  # the machine's Redis; each hall's channel is named after its database


class Cluster:
    """N processes on one PostgreSQL database and Redis; nginx in front when asked."""

    def __init__(self, workdir: Path, mode: str, processes: int) -> None:
        self.url = url = create_database("hallq_bench_cluster")  # PostgreSQL at 127.0.0.1:5432, or a loud failure
        first = BenchHall(workdir / "p1", mode, database_url=url)
        first.env["HALLQ_MESSAGE_QUEUE"] = REDIS
        self.halls = [first]
        for i in range(2, processes + 1):  # the same config, database, people and kiosks
            other = copy.copy(first)
            other.workdir = workdir / f"p{i}"
            other.workdir.mkdir(parents=True, exist_ok=True)
            self.halls.append(other)
        for hall in self.halls:
            hall.start()
        self.nginx = None

    def behind_nginx(self, folder: Path) -> int:
        from tests.support.nginx import Nginx

        folder.mkdir(parents=True, exist_ok=True)
        self.nginx = Nginx(folder, [h.port for h in self.halls]).start()
        return self.nginx.https_port

    def pids(self) -> list[int]:
        return [h.proc.pid for h in self.halls]

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for hall in self.halls:
            hall.stop()
        drop_database(self.url)


def shares(cluster: Cluster) -> str:
    """How the requests spread over the processes, from nginx's access log."""
    seen = cluster.nginx.upstreams("/api/v1/tickets") if cluster.nginx else []
    if not seen:
        return "–"
    ports = [f"127.0.0.1:{h.port}" for h in cluster.halls]
    return " / ".join(f"{seen.count(p) / len(seen):.0%}" for p in ports)


def throughput(workdir: Path, mode: str, processes: int, seconds: float, procs: int, threads: int) -> dict[str, Any]:
    cluster = Cluster(workdir, mode, processes)
    try:
        port = cluster.behind_nginx(workdir / "nginx")
        tokens = cluster.halls[0].kiosk_tokens
        t_begin = time.monotonic() + 3.0  # spawn, TLS handshakes, warm-up
        t_end = t_begin + seconds
        pipes, children = [], []
        for p in range(procs):
            parent, child = CTX.Pipe()
            proc = CTX.Process(target=issue_load, args=(child, port, tokens, SERVICES, threads, t_begin, t_end,
                                                        p * threads, True, True), daemon=True)
            proc.start()
            pipes.append(parent)
            children.append(proc)
        time.sleep(max(0.0, t_begin - time.monotonic()))
        groups = {"hallq": cluster.pids(), "nginx": pids_named("nginx"), "postgres": pids_named("postgres"),
                  "redis": pids_named("redis-server"), "clients": [p.pid for p in children]}
        begin, machine_begin = {k: process_cpu(v) for k, v in groups.items()}, machine_busy()
        with LockWatch(cluster.url) as watch:
            time.sleep(max(0.0, t_end - time.monotonic()))
        cores = {k: (process_cpu(v) - begin[k]) / seconds for k, v in groups.items()}
        machine = (machine_busy() - machine_begin) / seconds
        ok, errors = collect(pipes, children, t_end)
        return {"processes": processes, "per_s": len(ok) / seconds, "errors": errors,
                "p50_ms": ms(pct(ok, 50)), "p99_ms": ms(pct(ok, 99)), "cores": cores,
                "machine_cores": machine, "shares": shares(cluster), **watch.figures()}
    finally:
        cluster.stop()


class LockWatch:
    """Samples pg_stat_activity of the hall's database every 20 ms: who waits, and on what."""

    def __init__(self, url: str) -> None:
        self.url, self.samples, self.waiting, self.holding = url, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        name = make_url(self.url).database
        with psycopg.connect(host="127.0.0.1", port=5432, dbname="test", autocommit=True) as conn:
            while not self._stop.wait(0.02):
                rows = conn.execute("SELECT wait_event_type, state, query FROM pg_stat_activity "
                                    "WHERE datname = %s AND state <> 'idle'", [name]).fetchall()
                self.samples += 1
                self.waiting += sum(1 for kind, _, q in rows if kind == "Lock" and "FROM hall" in q)
                self.holding += sum(1 for _, state, _ in rows if state == "idle in transaction")

    def __enter__(self) -> "LockWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(5)

    def figures(self) -> dict[str, float]:
        n = max(1, self.samples)
        return {"hall_lock_waiting": self.waiting / n, "in_transaction_on_hallq": self.holding / n}


def pids_named(*names: str) -> list[int]:
    """Every process whose command name is one of these (nginx, postgres, redis-server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fan_out(workdir: Path, mode: str, displays: int, calls: int, display_procs: int, gap: float) -> dict[str, Any]:
    """Half the displays on each of two processes; calls on the first; until every display has each call."""
    cluster = Cluster(workdir, mode, 2)
    a, b = cluster.halls
    swarms: list[Swarm] = []
    try:
        rss_before = [rss_mb(p) for p in cluster.pids()]
        half = displays // 2
        t0 = time.monotonic()
        swarms = [Swarm(h.port, n, max(1, display_procs // 2), ready_timeout=240)
                  for h, n in ((a, half), (b, displays - half))]
        connect_s = time.monotonic() - t0
        time.sleep(1.0)
        rss = [rss_mb(p) for p in cluster.pids()]
        kiosk, staff = Api(a.port, a.kiosk_tokens[0]), Api(a.port, a.staff_token)
        for _ in range(calls + 2):
            kiosk.call("POST", "/api/v1/tickets", {"service": "DD"})
        every, local, remote, missed = [], [], [], 0
        ready = sum(s.ready for s in swarms)
        ours = [*cluster.pids()]
        cpu_begin, t_begin = process_cpu(ours), time.monotonic()
        for _ in range(calls):
            t_call = time.monotonic()
            status, body = staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/call-next")
            if status != 200:
                log(f"  call-next answered {status}: {body}")
                break
            number = str(body["ticket"]["number"])
            here = swarms[0].arrivals(number, CALL_COUNTER, timeout=5.0)
            there = swarms[1].arrivals(number, CALL_COUNTER, timeout=5.0)
            missed += ready - len(here) - len(there)
            if here:
                local.append(max(here) - t_call)
            if there:
                remote.append(max(there) - t_call)
            if here or there:
                every.append(max(here + there) - t_call)
            staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/finish")
            time.sleep(gap)
        cpu = process_cpu(ours) - cpu_begin
        elapsed = time.monotonic() - t_begin
        kiosk.close()
        staff.close()
        return {"displays": ready, "connect_failed": sum(s.failed for s in swarms), "connect_s": connect_s,
                "calls": len(every), "missed": missed,
                "all_p50_ms": ms(pct(every, 50)), "all_p99_ms": ms(pct(every, 99)),
                "local_p99_ms": ms(pct(local, 99)), "remote_p50_ms": ms(pct(remote, 50)),
                "remote_p99_ms": ms(pct(remote, 99)), "servers_cores": cpu / elapsed,
                "rss_before_mb": rss_before, "rss_mb": rss}
    finally:
        for s in swarms:
            s.close()
        cluster.stop()


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render(runs: list[dict[str, Any]], fan: dict[str, Any] | None, args: argparse.Namespace, busy: str) -> str:
    base = next((r["per_s"] for r in runs if r["processes"] == 1), None)
    rows = []
    for r in runs:
        err = sum(r["errors"].values())
        errors = f" ({err} errors: {r['errors']})" if err else ""
        gain = f"{r['per_s'] / base:.2f}×" if base else "–"
        c = r["cores"]
        other = max(0.0, r["machine_cores"] - sum(c.values()))
        rows.append(f"| {r['processes']} | {r['per_s']:.0f}{errors} | {gain} | {_f(r['p50_ms'])} / {_f(r['p99_ms'])} "
                    f"| {r['shares']} | {c['hallq']:.2f} | {c['postgres']:.2f} | {c['nginx']:.2f} | {c['redis']:.2f} "
                    f"| {c['clients']:.2f} | {other:.2f} | {r['machine_cores']:.2f} "
                    f"| {r['hall_lock_waiting']:.2f} | {r['in_transaction_on_hallq']:.2f} |")
    table = "\n".join(rows) or "| not run |" + " |" * 13
    if fan:
        ok = fan["all_p99_ms"] is not None and fan["all_p99_ms"] <= TARGET_P99_MS and not fan["missed"]
        fan_text = f"""| displays connected (failed) | {fan['displays']} ({fan['connect_failed']}), in {fan['connect_s']:.1f} s |
| calls | {fan['calls']}, {fan['missed']} (display, call) pairs missed |
| call → every display has it, p50 / p99 ms | {_f(fan['all_p50_ms'])} / {_f(fan['all_p99_ms'])} {'✓' if ok else '✗'} (target p99 ≤ {TARGET_P99_MS:.0f}) |
| … the calling process's displays, p99 ms | {_f(fan['local_p99_ms'])} |
| … the other process's displays (through Redis), p50 / p99 ms | {_f(fan['remote_p50_ms'])} / {_f(fan['remote_p99_ms'])} |
| server CPU while calling, cores (both processes) | {fan['servers_cores']:.2f} |
| RSS per process, MB: before → with {fan['displays'] // 2} displays each | {' / '.join(f'{x:.0f}' for x in fan['rss_before_mb'])} → {' / '.join(f'{x:.0f}' for x in fan['rss_mb'])} |"""
    else:
        fan_text = "| not run | |"
    return f"""## Several processes: `bench/bench_cluster.py`

`hallq serve --async-mode {args.mode}` processes on one fresh PostgreSQL database with
`--message-queue {REDIS}`; `.venv/bin/python bench/bench_cluster.py`.

**Tickets per second behind nginx** (the shipped `deploy/nginx/hallq.conf`, TLS, one nginx
worker): {args.load_procs} client processes × {args.load_threads} threads, each thread one keep-alive
HTTPS connection from its own loopback address (nginx keeps an address on one process), posting
`POST /api/v1/tickets` with 4 kiosk tokens over the 7 services for {args.seconds:g} s after 3 s of warm-up.

CPU in cores during the window, from `/proc`: the hallq processes, PostgreSQL, nginx, Redis, the
load clients (Python, TLS), anything else on the machine, and the whole machine (2.00 is all of it).

The last two columns sample `pg_stat_activity` every 20 ms: how many transactions, on average,
wait for the hall row's lock (every write takes it first, so that the hall's events have one
`seq` order and writers never deadlock), and how many hold a transaction open while the
database waits on a hallq process (its Python between two statements).

| processes | tickets/s | vs 1 | answer p50 / p99 ms | requests per process | hallq | PostgreSQL | nginx | Redis | clients | other | machine | waiting for the hall lock | in a transaction, waiting on hallq |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
{table}

**{args.displays} displays over 2 processes**, half on each (raw Engine.IO clients in
{args.display_procs} processes, bench/_displays.py), {args.calls} calls on the first process with
`finish` and {args.gap * 1000:.0f} ms between them:

| | |
|---|---|
{fan_text}

Where the ceiling is: when "machine" is near 2.00, the 2 cores are; when it is well below
while transactions queue for the hall lock, the hall's one ordered sequence is. Every change
to the hall holds that lock from its first statement to its commit, in whichever process it
runs, so a second process adds connections, screens and a spare for failover, not write
throughput. A hall issues a few tickets a second at its busiest. {busy}

Machine: {machine_line(f"PostgreSQL {query(ADMIN_URL, 'SHOW server_version')[0][0]}")}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "threading"))
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--load-procs", type=int, default=3)
    parser.add_argument("--load-threads", type=int, default=8)
    parser.add_argument("--displays", type=int, default=1000)
    parser.add_argument("--display-procs", type=int, default=4)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.15)
    parser.add_argument("--quick", action="store_true", help="a short run: 4 s windows, 200 displays, 10 calls")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.displays, args.calls = 4.0, 200, 10
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    runs = []
    with tempfile.TemporaryDirectory(prefix="hallq-bench-cluster-") as tmp:
        for n in args.processes:
            log(f"{n} process(es) behind nginx: tickets/s for {args.seconds:g} s")
            runs.append(throughput(Path(tmp) / f"issue{n}", args.mode, n, args.seconds, args.load_procs,
                                   args.load_threads))
            log(f"  {runs[-1]['per_s']:.0f}/s, errors {runs[-1]['errors']}, shares {runs[-1]['shares']}, "
                f"machine {runs[-1]['machine_cores']:.2f} cores")
        log(f"{args.displays} displays over 2 processes")
        fan = fan_out(Path(tmp) / "fan", args.mode, args.displays, args.calls, args.display_procs, args.gap)
        log(f"  every display p50/p99 {_f(fan['all_p50_ms'])}/{_f(fan['all_p99_ms'])} ms, missed {fan['missed']}, "
            f"RSS {fan['rss_mb']}")
    busy = f"Load average before the run: {' '.join(load_before)}."
    text = render(runs, fan, args, busy)
    print(text)
    if not args.no_write:
        write_section(START, END, text)
        log(f"wrote {ROOT / 'docs' / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
