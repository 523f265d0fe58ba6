"""Rooms on /hall against a real server: phones, rating tablets and kiosks get only their part.

Every client here is a real Socket.IO client. A client in a partial room follows `prev_seq`
(the seq of the event its room was sent before) instead of seq + 1, as server/static/live.js
does; boards keep the v1 rule and must see every event, with no gaps.

The negative checks never wait out a silence: each is made after the client has received a
later event of its own, sent after the one it must not get.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.support.display import NAMESPACE, Display, Gap

pytestmark = pytest.mark.slow  # real servers, one per async mode
ALL = ("ticket_called", "queue_changed", "counter_changed", "ticket_finished", "ticket_rated")


class RoomClient(Display):
    """A Display that says who it is in `auth` and follows `prev_seq` where the server sends it."""

    def __init__(self, url: str, auth: dict[str, Any] | None, **kw: Any) -> None:
        super().__init__(url, **kw)
        self.auth = auth

    def connect(self, timeout: float = 15.0) -> "RoomClient":
        self.sio.connect(self.url, namespaces=[NAMESPACE], transports=self.transports, auth=self.auth,
                         wait_timeout=timeout)
        self.wait_for(lambda: self.first_snapshot is not None, timeout, "the snapshot on connect")
        return self

    def _advance(self, ev) -> None:
        prev = ev.payload.get("prev_seq") if isinstance(ev.payload, dict) else None
        if prev is None or ev.seq is None:
            super()._advance(ev)
            return
        if ev.seq <= self.seq:
            return
        if prev <= self.seq:
            self.seq = ev.seq
            return
        self.gaps.append(Gap(prev, ev.seq))
        self._resyncing = True
        self._held.append(ev)
        self.sio.emit("resync", namespace=NAMESPACE, callback=self._apply_resync)

    def named(self, *names: str) -> list[dict[str, Any]]:
        with self.cond:
            return [e.payload for e in self.events if e.name in names]


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def hall(request, live_server, auth):
    """One server per async mode: staff, a board's token, two rating tablets, two kiosks printing on dummies."""
    server = live_server(async_mode=request.param, name=f"rooms-{request.param}")
    a = auth(server)
    made = a.make(staff=["staff"], display=["board"], rating=["tablet1", "tablet2"])
    return SimpleNamespace(
        server=server, staff=made["staff"]["staff"], board=made["display"]["board"],
        tablet1=made["rating"]["tablet1"], tablet2=made["rating"]["tablet2"],
        kiosk_a=a.device("kiosk-a", "kiosk", printer="dummy://"),
        kiosk_b=a.device("kiosk-b", "kiosk", printer="dummy://"))


@pytest.fixture
def client(hall):
    opened: list[RoomClient] = []

    def connect(auth: dict[str, Any] | None, name: str) -> RoomClient:
        c = RoomClient(hall.server.url, auth, name=name)
        opened.append(c)
        return c.connect()

    yield connect
    for c in opened:
        c.close()


def issue(hall, service: str, token: str | None = None) -> dict:
    resp = hall.server.post("tickets", {"service": service}, token=token or hall.staff)
    assert resp.status_code == 201, resp.text
    return resp.json()


def act(hall, counter: int, action: str) -> dict:
    resp = hall.server.post(f"counters/{counter}/{action}", None, token=hall.staff)
    assert resp.status_code == 200, f"{action} at counter {counter}: {resp.status_code} {resp.text}"
    return resp.json()


def test_a_phone_gets_its_own_call_and_not_another_counters_or_tickets(hall, client):
    mine = issue(hall, "DKKD")["ticket"]  # counters 5 and 9
    other = issue(hall, "HT")["ticket"]  # counters 3, 4 and 7
    board = client({"token": hall.board}, "board")
    phone = client({"ticket": mine["token"]}, "phone")

    called_other = act(hall, 3, "call-next")["ticket"]
    assert called_other["number"] == other["number"]
    act(hall, 3, "finish")
    called_mine = act(hall, 5, "call-next")["ticket"]
    assert called_mine["number"] == mine["number"]

    call = phone.wait_event("ticket_called", lambda p: p["number"] == mine["number"])
    assert call["counter"] == 5 and call["service"] == "DKKD"
    board.wait_event("ticket_called", lambda p: p["number"] == mine["number"])
    assert board.wait_event("ticket_called", lambda p: p["number"] == other["number"])["counter"] == 3
    assert board.wait_event("ticket_finished", lambda p: p["number"] == other["number"])["counter"] == 3

    got = phone.named(*ALL)
    assert got, "the phone got nothing"
    assert not [p for p in got if p.get("counter") == 3], f"counter 3's events reached the phone: {got}"
    assert not [p for p in got if p.get("number") == other["number"] or p.get("service") == "HT"], got
    assert all("prev_seq" in p for p in got), got
    assert phone.gaps == [], f"false gaps on the phone: {phone.gaps}"
    assert board.gaps == [], f"gaps on the board: {board.gaps}"
    act(hall, 5, "finish")


def test_a_phone_that_misses_an_event_of_its_room_resyncs(hall, client):
    mine = issue(hall, "LD")["ticket"]  # counters 8 and 9
    phone = client({"ticket": mine["token"]}, "phone")
    phone.drop("queue_changed")  # lost on the way
    issue(hall, "LD")  # someone queues behind: the phone's service's figures
    phone.wait_for(lambda: phone.dropped, what="the dropped queue_changed")
    act(hall, 8, "call-next")  # calls mine: the next event of the phone's room
    phone.wait_for(lambda: phone.resyncs, what="a resync after the missed event")
    assert phone.gaps and phone.gaps[0].got > phone.gaps[0].expected
    act(hall, 8, "finish")
    act(hall, 8, "call-next")
    act(hall, 8, "finish")


def test_a_rating_tablet_gets_its_counters_events_only(hall, client):
    tablet = client({"token": hall.tablet2, "counter": 2}, "tablet2")
    issue(hall, "DD")
    act(hall, 1, "call-next")
    first = act(hall, 1, "finish")["ticket"]
    issue(hall, "DD")
    act(hall, 2, "call-next")
    second = act(hall, 2, "finish")["ticket"]
    finished = tablet.wait_event("ticket_finished", lambda p: p["number"] == second["number"])
    assert finished["counter"] == 2
    got = tablet.named(*ALL)
    assert not [p for p in got if p.get("counter") != 2], f"another counter's events reached tablet 2: {got}"
    assert not [p for p in got if p.get("number") == first["number"]], got
    assert tablet.gaps == [], tablet.gaps

    resp = hall.server.post("counters/2/rating", {"score": 4}, token=hall.tablet2)
    assert resp.status_code == 201, resp.text
    rated = tablet.wait_event("ticket_rated")
    assert (rated["counter"], rated["score"]) == (2, 4)


def test_a_rating_tablet_for_a_counter_that_does_not_exist_is_refused(hall):
    c = RoomClient(hall.server.url, {"token": hall.tablet1, "counter": 99}, name="tablet99")
    with pytest.raises(Exception) as err:
        c.connect(timeout=5)
    c.close()
    assert "99" in str(err.value) or "unknown_counter" in str(err.value) or "connect" in str(err.value).lower()


def test_a_kiosk_gets_its_own_print_result_pushed_and_not_another_kiosks(hall, client):
    a = client({"token": hall.kiosk_a}, "kiosk-a")
    b = client({"token": hall.kiosk_b}, "kiosk-b")
    from_a = issue(hall, "TK", hall.kiosk_a)
    assert from_a["print"]["status"] in ("queued", "printed")
    pushed = a.wait_event("ticket_printed", lambda p: p["token"] == from_a["ticket"]["token"])
    assert pushed["number"] == from_a["ticket"]["number"]
    assert pushed["print"]["status"] == "printed"
    from_b = issue(hall, "TK", hall.kiosk_b)
    b.wait_event("ticket_printed", lambda p: p["token"] == from_b["ticket"]["token"])
    assert [p["token"] for p in b.named("ticket_printed")] == [from_b["ticket"]["token"]]
    assert [p["token"] for p in a.named("ticket_printed")] == [from_a["ticket"]["token"]]

    # The services' figures, for the kiosk's tiles; no calls, no finishes.
    act(hall, 10, "call-next")
    act(hall, 10, "finish")
    a.wait_event("counter_changed", lambda p: p["counter"] == 10 and p["state"]["current"] is None)
    assert {e.name for e in a.events} <= {"queue_changed", "counter_changed", "ticket_printed", "printer_status"}
    assert a.named("printer_status") and all(set(p) == {"printer", "warn"} for p in a.named("printer_status"))
    assert a.gaps == [] and b.gaps == [], (a.gaps, b.gaps)
    act(hall, 10, "call-next")
    act(hall, 10, "finish")


@pytest.mark.parametrize("who", ["anonymous", "display token"])
def test_a_v1_board_gets_every_event_in_seq_order(hall, client, who):
    board = client(None if who == "anonymous" else {"token": hall.board}, "board")
    start = board.seq
    issue(hall, "XD")
    act(hall, 6, "call-next")
    act(hall, 6, "recall")
    act(hall, 6, "start")
    done = act(hall, 6, "finish")["ticket"]
    board.wait_event("ticket_finished", lambda p: p["number"] == done["number"])
    tablet = hall.tablet1
    resp = hall.server.post("counters/6/rating", {"score": 3}, token=tablet)
    assert resp.status_code == 201, resp.text
    board.wait_event("ticket_rated", lambda p: p["counter"] == 6)
    seqs = [e.seq for e in board.events if e.seq is not None]
    assert seqs == list(range(start + 1, start + 1 + len(seqs))), "a board must see every seq, in order"
    assert {e.name for e in board.events} >= set(ALL)
    assert not [e for e in board.events if "prev_seq" in e.payload], "v1 payloads carry nothing new"
    assert board.gaps == []
