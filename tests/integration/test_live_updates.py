"""The /hall namespace against a real server: snapshot on connect, events in seq order, resync."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.support.checks import comparable
from tests.support.display import Gap

ANNOUNCE = "Mời công dân có số thứ tự {number} đến quầy số {counter}"


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def hall(request, live_server, auth):
    """One server per async mode for the whole module, with a staff member and a kiosk."""
    server = live_server(async_mode=request.param, name=f"live-{request.param}")
    made = auth(server).make(staff=["staff"], kiosk=["kiosk"], display=["display"])
    return SimpleNamespace(server=server, staff=made["staff"]["staff"], kiosk=made["kiosk"]["kiosk"],
                           display_token=made["display"]["display"])


def issue(hall, service: str) -> dict:
    resp = hall.server.post("tickets", {"service": service}, token=hall.kiosk)
    assert resp.status_code == 201, resp.text
    return resp.json()["ticket"]


def act(hall, counter: int, action: str, body: dict | None = None) -> dict:
    resp = hall.server.post(f"counters/{counter}/{action}", body, token=hall.staff)
    assert resp.status_code == 200, f"{action} at counter {counter}: {resp.status_code} {resp.text}"
    return resp.json()


def waiting(snapshot: dict, service: str) -> int:
    return next(s["waiting"] for s in snapshot["services"] if s["code"] == service)


def test_snapshot_on_connect_is_the_state(hall, display):
    """A new display's first message is the snapshot, the same body as GET /api/v1/state."""
    issue(hall, "DD")
    called = act(hall, 1, "call-next")["ticket"]
    issue(hall, "DD")  # one left waiting, so the snapshot has something in every part

    d = display(hall.server, hall.display_token)
    state = hall.server.state()
    assert d.wire[0].name == "snapshot", f"first message was {d.wire[0].name}"
    snap = d.first_snapshot
    assert {"seq", "counters", "recent_calls", "services"} <= set(snap)
    assert comparable(snap) == comparable(state)
    assert snap["seq"] == state["seq"] > 0
    counter1 = next(c for c in snap["counters"] if c["number"] == 1)
    assert counter1["current"]["number"] == called["number"]
    assert snap["recent_calls"][0]["number"] == called["number"]
    assert waiting(snap, "DD") == 1
    assert "token" not in repr(snap), "a ticket token leaked into the public snapshot"
    act(hall, 1, "finish")
    act(hall, 1, "call-next")
    act(hall, 1, "finish")


def test_events_follow_every_change_in_seq_order(hall, display):
    """Each action gives its events, in order, each seq one more than the last, on every display."""
    server = hall.server
    d1 = display(server, hall.display_token, name="d1")
    d2 = display(server, name="d2 (public)")
    start_seq = d1.seq
    assert d2.seq == start_seq

    def expect(kinds: list[str], do):
        """Run `do`, then check the events since: their names, seqs and the state's seq."""
        mark, before = d1.mark(), d1.seq
        result = do()
        target = before + len(kinds)
        d1.wait_seq(target)
        got = d1.since(mark)
        assert [e.name for e in got] == kinds, f"{[(e.name, e.seq) for e in got]} after {do.__name__}"
        assert [e.seq for e in got] == list(range(before + 1, target + 1))
        assert server.state()["seq"] == target
        return result, [e.payload for e in got]

    def issue_ht():
        return issue(hall, "HT")

    first, (qc,) = expect(["queue_changed"], issue_ht)
    assert qc["service"] == "HT" and qc["waiting"] == waiting(server.state(), "HT") == 1

    def call():
        return act(hall, 4, "call-next")["ticket"]

    called, (tc, qc, cc) = expect(["ticket_called", "queue_changed", "counter_changed"], call)
    assert called["number"] == first["number"]
    assert (tc["number"], tc["service"], tc["counter"], tc["recall"]) == (first["number"], "HT", 4, False)
    assert tc["announce"]["text"] == ANNOUNCE.format(number=first["number"], counter=4)
    assert isinstance(tc["announce"]["clips"], list)
    assert qc["service"] == "HT" and qc["waiting"] == 0
    assert cc["counter"] == 4
    counters = server.get("counters").json()  # public: the current ticket without its token
    assert next(c for c in counters if c["number"] == 4)["current"]["number"] == first["number"]
    assert "token" not in repr(counters), "a ticket token leaked into GET /counters"

    def recall():
        return act(hall, 4, "recall")

    _, (tc,) = expect(["ticket_called"], recall)
    assert (tc["number"], tc["counter"], tc["recall"]) == (first["number"], 4, True)
    assert tc["announce"]["text"] == ANNOUNCE.format(number=first["number"], counter=4)

    def start():
        return act(hall, 4, "start")

    _, (cc,) = expect(["counter_changed"], start)
    assert cc["counter"] == 4

    def finish():
        return act(hall, 4, "finish")

    _, (cc, tf) = expect(["counter_changed", "ticket_finished"], finish)
    assert cc["counter"] == 4
    assert (tf["number"], tf["counter"], tf["service"]) == (first["number"], 4, "HT")

    second, _ = expect(["queue_changed"], issue_ht)
    third, _ = expect(["queue_changed"], issue_ht)
    called, (tc, _, _) = expect(["ticket_called", "queue_changed", "counter_changed"], call)
    assert called["number"] == tc["number"] == second["number"]

    def no_show():
        return act(hall, 4, "no-show")

    _, (cc,) = expect(["counter_changed"], no_show)
    assert cc["counter"] == 4
    called, (tc, _, _) = expect(["ticket_called", "queue_changed", "counter_changed"], call)
    assert tc["number"] == third["number"]

    def transfer():
        return act(hall, 4, "transfer", {"service": "LD"})

    moved, (cc, qc) = expect(["counter_changed", "queue_changed"], transfer)
    assert cc["counter"] == 4
    assert qc["service"] == "LD" and qc["waiting"] == waiting(server.state(), "LD")
    assert moved["ticket"]["number"] == third["number"] and moved["ticket"]["service"] == "LD"

    for action in ("pause", "resume"):
        def step(action=action):
            return act(hall, 4, action)
        step.__name__ = action
        _, (cc,) = expect(["counter_changed"], step)
        assert cc["counter"] == 4

    # Tokens are the holder's secret: never in an event.
    assert not [e for e in d1.events if "token" in repr(e.payload)], "a ticket token leaked into an event"

    # The other display saw exactly the same stream, with no gap.
    d2.wait_seq(d1.seq)
    assert [(e.name, e.seq) for e in d2.events] == [(e.name, e.seq) for e in d1.events]
    assert d1.gaps == d2.gaps == []
    assert [e.seq for e in d1.events] == list(range(start_seq + 1, d1.seq + 1))
    act(hall, 8, "call-next")  # leave the LD queue empty for the tests after this one
    act(hall, 8, "finish")


def test_resync_after_a_gap(hall, display):
    """A display that lost an event sees the gap, emits resync, and the ack is the snapshot."""
    server = hall.server
    d = display(server, hall.display_token)
    s = d.seq
    d.drop("queue_changed")  # the next queue_changed is lost on the way
    ticket = issue(hall, "DKKD")  # seq s+1, lost
    d.wait_for(lambda: len(d.dropped) == 1, what="the dropped queue_changed")
    assert d.gaps == [] and d.seq == s, "a display cannot know of a loss before the next event"

    called = act(hall, 5, "call-next")["ticket"]  # s+2 .. s+4: the gap shows at s+2
    assert called["number"] == ticket["number"]
    d.wait_for(lambda: len(d.resyncs) == 1 and d.seq == s + 4, what="the resync acknowledgement")
    assert d.gaps == [Gap(expected=s + 1, got=s + 2)]
    ack = d.resyncs[0]
    state = server.state()
    assert isinstance(ack, dict), f"resync acknowledgement is not the snapshot: {ack!r}"
    assert comparable(ack) == comparable(state)
    assert ack["seq"] == s + 4
    counter5 = next(c for c in ack["counters"] if c["number"] == 5)
    assert counter5["current"]["number"] == called["number"]

    # After the resync the stream goes on from the snapshot's seq, without a new gap.
    mark = d.mark()
    act(hall, 5, "finish")
    d.wait_seq(s + 6)
    assert [(e.name, e.seq) for e in d.since(mark)] == [("counter_changed", s + 5), ("ticket_finished", s + 6)]
    assert len(d.gaps) == 1 and len(d.resyncs) == 1


def test_resync_and_ping_on_request(hall, display):
    """resync answers the snapshot at any time; ping_hall answers the last seq sent."""
    d = display(hall.server)
    issue(hall, "TK")
    seq = hall.server.state()["seq"]
    d.wait_seq(seq)
    ack = d.resync()
    assert comparable(ack) == comparable(hall.server.state())
    assert ack["seq"] == seq
    pong = d.ping()
    assert pong["seq"] == seq
    act(hall, 10, "call-next")
    act(hall, 10, "finish")
