"""A ticket sent where nobody can call it: accepted, but said on the ticket and on the dashboard.

The API keeps accepting the transfer (the console asks first); the ticket's JSON says which
counter it waits for and whether any counter may call it now, so the phone never shows
"Không phải chờ"; past the service's target wait the supervisors' dashboard raises an alert.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.app import InProcessHall
from tests.support.hall import hall_config

TARGET_S = 600


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[InProcessHall]:
    def edit(data):
        for svc in data["services"]:
            svc["target_wait_s"] = TARGET_S

    with InProcessHall(tmp_path_factory.mktemp("transfer"), hall_config(edit=edit)) as hall:
        yield hall


def at_counter(hall: InProcessHall, counter: int, service: str, staff: str) -> dict:
    token = hall.person(staff, "staff")
    ticket = hall.ok("POST", "tickets", 201, token=hall.device("k1", "kiosk"), json={"service": service})["ticket"]
    hall.ok("POST", f"counters/{counter}/take", token=token)
    assert hall.ok("POST", f"counters/{counter}/call-next", token=token)["ticket"]["number"] == ticket["number"]
    return ticket


def alerts(hall: InProcessHall, kind: str) -> list[dict]:
    body = hall.ok("GET", "dashboard", token=hall.person("sup", "supervisor"))
    return [a for a in body["alerts"] if a["kind"] == kind]


def test_sent_to_a_closed_counter_the_ticket_says_so_and_the_dashboard_alerts(hall):
    ticket = at_counter(hall, 3, "HT", "lan")
    lan = hall.person("lan", "staff")
    moved = hall.ok("POST", "counters/3/transfer", token=lan, json={"counter": 5})["ticket"]  # counter 5 is closed
    assert moved["status"] == "waiting" and moved["target_counter"] == 5
    seen = hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]
    assert (seen["target_counter"], seen["target_counter_status"], seen["counters_open"]) == (5, "closed", 0)
    assert alerts(hall, "sent_to_closed_counter") == []  # not yet past the target wait

    hall.later(seconds=TARGET_S + 60)
    [alert] = alerts(hall, "sent_to_closed_counter")
    assert (alert["number"], alert["service"], alert["counter"], alert["counter_status"]) == (ticket["number"], "HT", 5, "closed")
    assert alert["waited_s"] > TARGET_S and alert["target_wait_s"] == TARGET_S and alert["level"] == "danger"

    binh = hall.person("binh", "staff")
    hall.ok("POST", "counters/5/take", token=binh)
    hall.ok("POST", "counters/5/pause", token=binh, json={"reason": "meeting"})
    seen = hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]
    assert (seen["target_counter_status"], seen["counters_open"]) == ("paused", 0)
    assert [a["counter_status"] for a in alerts(hall, "sent_to_closed_counter")] == ["paused"]
    hall.ok("POST", "counters/5/resume", token=binh)
    seen = hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]
    assert (seen["target_counter_status"], seen["counters_open"]) == ("open", 1)
    assert alerts(hall, "sent_to_closed_counter") == []
    assert hall.ok("POST", "counters/5/call-next", token=binh)["ticket"]["number"] == ticket["number"]
    hall.ok("POST", "counters/5/finish", token=binh)
    for n, who in ((5, binh), (3, lan)):
        hall.ok("POST", f"counters/{n}/leave", token=who)


def test_a_service_with_no_open_counter_says_none_is_open(hall):
    # DKKD is served by counters 5 and 9, both closed now.
    ticket = at_counter(hall, 4, "HT", "chi")
    chi = hall.person("chi", "staff")
    hall.ok("POST", "counters/4/transfer", token=chi, json={"service": "DKKD"})
    seen = hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]
    assert (seen["service"], seen["target_counter"], seen["counters_open"]) == ("DKKD", None, 0)
    hall.later(seconds=TARGET_S + 60)
    [alert] = [a for a in alerts(hall, "wait_over_target") if a["service"] == "DKKD"]
    assert (alert["waiting"], alert["no_counter_open"]) == (1, True) and alert["longest_wait_s"] > TARGET_S
    hall.ok("POST", "counters/9/take", token=chi)
    assert hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]["counters_open"] == 1
    [alert] = [a for a in alerts(hall, "wait_over_target") if a["service"] == "DKKD"]
    assert alert["no_counter_open"] is False  # a counter is open: it is a wait, no longer a closed hall
