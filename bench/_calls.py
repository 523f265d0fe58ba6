"""The displays' side, seen from the bench: swarms of them, calls, and when each display hears a call."""
from __future__ import annotations

import multiprocessing as mp
import os
from multiprocessing.connection import wait as mp_wait
import time
from typing import Any

from _displays import swarm
from _server import Api, BenchHall
from _stats import log, machine_busy, ms, pct, process_cpu

CTX = mp.get_context("spawn")
CALL_COUNTER = 1  # counter 1 serves DD only
CALL_SERVICE = "DD"


class Swarm:
    """Display worker processes holding `count` Socket.IO connections between them."""

    def __init__(self, port: int, count: int, procs: int, ready_timeout: float) -> None:
        procs = max(1, min(procs, count))
        sizes = [count // procs + (1 if i < count % procs else 0) for i in range(procs)]
        self.pipes, self.procs = [], []
        for size in sizes:
            parent, child = CTX.Pipe()
            proc = CTX.Process(target=swarm, args=(child, "127.0.0.1", port, size, ready_timeout), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        self.ready = self.failed = 0
        deadline = time.monotonic() + ready_timeout + 30
        for parent in self.pipes:
            if not parent.poll(max(0.1, deadline - time.monotonic())):
                raise RuntimeError("a display worker never reported ready")
            _, ok, failed = parent.recv()
            self.ready += ok
            self.failed += failed

    def arrivals(self, number: str, counter: int, timeout: float) -> list[float]:
        """Arrival times of ticket_called(number, counter) at every display (fewer on timeout)."""
        times: list[float] = []
        pending = {conn: i for i, conn in enumerate(self.pipes)}
        deadline = time.monotonic() + timeout
        flushed = False
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                if flushed:
                    break
                for conn in pending:  # too slow: take what arrived, count the rest as missed
                    conn.send(("flush", number))
                flushed, deadline = True, time.monotonic() + 2.0
                continue
            for conn in mp_wait(list(pending), timeout=left):
                msg = conn.recv()
                if msg[0] == "called" and msg[1] == number and msg[2] in (counter, None):
                    times.extend(msg[3])
                    del pending[conn]
        return times

    def close(self) -> int:
        disconnects = 0
        for conn in self.pipes:
            try:
                conn.send(("stop",))
                if conn.poll(10):
                    msg = conn.recv()
                    while msg[0] != "stopped" and conn.poll(5):
                        msg = conn.recv()
                    disconnects += msg[1] if msg[0] == "stopped" else 0
            except (OSError, EOFError):
                pass
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
        return disconnects


def call_latency(hall: BenchHall, displays: int, calls: int, procs: int, gap: float) -> dict[str, Any]:
    """Time from before call-next (HTTP included) to each display's ticket_called."""
    sw = Swarm(hall.port, displays, procs, ready_timeout=120)
    staff = Api(hall.port, hall.staff_token)
    every, last, http, missed, errors = [], [], [], 0, 0
    ours = [os.getpid(), hall.proc.pid, *(p.pid for p in sw.procs)]
    cpu_begin, machine_begin, t_begin = sum(hall.cpu_times().values()), machine_busy(), time.monotonic()
    ours_begin = process_cpu(ours)
    try:
        status, body = staff.call("GET", "/api/v1/counters")
        if any(c["number"] == CALL_COUNTER and c["current"] for c in body):
            staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/finish")
        for _ in range(calls):
            t0 = time.monotonic()
            status, body = staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/call-next")
            t_http = time.monotonic() - t0
            if status != 200:
                errors += 1
                log(f"  call-next answered {status}: {body}")
                break
            times = sw.arrivals(str(body["ticket"]["number"]), CALL_COUNTER, timeout=5.0)
            http.append(t_http)
            every.extend(t - t0 for t in times)
            missed += sw.ready - len(times)
            if times:
                last.append(max(times) - t0)
            staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/finish")
            time.sleep(gap)  # let finish's counter_changed reach the displays before the next call
    finally:
        cpu = sum(hall.cpu_times().values()) - cpu_begin
        elapsed = time.monotonic() - t_begin
        machine = machine_busy() - machine_begin
        machine_cores, other_cores = machine / elapsed, max(0.0, machine - (process_cpu(ours) - ours_begin)) / elapsed
        staff.close()
        disconnects = sw.close()
    return {
        "server_cpu_ms_per_call": ms(cpu / max(1, len(http))), "machine_cores": machine_cores,
        "other_cores": other_cores, "server_cores": cpu / elapsed,
        "displays": sw.ready, "connect_failed": sw.failed, "calls": len(http), "missed": missed,
        "errors": errors, "disconnects": disconnects,
        "all_p50_ms": ms(pct(last, 50)), "all_p99_ms": ms(pct(last, 99)), "all_max_ms": ms(max(last, default=None)),
        "each_p50_ms": ms(pct(every, 50)), "each_p99_ms": ms(pct(every, 99)),
        "http_p50_ms": ms(pct(http, 50)), "http_p99_ms": ms(pct(http, 99)),
    }


def held_memory(hall: BenchHall, displays: int, procs: int, calls: int) -> dict[str, Any]:
    """Server memory with `displays` connections open, and a few calls to show they all still hear."""
    before = hall.memory_mb()
    t0 = time.monotonic()
    sw = Swarm(hall.port, displays, procs, ready_timeout=240)
    connect_s = time.monotonic() - t0
    time.sleep(1.0)
    held = hall.memory_mb()
    threads = hall.threads()
    staff = Api(hall.port, hall.staff_token)
    last, missed = [], 0
    try:
        for _ in range(calls):
            t_start = time.monotonic()
            status, body = staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/call-next")
            if status != 200:
                break
            times = sw.arrivals(str(body["ticket"]["number"]), CALL_COUNTER, timeout=10.0)
            missed += sw.ready - len(times)
            if times:
                last.append(max(times) - t_start)
            staff.call("POST", f"/api/v1/counters/{CALL_COUNTER}/finish")
            time.sleep(0.1)
    finally:
        staff.close()
        sw.close()
    return {"displays": sw.ready, "connect_failed": sw.failed, "connect_s": connect_s,
            "rss_before_mb": before["VmRSS"], "rss_mb": held["VmRSS"], "hwm_mb": held["VmHWM"],
            "threads": threads, "calls": len(last), "missed": missed,
            "all_p50_ms": ms(pct(last, 50)), "all_max_ms": ms(max(last, default=None))}
