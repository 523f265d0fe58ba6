"""Webhooks (issue 15) from a real `hallq serve` (eventlet) to real HTTP receivers on loopback ports.

Every body is signed with its receiver's secret and arrives in seq order; a receiver down for a
while gets everything once it is back; a server stopped with undelivered events delivers them after
its restart; an event a receiver keeps refusing (4xx) becomes a dead letter, the events after it go
on, and an admin sends it again; `hallq webhooks test NAME` prints the receiver's answer in one line.
The module's tests share one server and two receivers, and run in order.
"""
from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from tests.support.hall import hall_config
from tests.support.webhooks import WAIT_S, Receiver

pytestmark = pytest.mark.slow
SECRETS = {"desk": "desk-secret-ñ", "picky": "picky-secret"}


@pytest.fixture(scope="module")
def hall(live_server, auth):
    desk, picky = Receiver(SECRETS["desk"]).up(), Receiver(SECRETS["picky"]).up()
    hooks = [{"url": desk.url, "secret": SECRETS["desk"], "name": "desk",
              "events": ["ticket.issued", "ticket.called", "ticket.finished", "ticket.no_show", "ticket.rated"]},
             {"url": picky.url, "secret": SECRETS["picky"], "events": ["ticket.finished"], "dead_after": 2}]
    server = live_server(hall_config(edit=lambda d: d.update(webhooks=hooks)), async_mode="eventlet", name="hooks")
    people = auth(server).make(staff=["staff"], kiosk=["kiosk"], supervisor=["sup"], admin=["boss"])  # one CLI
    yield server, desk, picky, people
    desk.down()
    picky.down()


def issue(server, people, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        resp = server.request("POST", "tickets", token=people["kiosk"]["kiosk"], json={"service": "TK"})
        assert resp.status_code == 201, resp.text
        out.append(resp.json()["ticket"])
    return out


def serve_one(server, people, **case: Any) -> dict[str, Any]:
    """Call the next ticket at counter 10 and finish it (with a case, if given); the ticket."""
    staff = people["staff"]["staff"]
    ticket = server.request("POST", "counters/10/call-next", token=staff, json={}).json()["ticket"]
    resp = server.request("POST", "counters/10/finish", token=staff, json=case)
    assert resp.status_code == 200, resp.text
    return ticket


def test_every_event_arrives_signed_in_seq_order_with_the_case_code(hall):
    server, desk, picky, people = hall
    issued = issue(server, people, 3)
    served = serve_one(server, people, case_code="000.00.12.H41-261201-0001", outcome="returned")
    # the citizen, by the ticket's token alone (no session cookie of the logins above)
    resp = requests.post(f"{server.url}/api/v1/tickets/{issued[0]['token']}/rating", json={"score": 4}, timeout=10)
    assert resp.status_code in (200, 201), resp.text

    desk.wait_for(lambda r: r.numbers("ticket.rated"), "the rating reaches the receiver")
    bodies = desk.accepted()
    assert [b["event"] for b in bodies] == ["ticket.issued"] * 3 + ["ticket.called", "ticket.finished", "ticket.rated"]
    seqs = [b["seq"] for b in bodies]
    assert seqs == sorted(seqs) and len(set(b["id"] for b in bodies)) == len(bodies)
    finished = bodies[4]
    assert finished["ticket"]["number"] == served["number"] == issued[0]["number"]
    assert finished["case_code"] == "000.00.12.H41-261201-0001" and finished["case_outcome"] == "returned"
    assert finished["counter"] == 10 and finished["ticket"]["status"] == "done"
    assert "token" not in finished["ticket"] and set(finished["ticket"]) >= {
        "number", "service", "status", "priority", "issued_at", "called_at", "counter", "waiting_ahead",
        "estimated_wait_s"}
    assert bodies[5]["score"] == 4 and bodies[0]["ticket"]["status"] == "waiting"
    picky.wait_for(lambda r: r.numbers("ticket.finished") == [served["number"]], "the finish reaches picky")
    assert {b["event"] for b in picky.got} == {"ticket.finished"}  # only what it asked for

    listed = server.request("GET", "webhooks", token=people["supervisor"]["sup"]).json()
    assert [h["name"] for h in listed] == ["desk", "127.0.0.1"]
    assert all("secret" not in h for h in listed) and SECRETS["desk"] not in json.dumps(listed)


def test_a_receiver_down_for_a_while_gets_everything_once_back(hall):
    server, desk, picky, people = hall
    sup = people["supervisor"]["sup"]
    desk.down()
    issued = issue(server, people, 5)

    def failing() -> bool:
        return next(h for h in server.request("GET", "webhooks", token=sup).json() if h["name"] == "desk")["failures"] > 0

    deadline = time.monotonic() + WAIT_S
    while not failing():  # the server has tried and failed: the receiver really was down
        assert time.monotonic() < deadline
        time.sleep(0.1)
    desk.up()
    want = [t["number"] for t in issued]
    desk.wait_for(lambda r: r.numbers("ticket.issued")[-5:] == want, "the backlog arrives in order")
    seqs = [b["seq"] for b in desk.accepted()]
    assert seqs == sorted(seqs)


def test_undelivered_events_are_sent_after_a_server_restart(hall):
    server, desk, picky, people = hall
    desk.down()
    issued = issue(server, people, 4)
    server.restart()
    desk.up()
    want = [t["number"] for t in issued]
    desk.wait_for(lambda r: r.numbers("ticket.issued")[-4:] == want, "the events from before the restart arrive")
    assert len(desk.numbers("ticket.issued")) == 3 + 5 + 4  # nothing lost, none twice (by id)


def test_a_refused_event_is_set_aside_and_sent_again_on_request(hall):
    server, desk, picky, people = hall
    sup, boss = people["supervisor"]["sup"], people["admin"]["boss"]
    issue(server, people, 2)
    picky.refuse = lambda body: body.get("case_code") == "BAD-1"  # the receiver will not take this one
    refused = serve_one(server, people, case_code="BAD-1")
    after = serve_one(server, people, case_code="GOOD-2")
    picky.wait_for(lambda r: "GOOD-2" in [b.get("case_code") for b in r.accepted()], "the next finish goes on")
    assert sum(1 for b in picky.got if b.get("case_code") == "BAD-1") == 2  # dead_after: 2 tries
    letters = server.request("GET", "webhooks/dead-letters", token=sup).json()
    assert [(d["receiver"], d["event"], d["number"], d["attempts"], d["last_status"]) for d in letters] == [
        ("127.0.0.1", "ticket.finished", refused["number"], 2, 422)]
    assert server.request("POST", f"webhooks/dead-letters/{letters[0]['id']}/resend", token=sup).status_code == 403
    picky.refuse = lambda body: False  # the receiver was fixed
    resp = server.request("POST", f"webhooks/dead-letters/{letters[0]['id']}/resend", token=boss)
    assert resp.status_code == 202, resp.text
    picky.wait_for(lambda r: "BAD-1" in [b.get("case_code") for b in r.accepted()], "the dead letter is sent again")
    deadline = time.monotonic() + WAIT_S
    while server.request("GET", "webhooks/dead-letters", token=sup).json():
        assert time.monotonic() < deadline, "a dead letter delivered stays listed"
        time.sleep(0.1)
    assert picky.numbers("ticket.finished")[-2:] == [after["number"], refused["number"]]


def test_the_cli_sends_a_signed_sample_and_says_the_answer(hall):
    server, desk, picky, people = hall
    out = server.cli("webhooks", "test", "desk")
    assert out.returncode == 0 and out.stdout.startswith("desk: 200 OK: ok ("), out.stdout
    samples = [b for b in desk.accepted() if b.get("test")]
    assert [(b["event"], b["seq"]) for b in samples] == [("ticket.issued", 0)]  # its signature was checked on arrival
    # (a receiver that does not answer, and an unknown name: tests/test_webhook_receiver_doc.py, in process)
