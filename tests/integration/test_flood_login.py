"""A login flood with random usernames from many addresses, against real `hallq serve` processes.

Once, every attempt got a fresh allowance and an argon2 hash (64 MiB) on the pool the
database waits use: the hall stalled and the server grew past 1.3 GB. What is checked here,
from outside the server:

- the flood is answered 429 once the limits (per address, and for every address together)
  are spent, and it gets no more hashes (a 401 is a hash done) than those limits allow;
- the server's memory stays within a few hashes' worth: each argon2 hash holds 64 MiB while
  it runs, so resident memory is where concurrent hashes show (the cap is 2);
- the hashing threads are the server's own, named for `ps -L`;
- a kiosk keeps issuing tickets all along (how fast is bench/bench_flood.py's business).
"""
from __future__ import annotations

import http.client
import json
import secrets
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.hall import hall_config

pytestmark = pytest.mark.slow  # a real flood for a while, in both async modes
FLOOD_S = 12.0
ATTACKERS = 40
PER_ADDRESS, TOTAL = 10, 60  # a minute; bursts are a third of each
HASH_MIB = 64


def memory_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def thread_names(pid: int) -> list[str]:
    names = []
    for tid in Path(f"/proc/{pid}/task").iterdir():
        try:
            names.append((tid / "comm").read_text().strip())
        except OSError:
            pass
    return names


@pytest.mark.parametrize("mode", ["eventlet", "threading"])
def test_a_login_flood_is_refused_before_hashing_and_the_hall_keeps_issuing(live_server, auth, mode):
    config = hall_config(server={"login_attempts_per_minute": PER_ADDRESS, "login_attempts_per_minute_total": TOTAL,
                                 "hash_threads": 2})
    server = live_server(config, async_mode=mode, name=f"flood-{mode}")
    kiosk = auth(server).kiosk("flood-kiosk")
    pid = server.proc.pid
    assert sorted(n for n in thread_names(pid) if n.startswith("hallq-hash")) == ["hallq-hash-0", "hallq-hash-1"]
    assert server.post("tickets", {"service": "DD"}, token=kiosk).status_code == 201  # warm
    baseline = memory_kib(pid)

    stop = time.monotonic() + FLOOD_S
    statuses: Counter[int | str] = Counter()
    issued: Counter[int | str] = Counter()
    peak = [baseline]
    lock = threading.Lock()

    def attacker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60, source_address=(f"127.0.1.{i + 1}", 0))
        while time.monotonic() < stop:
            body = json.dumps({"username": secrets.token_hex(6), "password": "guess-" + secrets.token_hex(4)})
            try:
                conn.request("POST", "/api/v1/login", body=body, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                status: int | str = resp.status
            except (OSError, http.client.HTTPException) as err:
                status = type(err).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60,
                                                  source_address=(f"127.0.1.{i + 1}", 0))
            with lock:
                statuses[status] += 1
        conn.close()

    def kiosk_taps() -> None:
        while time.monotonic() < stop:
            resp = server.post("tickets", {"service": "DD"}, token=kiosk, timeout=60)
            with lock:
                issued[resp.status_code] += 1
            time.sleep(0.2)

    def watch_memory() -> None:
        while time.monotonic() < stop + 1:
            peak[0] = max(peak[0], memory_kib(pid))
            time.sleep(0.02)

    started = time.monotonic()
    workers = [threading.Thread(target=attacker, args=(i,)) for i in range(ATTACKERS)]
    workers += [threading.Thread(target=kiosk_taps), threading.Thread(target=watch_memory)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    elapsed = time.monotonic() - started

    # Refused before hashing: 429s, and no more 401s (each one a hash) than the limits allow.
    assert statuses[429] > 0, statuses
    allowed = TOTAL // 3 + TOTAL / 60 * elapsed  # the overall burst, then its rate
    assert statuses[401] <= allowed + 2, (statuses, elapsed)
    assert set(statuses) <= {401, 429}, statuses
    # Memory: at most the two hashes of the cap at once (plus a little for the flood's own requests).
    grown_mib = (peak[0] - baseline) / 1024
    assert grown_mib < 3 * HASH_MIB, f"resident memory grew by {grown_mib:.0f} MiB during the flood"
    # The hall went on: every kiosk tap was a ticket.
    assert issued and set(issued) == {201}, issued
    # Once the flood stops, the overall allowance comes back within seconds: staff log in again.
    server.cli("user", "add", "nv-sau", "--role", "staff", input="correct horse 2024\n")
    for _ in range(30):
        resp = server.post("login", {"username": "nv-sau", "password": "correct horse 2024"})
        if resp.status_code != 429:
            break
        time.sleep(1)
    assert resp.status_code == 200, resp.text
