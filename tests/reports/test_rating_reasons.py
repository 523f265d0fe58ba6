"""Reports show why citizens were not satisfied and what they wrote (GET /reports/ratings).

The known day of tests/reports/day.py: DD rated 4, 4, 3, 1 (the first with a comment), HT's h0
rated 2. With low_score 2, two low ratings; the 1 gets its reason afterwards (an amend).
"""
from __future__ import annotations

from datetime import timedelta

from server.queueing.models import Rating, Ticket
from server.reports.ratings import rating_report

from .day import COMMENT, DAY, play


def test_reasons_are_counted_and_comments_listed_newest_first(db, engine, config):
    numbers = play(db, engine)

    def amend(s):  # the citizen who gave dd3 a 1 picked a reason 20 s later
        ticket = s.query(Ticket).filter_by(number=numbers["dd3"], business_day=DAY).one()
        at = s.get(Rating, ticket.id).at
        engine.amend_rating(s, ticket, actor="device:rating", now=at + timedelta(seconds=20), reason="attitude",
                            comment="Cán bộ =HYPERLINK(\"x\") không trả lời")

    db.write(amend)
    report = db.read(lambda s: rating_report(s, config, DAY, DAY))
    assert (report["ratings"], report["low_ratings"], report["low_score"]) == (5, 2, 2)
    counts = {r["code"]: r["count"] for r in report["reasons"]}
    assert counts == {"long_wait": 0, "attitude": 1, "unclear": 0, "documents": 0, "other": 0}
    assert report["without_reason"] == 1  # h0's 2: no reason given, still counted
    assert report["reasons"][1]["name"] == {"vi": "Thái độ phục vụ", "en": "Staff attitude"}
    items = report["comments"]["items"]
    assert report["comments"]["total"] == 2
    assert [(c["number"], c["score"], c["reason"]) for c in items] == [
        (numbers["dd3"], 1, "attitude"), (numbers["dd0"], 4, None)]
    assert items[1]["comment"] == COMMENT and items[1]["service"] == "DD" and items[1]["counter"] == 1
    assert items[1]["staff"] == "lan" and items[1]["at"].startswith("2026-11-26T")
    page = db.read(lambda s: rating_report(s, config, DAY, DAY, limit=1, offset=1))
    assert [c["number"] for c in page["comments"]["items"]] == [numbers["dd0"]]
    assert db.read(lambda s: rating_report(s, config, DAY + timedelta(days=1), DAY + timedelta(days=1)))["ratings"] == 0


def test_the_ratings_report_is_for_supervisors_and_pages(in_process):
    hall = in_process()
    staff = hall.person("lan", "staff", full_name="Trần Thị Lan")
    kiosk, tablet = hall.device("k1", "kiosk"), hall.device("r3", "rating")
    for i in range(3):
        hall.ok("POST", "tickets", 201, token=kiosk, json={"service": "HT"})
        for step in ("call-next", "start", "finish"):
            hall.ok("POST", f"counters/3/{step}", token=staff)
        hall.ok("POST", "counters/3/rating", 201, token=tablet, json={"score": 1 + i})
        hall.ok("PATCH", "counters/3/rating", token=tablet, json={"comment": f"góp ý {i}", "reason": "unclear"})
        hall.later(seconds=120)
    assert hall.error("GET", "reports/ratings", token=staff)[:2] == (403, "forbidden")
    assert hall.error("GET", "reports/ratings?from=2026-13-01", token=hall.person("sup", "supervisor"))[:2] == (
        422, "invalid_value")
    report = hall.ok("GET", "reports/ratings?limit=2", token=hall.person("sup", "supervisor"))
    assert [c["comment"] for c in report["comments"]["items"]] == ["góp ý 2", "góp ý 1"]
    assert report["comments"]["items"][0]["staff_name"] == "Trần Thị Lan"
    assert {r["code"]: r["count"] for r in report["reasons"]}["unclear"] == 2  # the 3 is not a low score
    older = hall.ok("GET", "reports/ratings?limit=2&offset=2", token=hall.person("sup", "supervisor"))
    assert [c["comment"] for c in older["comments"]["items"]] == ["góp ý 0"] and older["comments"]["total"] == 3
