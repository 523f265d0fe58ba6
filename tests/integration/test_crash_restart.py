"""kill -9 in the middle of a busy run, then a restart on the same database.

Every answer the server gave was committed first, so after the crash nothing that
was answered is lost, no number is handed out twice, and `seq` goes on from where
the displays left it.
"""
from __future__ import annotations

import csv
import io
import threading
from collections import Counter as Tally

import requests

SERVICES = ("DD", "HT", "TK", "LD")
COUNTERS = {1: "DD", 4: "HT", 10: "TK", 8: "LD"}


class Run:
    """Shared record of what the server answered before it died."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.issued: list[dict] = []    # 201 answers
        self.called: list[tuple[int, dict]] = []   # (counter, ticket) of 200 call-next answers
        self.finished: list[tuple[int, dict]] = []  # (counter, ticket) of 200 finish answers
        self.stop = threading.Event()
        self.errors: list[str] = []

    def note(self, bucket: list, item) -> None:
        with self.lock:
            bucket.append(item)


def kiosk_loop(server, token: str, run: Run, offset: int) -> None:
    session_server = server  # each thread has its own keep-alive session inside LiveServer
    i = offset
    while not run.stop.is_set():
        try:
            resp = session_server.post("tickets", {"service": SERVICES[i % len(SERVICES)]}, token=token, timeout=10)
        except requests.RequestException:
            return  # the server is gone
        i += 1
        if resp.status_code == 201:
            run.note(run.issued, resp.json()["ticket"])
        else:
            run.note(run.errors, f"issue: {resp.status_code} {resp.text[:200]}")


def counter_loop(server, token: str, counter: int, run: Run) -> None:
    while not run.stop.is_set():
        try:
            resp = server.post(f"counters/{counter}/call-next", token=token, timeout=10)
            if resp.status_code == 404:
                run.stop.wait(0.01)
                continue
            if resp.status_code != 200:
                run.note(run.errors, f"call-next {counter}: {resp.status_code} {resp.text[:200]}")
                continue
            run.note(run.called, (counter, resp.json()["ticket"]))
            resp = server.post(f"counters/{counter}/finish", token=token, timeout=10)
            if resp.status_code == 200:
                run.note(run.finished, (counter, resp.json()["ticket"]))
            else:
                run.note(run.errors, f"finish {counter}: {resp.status_code} {resp.text[:200]}")
        except requests.RequestException:
            return


def ticket_rows(server, supervisor: str) -> list[dict]:
    resp = server.get("reports/tickets.csv", token=supervisor)
    assert resp.status_code == 200, resp.text[:300]
    text = resp.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_kill_9_in_a_busy_run_loses_nothing_answered(live_server, auth, display):
    server = live_server(name="crash")
    made = auth(server).make(staff=["staff"], supervisor=["boss"], kiosk=["k1", "k2"])
    staff, boss = made["staff"]["staff"], made["supervisor"]["boss"]
    watcher = display(server, name="before the crash")

    run = Run()
    threads = [threading.Thread(target=kiosk_loop, args=(server, made["kiosk"][k], run, i), daemon=True)
               for i, k in enumerate(("k1", "k2"))]
    threads += [threading.Thread(target=counter_loop, args=(server, staff, n, run), daemon=True) for n in COUNTERS]
    for t in threads:
        t.start()
    watcher.wait_for(lambda: len(run.issued) >= 60 and len(run.finished) >= 15, timeout=60,
                     what="a busy hall (60 tickets issued, 15 finished)")
    server.kill()  # kill -9, while every thread still has requests in flight
    for t in threads:
        t.join(20)
    run.stop.set()
    assert not any(t.is_alive() for t in threads), "a client thread hung after the crash"
    assert run.errors == [], run.errors[:5]
    seen_seq = watcher.seq
    assert seen_seq and seen_seq > 0

    server.restart()
    after = display(server, name="after the restart")

    # seq goes on: nothing a display saw is taken back.
    assert after.first_snapshot["seq"] >= seen_seq, (
        f"seq went back after the crash: a display saw {seen_seq}, the new snapshot says "
        f"{after.first_snapshot['seq']} (an event was sent before its change was committed?)")

    # Every answered ticket is there, with its number; every answered call and finish stuck.
    for ticket in run.issued:
        resp = server.get(f"tickets/{ticket['token']}")
        assert resp.status_code == 200, f"ticket {ticket['number']} was answered 201 but is gone after the crash"
        again = resp.json()["ticket"]
        assert (again["number"], again["service"]) == (ticket["number"], ticket["service"])
    for counter, ticket in run.called:
        again = server.get(f"tickets/{ticket['token']}").json()["ticket"]
        assert again["status"] in ("called", "serving", "done"), (ticket["number"], again["status"])
        assert again["counter"] == counter
    for counter, ticket in run.finished:
        again = server.get(f"tickets/{ticket['token']}").json()["ticket"]
        assert again["status"] == "done", (ticket["number"], again["status"])

    # No number was handed out twice, before or after the crash.
    rows = ticket_rows(server, boss)
    before = Tally(r["Số thứ tự"] for r in rows)
    assert [n for n, c in before.items() if c > 1] == []
    assert {t["number"] for t in run.issued} <= set(before)
    kiosk = made["kiosk"]["k1"]
    mark = after.mark()
    fresh = []
    for service in SERVICES:
        resp = server.post("tickets", {"service": service}, token=kiosk)
        assert resp.status_code == 201, resp.text
        fresh.append(resp.json()["ticket"])
    for t in fresh:
        assert t["number"] not in before, f"number {t['number']} was handed out again after the crash"
        answered = [int(x["number"].lstrip("A")) for x in run.issued if x["service"] == t["service"]]
        assert int(t["number"].lstrip("A")) > max(answered, default=0)
    assert Tally(r["Số thứ tự"] for r in ticket_rows(server, boss)).most_common(1)[0][1] == 1

    # New events continue from the snapshot's seq, one by one.
    first = after.first_snapshot["seq"]
    after.wait_seq(first + len(fresh))
    assert [e.seq for e in after.since(mark)] == list(range(first + 1, first + len(fresh) + 1))
    assert after.gaps == []
    assert server.state()["seq"] == first + len(fresh)
