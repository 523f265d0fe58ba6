"""Several `hallq serve` processes, one PostgreSQL database, one Redis: one hall (issue 12).

Two real processes (one eventlet, one threading) share a database and a private
`redis-server` started for this module (so that one test can stop and start it; each hall's
channel and keys are named after its database anyway). A display on each process, tickets
issued and called on both: every display gets every event once and in seq order; `/state`
on one follows the other's changes; a kiosk's rate limit counts on both; with Redis gone
both keep serving and their displays catch up, and when it is back the feed runs again.
The servers are shared by the module's tests, which run in order.
"""
from __future__ import annotations

import subprocess
import threading
import time

import pytest

from server.queueing.models import CALLED, NO_SHOW, SERVING, WAITING
from tests.printers.escpos_decoder import decode
from tests.support.cli import hallq_command, hallq_env
from tests.support.display import _OrderedClient
from tests.support.hall import hall_config
from tests.support.postgres import query
from tests.support.redis import Redis
from tests.support.server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
KIOSK_PER_MINUTE = 6  # a burst of 2, then one every 10 s: far slower than this module runs
LOGINS_PER_MINUTE = 30  # bursts of 10: the module's own few logins fit
WAIT_S = 20
FOLLOW_S = 5  # two of these fit in the snapshot cache's 30 s
PRINT_TIMEOUT_S = 2  # the shared printer's job_timeout_s: the sweeper fails a job 7 s after it began


@pytest.fixture(scope="module")
def redis():
    server = Redis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hall(live_server, auth, postgres_url, redis, tmp_path_factory):
    """Processes A (eventlet) and B (threading) on one database and one message queue, and tokens."""
    config = hall_config()
    paper = tmp_path_factory.mktemp("paper") / "tickets.prn"  # a printer both processes drive
    config["printers"] = {"paper": {"url": f"file://{paper}", "job_timeout_s": PRINT_TIMEOUT_S}}
    config.setdefault("server", {}).update(message_queue=redis.url, kiosk_tickets_per_minute=KIOSK_PER_MINUTE,
                                           login_attempts_per_minute=LOGINS_PER_MINUTE)
    url = postgres_url()
    a = live_server(config, database_url=url, async_mode="eventlet", name="mq-a")
    b = live_server(a.config, database_url=url, async_mode="threading", name="mq-b")
    made = auth(a).make(staff=["staff"], admin=["admin"], kiosk=["burst", "outage", "revoked"])
    a.paper, a.printing = paper, auth(a).device("printing", "kiosk", printer="paper")
    return a, b, made["staff"]["staff"], {**made["kiosk"], "admin": made["admin"]["admin"]}


def issue(server, token: str, service: str = "TK") -> dict:
    resp = server.post("tickets", {"service": service}, token=token)
    assert resp.status_code == 201, f"{server.name}: {resp.status_code} {resp.text[:300]}"
    return resp.json()["ticket"]


def hall_seq(server) -> int:
    """The hall's last seq, from the database itself (a process's /state may be a moment behind)."""
    return query(server.database_url, "SELECT seq FROM hall WHERE id = 1")[0][0]


def same_hall(a, b, staff: str) -> None:
    """Both processes answer /state alike (but for what each computes from its clock when asked)."""
    sa, sb = (stable(s.get("state", token=staff).json()) for s in (a, b))
    assert sa == sb, f"A and B differ at {list(differences(sa, sb))[:6]}"


def differences(x, y, path=""):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            yield from differences(x.get(k), y.get(k), f"{path}.{k}")
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (p, q) in enumerate(zip(x, y)):
            yield from differences(p, q, f"{path}[{i}]")
    elif x != y:
        yield path, x, y


def stable(value):
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in ("server_time", "estimated_wait_s")}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def test_every_display_gets_every_event_once_in_seq_order(hall, display):
    a, b, staff, _ = hall
    displays = [display(s, name=f"display@{s.name}") for s in (a, b)]
    start = hall_seq(a)
    errors: list[str] = []

    def work(server, counters: list[int]) -> None:
        try:
            for _ in range(4):
                issue(server, staff, "TK")
                issue(server, staff, "HT")
            for n in counters * 2:
                for action in ("call-next", "finish"):
                    resp = server.post(f"counters/{n}/{action}", token=staff)
                    if resp.status_code != 200:
                        errors.append(f"{server.name} {action} {n}: {resp.status_code} {resp.text[:200]}")
        except AssertionError as err:
            errors.append(str(err))

    # Both processes at once, so that their seqs interleave.
    threads = [threading.Thread(target=work, args=(a, [10, 3])), threading.Thread(target=work, args=(b, [9, 4]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    end = hall_seq(a)
    assert end > start
    for d in displays:
        d.wait_seq(end, timeout=WAIT_S)
    for d in displays:
        seqs = [e.seq for e in d.events]
        assert seqs == list(range(start + 1, end + 1)), f"{d.name}: not every event once, in seq order"
        assert d.gaps == [] and d.resyncs == []
    calls = [[e.payload["number"] for e in d.events if e.name == "ticket_called"] for d in displays]
    assert len(calls[0]) == 8 and calls[0] == calls[1]
    same_hall(a, b, staff)


def test_a_phone_on_one_process_follows_its_ticket_on_the_other(hall):
    """A phone's room gets its part of the other process's events, each with a `prev_seq` it has applied."""
    a, b, staff, _ = hall
    ticket = issue(a, staff, "LD")  # only counter 8 serves LD
    got: list[tuple[str, dict]] = []
    cond = threading.Condition()
    phone = _OrderedClient(reconnection=False)

    def on(name: str):
        def handle(payload=None) -> None:
            with cond:
                got.append((name, payload))
                cond.notify_all()
        return handle

    for name in ("snapshot", "ticket_called", "queue_changed", "counter_changed", "ticket_finished"):
        phone.on(name, on(name), namespace="/hall")
    phone.connect(b.url, namespaces=["/hall"], transports=["websocket"], auth={"ticket": ticket["token"]},
                  wait_timeout=15)
    try:
        with cond:
            assert cond.wait_for(lambda: got, WAIT_S), "no snapshot on connect"
        issue(a, staff, "TK")  # not the phone's business
        assert a.post("counters/8/call-next", token=staff).json()["ticket"]["token"] == ticket["token"]
        assert a.post("counters/8/finish", token=staff).status_code == 200
        with cond:
            assert cond.wait_for(lambda: any(n == "ticket_finished" for n, _ in got), WAIT_S), got
        name, snap = got[0]
        assert name == "snapshot"
        applied = snap["seq"]
        for name, payload in got[1:]:
            assert payload["prev_seq"] <= applied < payload["seq"], (name, payload, applied)
            applied = payload["seq"]
        names = [n for n, _ in got[1:]]
        assert "ticket_called" in names
    finally:
        phone.disconnect()


def test_state_on_one_process_follows_the_other(hall):
    """B's cached /state shows A's change at once (without the feed: only when its 30 s cache ends).

    Two rounds, each waiting at most FOLLOW_S: a cache that expired by luck can pass one, never both.
    """
    a, b, staff, _ = hall
    for _ in range(2):
        before = b.state()  # and now cached on B
        issue(a, staff, "DD")
        deadline = time.monotonic() + FOLLOW_S
        while (now := b.state())["seq"] <= before["seq"]:
            assert time.monotonic() < deadline, "B's /state did not show A's ticket"
            time.sleep(0.05)
        waiting = {s["code"]: s["waiting"] for s in now["services"]}
        was = {s["code"]: s["waiting"] for s in before["services"]}
        assert waiting["DD"] == was["DD"] + 1


def test_a_service_added_on_one_process_is_served_by_the_other_at_once(hall):
    """The set-up is the database's: B loads A's change when A's `setup_changed` reaches it, before its clients."""
    a, b, staff, tokens = hall
    body = {"code": "MQ1", "name": {"vi": "Lĩnh vực mới", "en": "New"}, "numbers": "9001-9999", "hours": ["00:00-24:00"]}
    assert a.post("services", body, token=tokens["admin"]).status_code == 201
    deadline = time.monotonic() + FOLLOW_S
    while (resp := b.post("tickets", {"service": "MQ1"}, token=staff)).status_code != 201:
        assert resp.status_code == 404 and time.monotonic() < deadline, f"B never took MQ1: {resp.text[:200]}"
        time.sleep(0.05)
    assert resp.json()["ticket"]["number"] == "9001"
    resp = b.request("PATCH", "counters/10", json={"services": ["TK", "MQ1"]}, token=tokens["admin"])
    assert resp.status_code == 200, resp.text
    deadline = time.monotonic() + FOLLOW_S
    while "MQ1" not in next(c for c in a.get("counters").json() if c["number"] == 10)["services"]:
        assert time.monotonic() < deadline, "A never saw B's change to counter 10"
        time.sleep(0.05)


def test_kiosk_rate_limit_is_shared(hall):
    a, b, _, kiosks = hall
    token = kiosks["burst"]
    answers = []
    for _ in range(KIOSK_PER_MINUTE):  # the burst is a third of the minute's
        resp = a.post("tickets", {"service": "TK"}, token=token)
        answers.append(resp.status_code)
        if resp.status_code == 429:
            break
    assert answers[0] == 201 and answers[-1] == 429, answers
    resp = b.post("tickets", {"service": "TK"}, token=token)
    assert resp.status_code == 429, f"B let the kiosk past A's limit: {resp.status_code} {resp.text[:200]}"


def test_login_limit_is_shared(hall):
    """Wrong passwords from one address on A until refused; B refuses that address too."""
    a, b, *_ = hall
    answers = []
    for _ in range(LOGINS_PER_MINUTE):  # a burst is a third of that
        answers.append(a.post("login", {"username": "nobody", "password": "not the password"}).status_code)
        if answers[-1] == 429:
            break
    assert answers[-1] == 429 and set(answers[:-1]) <= {401}, answers
    burst = len(answers) - 1
    emptied = time.monotonic()
    # B shares A's empty bucket, which refills at LOGINS_PER_MINUTE / 60 tries a second: B may let
    # through only what refilled since A emptied it. B's own bucket would let a whole burst through.
    on_b = []
    for _ in range(burst + 1):
        on_b.append(b.post("login", {"username": "nobody", "password": "not the password"}).status_code)
        if on_b[-1] == 429:
            break
    refilled = int((time.monotonic() - emptied) * LOGINS_PER_MINUTE / 60) + 1
    passed = len(on_b) - 1
    assert on_b[-1] == 429 and passed <= refilled and passed < burst, \
        f"B let the address past A's limit: {on_b} ({refilled} refilled, A's burst {burst})"


def test_a_device_revoked_on_one_process_is_refused_by_the_other(hall):
    """B had the kiosk's token cached (10 s alone); A's revoke ends it there too, at once."""
    a, b, _, tokens = hall
    assert b.post("tickets", {"service": "TK"}, token=tokens["revoked"]).status_code == 201  # cached on B now
    resp = a.post("devices/revoked/revoke", token=tokens["admin"])
    assert resp.status_code == 200, resp.text
    deadline = time.monotonic() + FOLLOW_S  # well inside the cache's 10 s
    while (resp := b.post("tickets", {"service": "TK"}, token=tokens["revoked"])).status_code != 401:
        assert resp.status_code in (201, 429) and time.monotonic() < deadline, "B still let the revoked kiosk in"
        time.sleep(0.05)


def test_message_queue_flag_and_variable_are_read(hall):
    """`--message-queue` and HALLQ_MESSAGE_QUEUE reach the server: a URL that is not Redis is refused."""
    a, *_ = hall
    base = hallq_command() + ["serve", "--config", str(a.config), "--port", str(free_port())]
    env = hallq_env(a.config, a.database_url)
    flag = subprocess.run(base + ["--message-queue", "http://127.0.0.1:1/"], env=env, capture_output=True,
                          text=True, timeout=60)
    variable = subprocess.run(base, env={**env, "HALLQ_MESSAGE_QUEUE": "amqp://127.0.0.1/"}, capture_output=True,
                              text=True, timeout=60)
    for run, url in ((flag, "http://127.0.0.1:1/"), (variable, "amqp://127.0.0.1/")):
        assert run.returncode != 0
        assert "message queue" in run.stderr and url in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_without_redis_each_process_serves_on_and_all_catch_up(hall, redis, display):
    a, b, staff, kiosks = hall
    da, db = display(a, name="display@a"), display(b, name="display@b")
    redis.stop()
    try:
        # Each process still answers, and its own displays get its own events.
        mine = issue(b, staff, "TK")
        db.wait_seq(hall_seq(b), timeout=WAIT_S)
        # A kiosk still issues (its limit counted in the process meanwhile).
        assert a.post("tickets", {"service": "TK"}, token=kiosks["outage"]).status_code == 201
        # What A does reaches B's display through the database: a fresh snapshot.
        theirs = issue(a, staff, "TK")
        seq = hall_seq(a)
        db.wait_seq(seq, timeout=WAIT_S)
        da.wait_seq(seq, timeout=WAIT_S)
        assert db.snapshot["seq"] >= seq, "B's display did not get A's changes in a fresh snapshot"
        assert mine["token"] != theirs["token"]
    finally:
        redis.start()
    # With Redis back, each process's events reach the other's display live again (both retry with backoff).
    live_again(a, db, staff)
    live_again(b, da, staff)
    same_hall(a, b, staff)


def live_again(server, other, staff: str) -> None:
    """Issue on `server` until the `other` process's display gets the event itself (not a snapshot)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        mark = other.mark()
        issue(server, staff, "TK")
        seq = hall_seq(server)
        other.wait_seq(seq, timeout=WAIT_S)
        if any(e.seq == seq for e in other.since(mark)):
            return
        assert time.monotonic() < deadline, f"{other.name} never got {server.name}'s events live after Redis came back"
        time.sleep(0.5)


def printed(paper) -> list[bytes]:
    """The status URLs of the tickets on the paper so far, in print order (one QR code each)."""
    return [op.data for op in decode(paper.read_bytes()) if op.name == "qr_store"] if paper.exists() else []


def job_of(server, ticket: dict) -> tuple[int, str]:
    return query(server.database_url, "SELECT j.id, j.status FROM print_jobs j JOIN tickets t ON t.id = j.ticket_id "
                                      "WHERE t.token = %s", ticket["token"])[0]


def test_a_process_starting_never_prints_what_another_may_be_printing(hall):
    """B restarts while A is (as far as the database says) printing one job and another waits.

    B prints the waiting one, once; the one being printed it leaves to A, and fails only at its
    deadline, when nobody finished it. (It used to print both again: a stray ticket.)
    """
    a, b, _, _ = hall
    first, second = (issue(a, a.printing) for _ in range(2))
    deadline = time.monotonic() + WAIT_S
    while len(printed(a.paper)) < 2:
        assert time.monotonic() < deadline, f"A did not print both tickets: {printed(a.paper)}"
        time.sleep(0.05)
    assert all(job_of(a, t)[1] == "done" for t in (first, second))
    b.stop()
    # As if A were printing `first` this moment, and `second` still waited for A's printer.
    for ticket, status in ((first, "sent"), (second, "pending")):
        query(a.database_url, "UPDATE print_jobs SET status = %s, created_at = now(), updated_at = now() "
                              "WHERE id = %s", status, job_of(a, ticket)[0])
    b.start()
    while job_of(a, second)[1] != "done" or job_of(a, first)[1] == "sent":
        assert time.monotonic() < deadline + 2 * WAIT_S, f"B left the jobs as they were: {job_of(a, first)}"
        time.sleep(0.1)
    urls = [t["status_url"].encode() for t in (first, second)]
    assert printed(a.paper) == urls + [urls[1]], "B printed a job A may be printing, or not the waiting one"
    assert query(a.database_url, "SELECT status, error_code FROM print_jobs WHERE id = %s",
                 job_of(a, first)[0]) == [("failed", "printer_timeout")]


def test_daily_close_runs_once_with_two_processes(hall):
    """Both processes close the missed day as they start, at the same moment: each ticket expires once."""
    a, b, staff, _ = hall
    url = a.database_url
    for s in (a, b):
        s.stop()
    # Today's tickets become yesterday's, as if the hall had been shut overnight.
    query(url, "UPDATE tickets SET business_day = business_day - 1")
    query(url, "UPDATE service_days SET day = day - 1")
    (day, total), = query(url, "SELECT business_day, count(*) FROM tickets GROUP BY business_day")
    (left_open,), = query(url, "SELECT count(*) FROM tickets WHERE status = ANY(%s)",
                          [WAITING, CALLED, SERVING, NO_SHOW])
    assert left_open > 0
    starts = [threading.Thread(target=s.start) for s in (a, b)]
    for t in starts:
        t.start()
    for t in starts:
        t.join(120)
    assert a.running and b.running
    deadline = time.monotonic() + WAIT_S
    while query(url, "SELECT count(*) FROM closed_days WHERE day = %s", day)[0][0] == 0:
        assert time.monotonic() < deadline, "the missed day was never closed"
        time.sleep(0.1)
    expired = query(url, "SELECT ticket_id, count(*) FROM ticket_events WHERE kind = 'expired' GROUP BY ticket_id")
    assert len(expired) == left_open and all(n == 1 for _, n in expired), "a ticket expired twice, or never"
    assert query(url, "SELECT count(*), sum(tickets) FROM closed_days WHERE day = %s", day) == [(1, total)]
    assert all(s["waiting"] == 0 for s in a.state()["services"])
    same_hall(a, b, staff)
