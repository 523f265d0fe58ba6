"""100 tickets from 4 kiosks while every counter calls at once: no duplicate, each called once.

On SQLite with one process (the default), and with two `hallq serve` processes on one
PostgreSQL database, kiosks and counters spread across both, so that only the database keeps
numbering and calling atomic (each process has its own writer thread); one runs eventlet and
the other threading.
"""
from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections import Counter as Tally

import pytest
import requests
import yaml

from tests.support.hall import hall_config, write_config

TICKETS = 100
KIOSKS = 4
DEADLINE_S = 180


def ordinal(spec: str, number: str) -> int:
    """Which ticket of its service's day a printed number is, from the service's `numbers` spec."""
    block = re.fullmatch(r"(\d+)-(\d+)", spec)
    if block:
        assert re.fullmatch(r"\d+", number), number
        return int(number) - int(block.group(1)) + 1
    prefix = re.fullmatch(r"([A-Z]+)(#+)", spec).group(1)
    assert number.startswith(prefix) and number[len(prefix):].isdigit(), number
    return int(number[len(prefix):])


@pytest.fixture(scope="module")
def databases(tmp_path_factory, postgres_url):
    """One config and database per kind, shared by the 1- and 2-process cases (fewer CLI runs)."""
    made: dict[str, tuple] = {}

    def get(kind: str):
        if kind not in made:
            folder = tmp_path_factory.mktemp(f"rush-{kind}")
            made[kind] = (write_config(folder, hall_config()), postgres_url() if kind == "postgres" else None)
        return made[kind]

    return get


class Rush:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.issued: list[dict] = []
        self.called: list[tuple[int, dict]] = []
        self.errors: list[str] = []
        self.busy: list[str] = []  # 503 database_busy answers, each asked again (the contract's "retry")
        self.issuing_done = threading.Event()
        self.go = threading.Barrier(KIOSKS + 10)
        self.deadline = time.monotonic() + DEADLINE_S

    def add(self, bucket: list, item) -> None:
        with self.lock:
            bucket.append(item)


def busy(resp: requests.Response) -> bool:
    """503 database_busy: the database stayed locked past the server's busy timeout, and nothing was done."""
    if resp.status_code != 503:
        return False
    try:
        return resp.json()["error"]["code"] == "database_busy"
    except (ValueError, KeyError, TypeError):
        return False


def post(server, path: str, body: dict | None, token: str, rush: Rush, what: str) -> requests.Response:
    """One request, sent again after each 503 database_busy, as the hall's clients do: the kiosk by
    itself with the same idempotency key, the counter console by its staff tapping again on
    "busy, please try again". Two processes writing one SQLite file on a loaded machine can keep
    one of them off the write lock past the busy timeout; any other answer is returned as it is."""
    pause = 0.05
    while True:
        resp = server.post(path, body, token=token)
        if not busy(resp) or time.monotonic() > rush.deadline:
            return resp
        rush.add(rush.busy, what)
        time.sleep(pause * random.uniform(0.75, 1.25))
        pause = min(pause * 2, 1.0)


def kiosk(server, token: str, services: list[str], rush: Rush) -> None:
    rush.go.wait(30)
    for service in services:
        body = {"service": service, "idempotency_key": uuid.uuid4().hex}  # a retry gets the same ticket
        try:
            resp = post(server, "tickets", body, token, rush, f"issue {service}")
        except requests.RequestException as err:
            rush.add(rush.errors, f"issue {service}: {err}")
            continue
        if resp.status_code == 201:
            rush.add(rush.issued, resp.json()["ticket"])
        else:
            rush.add(rush.errors, f"issue {service}: {resp.status_code} {resp.text[:200]}")


def counter(server, token: str, number: int, rush: Rush) -> None:
    """call-next → finish until the queues are empty after the last ticket was issued."""
    rush.go.wait(30)
    while time.monotonic() < rush.deadline:
        done_before = rush.issuing_done.is_set()  # read before asking: see the end of the loop
        resp = post(server, f"counters/{number}/call-next", None, token, rush, f"call-next {number}")
        if resp.status_code == 404 and resp.json()["error"]["code"] == "queue_empty":
            if done_before:
                return  # nothing waits for this counter, and nothing more will come
            time.sleep(0.005)
            continue
        if resp.status_code != 200:
            rush.add(rush.errors, f"call-next {number}: {resp.status_code} {resp.text[:200]}")
            time.sleep(0.01)
            continue
        rush.add(rush.called, (number, resp.json()["ticket"]))
        fin = post(server, f"counters/{number}/finish", None, token, rush, f"finish {number}")
        if fin.status_code != 200:
            rush.add(rush.errors, f"finish {number}: {fin.status_code} {fin.text[:200]}")
            return
    rush.add(rush.errors, f"counter {number} still calling after {DEADLINE_S}s")


# The deployments the contract names: one process on SQLite (the default), and several processes on
# one PostgreSQL database (whose first process is the one-process case on PostgreSQL too).
@pytest.mark.parametrize("database,processes", [
    ("sqlite", 1),
    pytest.param("postgres", 2, marks=pytest.mark.postgres),
])
def test_hundred_tickets_four_kiosks_every_counter_calling(database, processes, live_server, auth, display,
                                                           databases):
    config, url = databases(database)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    modes = ["eventlet", "threading"][:processes]
    first = live_server(config, database_url=url, async_mode=modes[0], name=f"rush-{database}-{processes}a")
    servers = [first] + [live_server(config, database_url=url, async_mode=mode,
                                     name=f"rush-{database}-{processes}{'ab'[i + 1]}")
                         for i, mode in enumerate(modes[1:])]
    made = auth(first).make(staff=["staff"], kiosk=[f"k{i}" for i in range(KIOSKS)])
    staff = made["staff"]["staff"]
    displays = [display(s, auto_resync=False, name=f"display@{s.port}") for s in servers]
    start_seq = first.state()["seq"]

    services = [s["code"] for s in data["services"]]
    counters = {c["number"]: c["services"] for c in data["counters"]}
    # Every kiosk walks the services in the same order, so that at any moment the
    # kiosks (on both processes) tend to ask for a number of the same service.
    per_kiosk = [[services[j % len(services)] for j in range(TICKETS // KIOSKS)] for _ in range(KIOSKS)]
    plan = [service for mine in per_kiosk for service in mine]
    rush = Rush()
    kiosks = [threading.Thread(target=kiosk, daemon=True,
                               args=(servers[i % processes], made["kiosk"][f"k{i}"], per_kiosk[i], rush))
              for i in range(KIOSKS)]
    callers = [threading.Thread(target=counter, daemon=True, args=(servers[n % processes], staff, n, rush))
               for n in counters]
    for t in kiosks + callers:
        t.start()
    for t in kiosks:
        t.join(DEADLINE_S)
    rush.issuing_done.set()
    for t in callers:
        t.join(max(1.0, rush.deadline - time.monotonic() + 5))
    assert not any(t.is_alive() for t in kiosks + callers), "a kiosk or counter thread is still running"
    assert rush.errors == [], (rush.errors[:10], f"{len(rush.busy)} database_busy answers asked again")

    # Issuing: 100 answers, no duplicate, and each service's numbers without a gap.
    assert len(rush.issued) == TICKETS
    numbers = [t["number"] for t in rush.issued]
    assert [n for n, c in Tally(numbers).items() if c > 1] == [], "a number was handed out twice"
    specs = {s["code"]: s["numbers"] for s in data["services"]}
    for service in services:
        got = sorted(ordinal(specs[service], t["number"]) for t in rush.issued if t["service"] == service)
        assert len(got) == plan.count(service)
        assert got == list(range(got[0], got[0] + len(got))), f"{service}: numbers with a gap: {got}"

    # Calling: every ticket called exactly once, by a counter that serves its service.
    called = Tally(t["token"] for _, t in rush.called)
    assert [n for n, c in called.items() if c > 1] == [], "a ticket was called twice"
    assert set(called) == {t["token"] for t in rush.issued}, "some tickets were never called"
    assert len(rush.called) == TICKETS
    for number, ticket in rush.called:
        assert ticket["service"] in counters[number], (number, ticket["number"])

    for s in servers:
        listing = s.get("services").json()
        assert all(svc["waiting"] == 0 for svc in listing), listing
    final = first.get("tickets/" + rush.issued[-1]["token"]).json()["ticket"]
    assert final["status"] == "done"

    # seq: 1 per issue, 3 per call, 2 per finish (counter_changed, ticket_finished); each stamped
    # once, across both processes.
    end_seq = start_seq + TICKETS * 6
    # A server holds an event back briefly while it waits for the other process's seqs.
    displays[0].wait_for(lambda: sum(len(d.events) for d in displays) >= TICKETS * 6, timeout=30,
                         what=f"all {TICKETS * 6} events across the displays")
    seqs = [e.seq for d in displays for e in d.events]
    assert sorted(seqs) == list(range(start_seq + 1, end_seq + 1)), "a seq was used twice or skipped"
    calls = [e.payload["number"] for d in displays for e in d.events if e.name == "ticket_called"]
    assert sorted(calls) == sorted(numbers)
    if processes == 1:
        assert displays[0].gaps == [] and displays[0].seq == end_seq
        assert first.state()["seq"] == end_seq
    for s in servers:
        s.stop()
