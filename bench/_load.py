"""Kiosks tapping as fast as the server lets them: POST /api/v1/tickets over keep-alive HTTP.

`issue_load` runs in a child process (so the clients' own Python does not share one GIL
with the parent), with `threads` clients each holding one HTTP/1.1 connection and one
kiosk token, until `t_end` on CLOCK_MONOTONIC. Only answers that arrive inside
[t_begin, t_end] count; the time before t_begin is warm-up.
"""
from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import os
import ssl
import threading
import time
from typing import Any

from _server import HOST, Api, BenchHall
from _stats import machine_busy, ms, pct, process_cpu

CTX = mp.get_context("spawn")  # clean children: no inherited threads or sockets


def issue_load(conn: Any, port: int, tokens: list[str], services: list[str], threads: int,
               t_begin: float, t_end: float, offset: int = 0, tls: bool = False, own_address: bool = False) -> None:
    """Issue tickets until t_end; send the parent (ok, errors by status, latencies of ok answers).

    `tls`: HTTPS with any certificate (the hall's own, behind nginx); `own_address`: each client
    from its own loopback address (127.0.1.x), as kiosks on a LAN are, for a proxy that keeps an
    address on one process.
    """
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE

    def connect(n: int) -> http.client.HTTPConnection:
        source = (f"127.0.1.{n % 250 + 1}", 0) if own_address else None
        if context is not None:
            return http.client.HTTPSConnection(HOST, port, timeout=30, context=context, source_address=source)
        return http.client.HTTPConnection(HOST, port, timeout=30, source_address=source)

    lock = threading.Lock()
    ok: list[float] = []
    errors: dict[str, int] = {}

    def client(i: int) -> None:
        token = tokens[(offset + i) % len(tokens)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        http_conn = connect(offset + i)
        mine: list[float] = []
        bad: dict[str, int] = {}
        n = offset + i
        while True:
            t0 = time.monotonic()
            if t0 >= t_end:
                break
            body = json.dumps({"service": services[n % len(services)]})
            n += 1
            try:
                http_conn.request("POST", "/api/v1/tickets", body=body, headers=headers)
                resp = http_conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as err:
                status = type(err).__name__
                http_conn.close()
                http_conn = connect(offset + i)
            t1 = time.monotonic()
            if t_begin <= t1 <= t_end:
                if status == 201:
                    mine.append(t1 - t0)
                else:
                    bad[str(status)] = bad.get(str(status), 0) + 1
        http_conn.close()
        with lock:
            ok.extend(mine)
            for k, v in bad.items():
                errors[k] = errors.get(k, 0) + v

    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=max(1.0, t_end - time.monotonic() + 35))
    conn.send((ok, errors))


def throughput(hall: BenchHall, services: list[str], seconds: float, procs: int, threads: int) -> dict[str, Any]:
    """Kiosks issue tickets as fast as answers come back; count the 201s in the window."""
    t_begin = time.monotonic() + 2.5  # spawn + warm-up
    t_end = t_begin + seconds
    pipes, children = [], []
    for p in range(procs):
        parent, child = CTX.Pipe()
        proc = CTX.Process(target=issue_load, args=(child, hall.port, hall.kiosk_tokens, services, threads,
                                                     t_begin, t_end, p * threads), daemon=True)
        proc.start()
        pipes.append(parent)
        children.append(proc)
    # Where the server spends its CPU in the window: in all, and on its busiest thread.
    time.sleep(max(0.0, t_begin - time.monotonic()))
    ours = [os.getpid(), hall.proc.pid, *(p.pid for p in children)]
    cpu_begin, machine_begin, ours_begin = hall.cpu_times(), machine_busy(), process_cpu(ours)
    time.sleep(max(0.0, t_end - time.monotonic()))
    cpu_end, machine_end, ours_end = hall.cpu_times(), machine_busy(), process_cpu(ours)
    used = {tid: cpu_end[tid] - cpu_begin.get(tid, 0.0) for tid in cpu_end}
    ok, errors = collect(pipes, children, t_end)
    return {"per_s": len(ok) / seconds, "issued": len(ok), "errors": errors, "concurrency": procs * threads,
            "p50_ms": ms(pct(ok, 50)), "p99_ms": ms(pct(ok, 99)),
            "cpu_cores": sum(used.values()) / seconds, "busiest_thread": max(used.values(), default=0.0) / seconds,
            "main_thread": used.get(hall.proc.pid, 0.0) / seconds,
            "machine_cores": (machine_end - machine_begin) / seconds,
            "other_cores": max(0.0, (machine_end - machine_begin) - (ours_end - ours_begin)) / seconds}


def collect(pipes: list[Any], children: list[Any], t_end: float) -> tuple[list[float], dict[str, int]]:
    """What each issue_load child sent: every latency of a 201, and the other answers counted by status."""
    ok: list[float] = []
    errors: dict[str, int] = {}
    for parent, proc in zip(pipes, children):
        if parent.poll(max(1.0, t_end - time.monotonic() + 60)):
            got, bad = parent.recv()
            ok.extend(got)
            for k, v in bad.items():
                errors[k] = errors.get(k, 0) + v
        proc.join(10)
        if proc.is_alive():
            proc.kill()
    return ok, errors


def top_up(hall: BenchHall, service: str, need: int) -> None:
    """Make sure `need` tickets of `service` are waiting."""
    kiosk = Api(hall.port, hall.kiosk_tokens[0])
    _, services = kiosk.call("GET", "/api/v1/services")
    waiting = next(s["waiting"] for s in services if s["code"] == service)
    for _ in range(max(0, need - waiting)):
        status, body = kiosk.call("POST", "/api/v1/tickets", {"service": service})
        if status != 201:
            raise RuntimeError(f"issuing for the call test: {status} {body}")
    kiosk.close()
