"""One address in front of several processes: the repository's nginx site, for real (issue 12).

A private nginx runs deploy/nginx/hallq.conf itself (tests/support/nginx.py changes only its
ports, certificate and log) over TLS with a certificate made by openssl here, in front of two
`hallq serve` processes (one eventlet, one threading) on one PostgreSQL database and a private
redis-server. Through it: displays over WebSocket (wss) and over long-polling get the live
feed; the processes see each client's own address (nginx's X-Forwarded-For, believed because
nginx's address is in `server.trusted_proxies`) while a forged header sent straight to a
process is not; and a process killed with -9 loses nothing answered, its displays are back on
the other within 5 s, showing the hall as it is, every call once. The module's tests share
one hall and run in order; the kill comes last.
"""
from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.support.display import Display
from tests.support.hall import hall_config
from tests.support.nginx import Nginx
from tests.support.postgres import query
from tests.support.redis import Redis

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
NGINX_ADDRESS = "127.0.0.1"  # where nginx connects to the processes from
LOGINS_PER_MINUTE = 30  # bursts of 10
WAIT_S = 20
RECONNECT_S = 5.0  # the promise, from the kill to the display showing the hall again


class SourceAddress(HTTPAdapter):
    """Connections from a given loopback address (127.0.0.2 is as much this machine as 127.0.0.1)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kw: Any) -> None:
        super().init_poolmanager(*args, source_address=(self.address, 0), **kw)


def client(nginx: Nginx, source: str | None = None) -> requests.Session:
    """A session that trusts the hall's certificate, from `source` if given."""
    session = requests.Session()
    session.verify = str(nginx.cert)
    session.trust_env = False  # else $REQUESTS_CA_BUNDLE wins over `verify`, and a proxy setting over loopback
    if source:
        for scheme in ("http://", "https://"):
            session.mount(scheme, SourceAddress(source))
    return session


@pytest.fixture(scope="module")
def hall(live_server, auth, postgres_url, tmp_path_factory):
    redis = Redis()
    redis.start()
    config = hall_config(server={"message_queue": redis.url, "trusted_proxies": [NGINX_ADDRESS],
                                 "login_attempts_per_minute": LOGINS_PER_MINUTE})
    url = postgres_url()
    a = live_server(config, database_url=url, async_mode="eventlet", name="ngx-a")
    b = live_server(a.config, database_url=url, async_mode="threading", name="ngx-b", start=False)
    nginx = Nginx(tmp_path_factory.mktemp("nginx"), [a.port, b.port])
    starting = [threading.Thread(target=b.start), threading.Thread(target=nginx.start)]
    for t in starting:
        t.start()
    made = auth(a).make(staff=["staff"], admin=["admin"])
    for t in starting:
        t.join(120)
    assert b.running and nginx.proc is not None and nginx.proc.poll() is None
    yield a, b, nginx, made["staff"]["staff"], made["admin"]["admin"]
    nginx.stop()
    redis.stop()


def api(session: requests.Session, nginx: Nginx, method: str, path: str, token: str | None = None,
        **kw: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return session.request(method, f"{nginx.url}/api/v1/{path}", headers=headers, timeout=30, **kw)


def hall_seq(url: str) -> int:
    return query(url, "SELECT seq FROM hall WHERE id = 1")[0][0]


def display(nginx: Nginx, name: str, transport: str = "websocket", reconnect: bool = False) -> Display:
    """A board through nginx (wss, or https long-polling); with `reconnect`, it retries as live.js does."""
    options: dict[str, Any] = {"http_session": client(nginx)}
    if reconnect:
        options.update(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=5,
                       randomization_factor=0.5)
    return Display(nginx.url, transports=(transport,), name=name, client=options).connect(timeout=WAIT_S)


def test_https_only_and_a_display_over_wss_gets_live_events(hall):
    a, _, nginx, staff, _ = hall
    plain = requests.get(f"http://127.0.0.1:{nginx.http_port}/display", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://127.0.0.1")
    board = display(nginx, "wss-board")
    try:
        resp = api(client(nginx), nginx, "POST", "tickets", staff, json={"service": "TK"})
        assert resp.status_code == 201, resp.text
        board.wait_seq(hall_seq(a.database_url), timeout=WAIT_S)
        assert any(e.name == "queue_changed" for e in board.events)
        assert board.sio.transport() == "websocket" and board.url.startswith("https://")  # so: wss, via nginx
    finally:
        board.close()


def test_a_long_polling_display_stays_with_its_process(hall):
    """Every request of a polling session goes to the process that made it (else: 'Invalid session')."""
    a, _, nginx, staff, _ = hall
    board = display(nginx, "polling-board", transport="polling")
    try:
        for _ in range(3):
            assert api(client(nginx), nginx, "POST", "tickets", staff, json={"service": "HT"}).status_code == 201
        board.wait_seq(hall_seq(a.database_url), timeout=WAIT_S)
        sid = board.sio.eio.sid
        served_by = nginx.upstreams(f"sid={sid}")
        assert len(served_by) >= 2 and len(set(served_by)) == 1, served_by
        assert board.gaps == [] and not board.disconnected
    finally:
        board.close()


def audited_address(nginx: Nginx, admin: str, username: str) -> str:
    """The address the audit log kept for a failed login as `username` (written a moment after the answer)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        rows = [r for r in api(client(nginx), nginx, "GET", "audit", admin).json() if r["target"] == username]
        if rows:
            return rows[0]["address"]
        assert time.monotonic() < deadline, f"no failed login of {username} in the audit log"
        time.sleep(0.05)


def fail_login(session: requests.Session, base: str, username: str, **headers: str) -> int:
    return session.post(f"{base}/api/v1/login", json={"username": username, "password": "not it"},
                        headers=headers, timeout=30).status_code


def test_the_processes_see_each_clients_own_address(hall):
    a, b, nginx, _, admin = hall
    second, third = client(nginx, "127.0.0.2"), client(nginx, "127.0.0.3")
    forged = {"X-Forwarded-For": "203.0.113.9"}
    # Through nginx: the citizen's address, whatever X-Forwarded-For the client sent itself.
    assert fail_login(second, nginx.url, "via-nginx") == 401
    assert fail_login(third, nginx.url, "via-nginx-forged", **forged) == 401
    # Straight to a process from an address it does not trust: the header is not believed.
    assert fail_login(second, b.url, "straight-forged", **forged) == 401
    assert audited_address(nginx, admin, "via-nginx") == "127.0.0.2"
    assert audited_address(nginx, admin, "via-nginx-forged") == "127.0.0.3"
    assert audited_address(nginx, admin, "straight-forged") == "127.0.0.2"
    # The login limiter counts 127.0.0.2, not nginx: refused there, 127.0.0.3 still tries.
    answers: list[int] = []
    while len(answers) < LOGINS_PER_MINUTE and 429 not in answers:  # a burst is a third of that
        answers.append(fail_login(second, nginx.url, "nobody"))
    assert 429 in answers and set(answers[:answers.index(429)]) == {401}, answers
    assert fail_login(third, nginx.url, "nobody") == 401


class Writer(threading.Thread):
    """A kiosk and a counter through nginx, on and on: tickets (resent with the same idempotency_key
    until answered, as the kiosk page does) and calls. Keeps every ticket answered 201."""

    def __init__(self, nginx: Nginx, staff: str) -> None:
        super().__init__(name="writer", daemon=True)
        self.nginx, self.staff = nginx, staff
        self.session = client(nginx)
        self.answered: list[str] = []
        self.failures: list[str] = []
        self.halt = threading.Event()

    def post(self, path: str, body: dict | None = None) -> requests.Response | None:
        try:
            return api(self.session, self.nginx, "POST", path, self.staff, json=body or {})
        except requests.RequestException as err:  # the process died under the request
            self.failures.append(f"{path}: {type(err).__name__}")
            self.session = client(self.nginx)
            return None

    def run(self) -> None:
        while not self.halt.is_set():
            key = uuid.uuid4().hex
            while not self.halt.is_set():
                resp = self.post("tickets", {"service": "TK", "idempotency_key": key})
                if resp is not None and resp.status_code == 201:
                    self.answered.append(resp.json()["ticket"]["token"])
                    break
                if resp is not None:
                    self.failures.append(f"tickets: {resp.status_code}")
                time.sleep(0.05)
            for action in ("call-next", "finish"):
                self.post(f"counters/3/{action}")
            time.sleep(0.1)


def calls_seen(board: Display, after: int) -> tuple[list[int], list[int]]:
    """The calls (seqs past `after`) a browser board gets live, and those it first sees in a snapshot
    (a reconnect's, or a resync's after a gap): read off the wire in order, as static/live.js applies
    it (an event past a gap is held until the snapshot; one not newer than what it has is dropped)."""
    live: list[int] = []
    late: list[int] = []
    seq, held = None, []
    for ev in list(board.wire):
        if ev.name in ("snapshot", "resync_ack"):
            if not isinstance(ev.payload, dict) or "seq" not in ev.payload:
                continue
            if seq is not None:
                late += [c["seq"] for c in ev.payload.get("recent_calls", [])
                         if c["seq"] > max(seq, after) and c["seq"] not in live + late]
            seq = ev.payload["seq"]
            pending, held = sorted((e for e in held if e.seq > seq), key=lambda e: e.seq), []
            for e in pending:
                seq = e.seq
                if e.name == "ticket_called" and e.seq > after:
                    live.append(e.seq)
        elif ev.seq is not None and seq is not None and ev.seq > seq:
            if held or ev.seq > seq + 1:  # a gap: held until the resync's snapshot
                held.append(ev)
                continue
            seq = ev.seq
            if ev.name == "ticket_called" and ev.seq > after:
                live.append(ev.seq)
    return live, late


def board_state(board: Display) -> dict[str, Any]:
    """What the board shows: its last snapshot with every later event applied (as board.js does)."""
    with board.cond:
        wire = list(board.wire)
    last = max(i for i, ev in enumerate(wire) if ev.name in ("snapshot", "resync_ack"))
    snap = wire[last].payload
    counters = {c["number"]: c for c in snap["counters"]}
    waiting = {s["code"]: s["waiting"] for s in snap["services"]}
    calls = [c["seq"] for c in snap["recent_calls"]]
    for ev in wire[last + 1:]:
        if ev.name == "counter_changed" and ev.payload.get("state"):
            counters[ev.payload["counter"]] = ev.payload["state"]
        elif ev.name == "queue_changed":
            waiting[ev.payload["service"]] = ev.payload["waiting"]
        elif ev.name == "ticket_called":
            calls.insert(0, ev.seq)
    return {"seq": board.seq, "waiting": waiting, "calls": calls,
            "counters": {n: (c["status"], (c.get("current") or {}).get("number")) for n, c in counters.items()}}


def shown_by(state: dict[str, Any]) -> dict[str, Any]:
    return {"seq": state["seq"], "waiting": {s["code"]: s["waiting"] for s in state["services"]},
            "calls": [c["seq"] for c in state["recent_calls"]],
            "counters": {c["number"]: (c["status"], (c.get("current") or {}).get("number"))
                         for c in state["counters"]}}


def test_kill_9_loses_nothing_and_its_displays_move_on_within_5_s(hall, record_property):
    a, b, nginx, staff, _ = hall
    boards = [display(nginx, "board-ws", reconnect=True), display(nginx, "board-polling", "polling", reconnect=True)]
    try:
        port = int(nginx.upstreams("/socket.io/")[-1].split(",")[-1].rsplit(":", 1)[1])
        victim, survivor = (a, b) if port == a.port else (b, a)
        session = client(nginx)
        start = hall_seq(a.database_url)
        for n in (1, 2):  # calls before the kill
            assert api(session, nginx, "POST", "tickets", staff, json={"service": "DD"}).status_code == 201
            for action in ("call-next", "finish"):
                resp = api(session, nginx, "POST", f"counters/1/{action}", staff)
                assert resp.status_code == 200, resp.text
        for board in boards:
            board.wait_seq(hall_seq(a.database_url), timeout=WAIT_S)
        writer = Writer(nginx, staff)
        writer.start()
        time.sleep(0.5)  # the writer is mid-stream when the process dies
        snapshots = [sum(ev.name == "snapshot" for ev in board.wire) for board in boards]
        killed = time.monotonic()
        victim.kill()
        back = []
        for board, before in zip(boards, snapshots):
            board.wait_for(lambda: sum(ev.name == "snapshot" for ev in board.wire) > before,
                           max(0.0, killed + RECONNECT_S - time.monotonic()) + 0.01,
                           f"a snapshot from {survivor.name} within {RECONNECT_S:.0f} s of the kill")
            back.append(time.monotonic() - killed)
        time.sleep(1.0)  # calls after the reconnect, on the survivor
        writer.halt.set()
        writer.join(30)
        for action in ("call-next", "finish"):  # and one more, after
            assert api(session, nginx, "POST", f"counters/3/{action}", staff).status_code in (200, 404, 409)
        end = hall_seq(a.database_url)
        for board in boards:
            board.wait_seq(end, timeout=WAIT_S)
        record_property("reconnect_s", [round(s, 2) for s in back])
        print(f"\nkill -9 {victim.name}: boards back through nginx on {survivor.name} after "
              f"{', '.join(f'{s:.2f}' for s in back)} s; writer: {len(writer.answered)} tickets answered, "
              f"{len(writer.failures)} refused or cut ({', '.join(sorted(set(writer.failures)))})")

        # Nothing answered is lost.
        assert writer.answered, "the writer had no ticket answered"
        kept = query(a.database_url, "SELECT count(*) FROM tickets WHERE token = ANY(%s)", writer.answered)[0][0]
        assert kept == len(writer.answered), "a ticket answered 201 is not in the database"
        # Every call said once: live, or late, from the snapshot the board came back to (made while it
        # was away, or hidden in a gap; display/static/voice-player.js says such a call moments old
        # once, tests/browser/test_display_restart.py shows it in Chromium).
        calls = [seq for (seq,) in query(a.database_url, "SELECT seq FROM ticket_events WHERE kind IN "
                                         "('called', 'recalled') AND seq > %s ORDER BY seq", start)]
        assert len(calls) >= 3
        for board in boards:
            live, late = calls_seen(board, start)
            print(f"{board.name}: {len(live)} calls live, {len(late)} late (first in a snapshot)")
            wire = ", ".join(f"{e.name}#{e.payload.get('seq') if isinstance(e.payload, dict) else '-'}"
                             for e in board.wire)
            assert sorted(live + late) == calls, f"{board.name}: live {live}, in a snapshot {late}, made {calls}; " \
                                                 f"on the wire: {wire}"
            # The survivor's hall, as the board shows it.
            shown, truth = board_state(board), shown_by(survivor.state())
            shown["calls"] = shown["calls"][:len(truth["calls"])]  # the newest, as many as the hall keeps
            assert shown == truth, board.name
    finally:
        for board in boards:
            board.close()
