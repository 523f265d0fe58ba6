"""Privacy and abuse on the live feed and the public reads, against real `hallq serve` processes.

- Anonymous GET /counters, GET /state and the /hall events carry neither the served citizen's
  priority category nor staff login names; staff consoles and supervisors (bearer token or
  the pages' cookie) still get both; boards keep every event the v1 contract lists.
- With `display.public: false`, anonymous GET /state and anonymous /hall are refused; a display
  token, a ticket's holder and staff still get in.
- `resync` is rate-limited per client; malformed packets are one log line each, not a traceback.
"""
from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import socketio
import websocket

from tests.support.auth import PASSWORD
from tests.support.display import NAMESPACE, Display
from tests.support.hall import hall_config

pytestmark = pytest.mark.slow  # real servers in both async modes
CATEGORY = "pregnant"
LOGIN = "nv-kin-dao"  # a login name that must not reach the public


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def hall(request, live_server, auth):
    server = live_server(async_mode=request.param, name=f"privacy-{request.param}")
    made = auth(server).make(staff=[LOGIN], supervisor=["giam-sat"], kiosk=["kiosk"], display=["tv"])
    return SimpleNamespace(server=server, staff=made["staff"][LOGIN], supervisor=made["supervisor"]["giam-sat"],
                           kiosk=made["kiosk"]["kiosk"], display=made["display"]["tv"])


def cookie_session(server, username: str) -> requests.Session:
    s = requests.Session()
    resp = s.post(f"{server.url}/api/v1/login", json={"username": username, "password": PASSWORD}, timeout=30)
    assert resp.status_code == 200, resp.text
    return s


def anonymous(server, path: str) -> requests.Response:
    """A call with no token and no cookie (LiveServer's own session may hold a login cookie)."""
    return requests.get(f"{server.url}/api/v1/{path}", timeout=30)


def private_bits(data: Any) -> list[str]:
    """What in `data` only staff may see."""
    text = json.dumps(data, ensure_ascii=False)
    return [bit for bit in ('"priority_category"', CATEGORY, LOGIN, '"staff"') if bit in text]


def serve_a_priority_citizen(hall) -> dict:
    """Counter 1, taken by LOGIN, calls a pregnant citizen's ticket."""
    server = hall.server
    assert server.post("counters/1/take", {}, token=hall.staff).status_code == 200
    resp = server.post("tickets", {"service": "DD", "priority": CATEGORY}, token=hall.kiosk)
    assert resp.status_code == 201, resp.text
    called = server.post("counters/1/call-next", {}, token=hall.staff)
    assert called.status_code == 200, called.text
    return called.json()["ticket"]


def counter_one(counters: list[dict]) -> dict:
    return next(c for c in counters if c["number"] == 1)


def test_public_reads_leave_out_the_category_and_the_login(hall):
    ticket = serve_a_priority_citizen(hall)
    server = hall.server
    try:
        for who, token in (("anonymous", None), ("display", hall.display), ("kiosk", hall.kiosk)):
            read = (lambda p: anonymous(server, p)) if token is None else (lambda p, t=token: server.get(p, token=t))
            for path in ("counters", "state"):
                body = read(path).json()
                assert private_bits(body) == [], f"{who} GET /{path}"
            current = counter_one(read("counters").json())["current"]
            assert current["number"] == ticket["number"] and current["priority"] is True  # the contract's Ticket
        for who, token in (("staff", hall.staff), ("supervisor", hall.supervisor)):
            for path in ("counters", "state"):
                body = server.get(path, token=token).json()
                counters = body if path == "counters" else body["counters"]
                one = counter_one(counters)
                assert (one["current"]["priority_category"], one["staff"]) == (CATEGORY, LOGIN), f"{who} /{path}"
        cookie = cookie_session(server, "giam-sat")  # the dashboard's and the console's way in
        one = counter_one(cookie.get(f"{server.url}/api/v1/counters", timeout=30).json())
        assert (one["current"]["priority_category"], one["staff"]) == (CATEGORY, LOGIN)
    finally:
        server.post("counters/1/finish", {}, token=hall.staff)
        server.post("counters/1/leave", {}, token=hall.staff)


class Raw:
    """A Socket.IO client on /hall with any auth and headers, keeping every event it gets."""

    def __init__(self, server, *, auth: dict | None = None, headers: dict | None = None) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, Any]] = []
        self.refused: Any = None  # the connect_error's data when the server said no
        self.lock = threading.Lock()
        self.sio.on("*", self._any, namespace=NAMESPACE)
        self.sio.on("connect_error", self._refused, namespace=NAMESPACE)
        self.sio.connect(server.url, namespaces=[NAMESPACE], transports=["websocket"], auth=auth,
                         headers=headers or {}, wait_timeout=15)

    def _refused(self, data: Any = None) -> None:
        self.refused = data

    def _any(self, name: str, payload: Any = None) -> None:
        with self.lock:
            self.events.append((name, payload))

    def latest_seq(self) -> int:
        with self.lock:
            return max([p["seq"] for _, p in self.events if isinstance(p, dict) and "seq" in p] or [-1])

    def named(self, name: str) -> list[Any]:
        with self.lock:
            return [p for n, p in self.events if n == name]

    def wait(self, predicate, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"not within {timeout} s; got {[n for n, _ in self.events]}"
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - already gone
            pass


def test_live_events_and_snapshots_are_split_by_audience(hall, display):
    server = hall.server
    public_board = display(server)  # anonymous, as a public board
    paired_board = display(server, hall.display)
    console = display(server, hall.staff)  # a person's bearer token in the Socket.IO auth
    jar = cookie_session(server, "giam-sat").cookies
    dashboard = Raw(server, headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)})
    try:
        ticket = serve_a_priority_citizen(hall)
        target = server.state()["seq"]
        for d in (public_board, paired_board, console):
            d.wait_for(lambda d=d: d.seq is not None and d.seq >= target, what="the call")
        dashboard.wait(lambda: dashboard.latest_seq() >= target)

        for board in (public_board, paired_board):
            assert private_bits([e.payload for e in board.events]) == []
            assert private_bits(board.first_snapshot) == []
            assert board.gaps == [] and board.seq == console.seq  # every event, in seq order
            names = {e.name for e in board.events}
            assert {"ticket_called", "queue_changed", "counter_changed"} <= names
            called = [e.payload for e in board.events if e.name == "ticket_called"]
            assert called[-1]["number"] == ticket["number"] and called[-1]["announce"]["text"]
            assert private_bits(board.resync()) == []  # its resync is the public snapshot too

        for staff_side in (console.events, [SimpleNamespace(payload=p) for p in dashboard.named("counter_changed")]):
            states = [e.payload["state"] for e in staff_side if isinstance(e.payload, dict) and "state" in e.payload]
            mine = [s for s in states if s["number"] == 1 and s["current"]]
            assert mine and mine[-1]["current"]["priority_category"] == CATEGORY and mine[-1]["staff"] == LOGIN
        snap = console.resync()
        assert (counter_one(snap["counters"])["current"]["priority_category"], counter_one(snap["counters"])["staff"]) \
            == (CATEGORY, LOGIN)
    finally:
        dashboard.close()
        server.post("counters/1/finish", {}, token=hall.staff)
        server.post("counters/1/leave", {}, token=hall.staff)


# -- the public board turned off --------------------------------------------------------------


@pytest.fixture(scope="module")
def private_hall(live_server, auth):
    server = live_server(hall_config(edit=lambda d: d.setdefault("display", {}).update(public=False)),
                         name="private-hall")
    made = auth(server).make(staff=["nv-an"], kiosk=["kiosk"], display=["tv"])
    return SimpleNamespace(server=server, staff=made["staff"]["nv-an"], kiosk=made["kiosk"]["kiosk"],
                           display=made["display"]["tv"])


def refusal(server, auth: dict | None = None) -> Any:
    """What the server answers a /hall connection with `auth`: its refusal, or None when it lets it in."""
    client = Raw.__new__(Raw)
    try:
        Raw.__init__(client, server, auth=auth)
    except socketio.exceptions.ConnectionError:
        return client.refused or "refused without a reason"
    client.close()
    return None


def test_a_private_hall_refuses_anonymous_state_and_live_feed(private_hall):
    server = private_hall.server
    resp = anonymous(server, "state")
    assert (resp.status_code, resp.json()["error"]["code"]) == (401, "unauthenticated")
    for auth in (None, {"token": "hqd_not-a-real-one"}, {"ticket": "not-a-ticket"}, {"token": 5}):
        assert ((refusal(server, auth) or {}).get("data") or {}).get("code") == "unauthenticated", auth
    assert refusal(server, {"token": private_hall.display}) is None
    assert server.get("state", token=private_hall.display).status_code == 200
    assert anonymous(server, "counters").status_code == 200  # what counters are open stays public


def test_a_private_hall_still_feeds_paired_boards_ticket_holders_and_staff(private_hall, display):
    server = private_hall.server
    board = display(server, private_hall.display)
    console = display(server, private_hall.staff)
    ticket = server.post("tickets", {"service": "DD"}, token=private_hall.kiosk).json()["ticket"]
    phone = Raw(server, auth={"ticket": ticket["token"]})
    try:
        assert server.post("counters/2/take", {}, token=private_hall.staff).status_code == 200
        called = server.post("counters/2/call-next", {}, token=private_hall.staff).json()["ticket"]
        for d in (board, console):
            d.wait_for(lambda d=d: any(e.name == "ticket_called" and e.payload["number"] == called["number"]
                                       for e in d.events), what="the call")
        phone.wait(lambda: any(p["number"] == called["number"] for p in phone.named("ticket_called")))
        assert phone.named("snapshot") and board.gaps == []
    finally:
        phone.close()
        server.post("counters/2/finish", {}, token=private_hall.staff)
        server.post("counters/2/leave", {}, token=private_hall.staff)


# -- resync and malformed packets ------------------------------------------------------------


def test_resync_is_limited_per_client_and_the_hall_keeps_answering(hall, display):
    server = hall.server
    flooder = Raw(server)
    calm = display(server)
    answers: list[Any] = []
    done = threading.Event()
    total = 300

    def ack(data: Any = None) -> None:
        answers.append(data)
        if len(answers) == total:
            done.set()

    try:
        for _ in range(total):
            flooder.sio.emit("resync", {}, namespace=NAMESPACE, callback=ack)
        assert done.wait(60), f"only {len(answers)} of {total} resyncs answered"
        snapshots = [a for a in answers if isinstance(a, dict) and "seq" in a]
        refused = [a for a in answers if isinstance(a, dict) and a.get("error", {}).get("code") == "rate_limited"]
        assert len(snapshots) + len(refused) == total
        assert 1 <= len(snapshots) <= 10, f"{len(snapshots)} snapshots for one client in a burst"
        # Another client's resync is its own allowance; the API answers throughout.
        assert "seq" in calm.resync()
        assert server.get("services").status_code == 200
    finally:
        flooder.close()


def test_malformed_packets_are_one_line_each_and_no_traceback(hall):
    server = hall.server
    log_start = server.log_path.stat().st_size
    packets = ['42/hall,[', '42/hall,{"a":1}', "4x", '42/hall,[]', '42/hall,"str"', "z",
               '42/hall,["resync",' + "[" * 3000 + "]" * 3000 + "]"]
    sockets = 0
    for packet in packets * 3:
        ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket",
                                         timeout=10)
        sockets += 1
        ws.recv()  # Engine.IO open
        ws.send("40/hall,")
        ws.recv()  # the snapshot
        try:
            for _ in range(5):  # a client that keeps sending garbage is heard once
                ws.send(packet)
        except (BrokenPipeError, ConnectionResetError, websocket.WebSocketException):
            pass  # the server hung up on it: fine
        ws.close()
    assert server.get("services").status_code == 200
    time.sleep(1.0)  # the last lines reach the log
    with open(server.log_path, encoding="utf-8", errors="replace") as f:
        f.seek(log_start)
        tail = f.read()
    assert "Traceback" not in tail
    lines = [line for line in tail.splitlines() if "malformed" in line]
    assert 1 <= len(lines) <= sockets, tail[-2000:]
