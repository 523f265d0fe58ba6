"""The rating API: the score is saved at once; a reason or comment amends it (PATCH) briefly.

v1's `POST /tickets/{token}/rating {score, comment?}` stays as the contract says.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.app import InProcessHall
from tests.support.hall import hall_config

GRACE = 60


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[InProcessHall]:
    config = hall_config()
    config["rating"] = {"unlock_seconds": 30, "grace_seconds": GRACE}
    with InProcessHall(tmp_path_factory.mktemp("ratings"), config) as hall:
        yield hall


def serve(hall: InProcessHall, counter: int = 3) -> dict:
    """A ticket issued, called, served and finished at `counter` now."""
    staff = hall.person("lan", "staff")
    ticket = hall.ok("POST", "tickets", 201, token=hall.device("k1", "kiosk"), json={"service": "HT"})["ticket"]
    for step in ("call-next", "start", "finish"):
        hall.ok("POST", f"counters/{counter}/{step}", token=staff)
    return ticket


def test_the_tablet_saves_the_score_then_adds_the_reason(hall):
    tablet = hall.device("r3", "rating")
    ticket = serve(hall)
    target = hall.ok("GET", "counters/3/rating", token=tablet)
    assert target["ticket"]["number"] == ticket["number"] and target["amend_seconds"] == GRACE
    saved = hall.ok("POST", "counters/3/rating", 201, token=tablet, json={"score": 1})
    assert saved["rating"] == {"number": ticket["number"], "score": 1, "reason": None}

    hall.later(seconds=20)  # choosing a reason, typing a comment
    amended = hall.ok("PATCH", "counters/3/rating", token=tablet,
                      json={"number": ticket["number"], "reason": "long_wait", "comment": "Chờ hơn một tiếng"})
    assert amended["rating"] == {"number": ticket["number"], "score": 1, "reason": "long_wait",
                                 "comment": "Chờ hơn một tiếng"}
    assert hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]["rated"] is True
    # Refused amends change nothing.
    assert hall.error("PATCH", "counters/3/rating", token=tablet, json={"reason": "nope"})[:2] == (422, "invalid_value")
    assert hall.error("PATCH", "counters/3/rating", token=tablet, json={})[:2] == (422, "missing_field")
    other = hall.device("r4", "rating")
    assert hall.error("PATCH", "counters/3/rating", token=other, json={"reason": "attitude"})[:2] == (409, "nothing_to_amend")
    hall.later(seconds=GRACE)
    status, code, message = hall.error("PATCH", "counters/3/rating", token=tablet, json={"reason": "attitude"})
    assert (status, code) == (409, "nothing_to_amend") and f"{GRACE} giây" in message
    supervisor = hall.person("sup", "supervisor")
    report = hall.ok("GET", "reports/ratings", token=supervisor)
    mine = [c for c in report["comments"]["items"] if c["number"] == ticket["number"]]
    assert [(c["score"], c["reason"], c["comment"]) for c in mine] == [(1, "long_wait", "Chờ hơn một tiếng")]


def test_a_low_score_without_a_reason_is_kept_and_counted_once(hall):
    tablet = hall.device("r3", "rating")
    supervisor = hall.person("sup", "supervisor")
    before = hall.ok("GET", "stats", token=supervisor)["total"]["rating"]["count"]
    ticket = serve(hall)
    hall.ok("POST", "counters/3/rating", 201, token=tablet, json={"score": 2})
    hall.later(seconds=GRACE + 30)  # the citizen walked away: no reason ever comes
    stats = hall.ok("GET", "stats", token=supervisor)["total"]["rating"]
    assert stats["count"] == before + 1
    assert hall.error("POST", "counters/3/rating", token=tablet, json={"score": 1})[:2] == (409, "nothing_to_rate")
    assert hall.ok("GET", f"tickets/{ticket['token']}")["ticket"]["rated"] is True


def test_the_phone_adds_a_comment_and_v1_stays_as_it_was(hall):
    ticket = serve(hall, counter=4)
    path = f"tickets/{ticket['token']}/rating"
    assert hall.ok("POST", path, 201, json={"score": 2}) == {"rating": {"score": 2, "comment": None}}
    hall.later(seconds=30)
    assert hall.error("PATCH", path, token=hall.person("lan", "staff"), json={"comment": "x"})[:2] == (403, "forbidden")
    amended = hall.ok("PATCH", path, json={"comment": "Phải đi photo thêm giấy tờ"})
    assert amended["rating"]["comment"] == "Phải đi photo thêm giấy tờ" and amended["rating"]["score"] == 2
    assert hall.error("POST", path, json={"score": 4})[:2] == (409, "already_rated")  # still once a ticket
    hall.later(seconds=GRACE)
    assert hall.error("PATCH", path, json={"comment": "later"})[:2] == (409, "nothing_to_amend")
