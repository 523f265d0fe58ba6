"""Wait estimates: none before a counter serving the service is open, never 0 while someone is ahead.

Every surface reads the same numbers (HallView: `GET /services`, the snapshot, tickets,
`queue_changed` and `counter_changed`), so the rules are checked here once, then through
the HTTP API of an app in this process.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from server.queueing import estimate
from server.queueing.engine import stamp
from server.state import HallView
from tests.conftest import demo_config_data


def issue(db, engine, now, service="HT", **kw):
    return db.write(lambda s: engine.issue(s, service=service, actor="device:k1", now=now, **kw).ticket)


def counter(db, engine, op, n, now, **kw):
    return db.write(lambda s: getattr(engine, op)(s, n, actor="user:lan", now=now, **kw))


def services(db, config, now) -> dict[str, dict]:
    return {s["code"]: s for s in db.read(lambda s: HallView(s, config, now).services())}


@pytest.mark.parametrize("ahead,avg,counters,expected", [
    (0, 300, 1, 0),          # nobody ahead, a counter open: no wait
    (1, 300, 1, 300),
    (1, 10, 1, 60),          # never under a minute while someone is ahead
    (2, 20, 4, 60),          # "2 người" is never "Không phải chờ"
    (18, 0, 2, 60),          # even when today's service times are all instants
    (3, 100, 2, 180),        # 150 s rounded up to a whole minute
    (5, 300, 0, None),       # no counter open: no estimate at all
    (0, 300, 0, None),
])
def test_wait_rules(ahead, avg, counters, expected):
    assert estimate.wait_s(ahead, avg, counters) == expected


def test_no_estimate_until_a_counter_serving_the_service_opens(db, engine, config, noon):
    for _ in range(2):
        issue(db, engine, noon, service="HT")  # counters 3 (HT, TP), 4 (HT) and 7 (TP, HT) serve HT
    before = services(db, config, noon)
    assert before["HT"]["waiting"] == 2 and before["HT"]["estimated_wait_s"] is None
    assert before["DD"]["estimated_wait_s"] is None  # nobody waits, but nobody serves either

    counter(db, engine, "take", 4, noon)
    after = services(db, config, noon)
    assert after["HT"]["estimated_wait_s"] == 2 * 300  # HT's default service time, one counter
    assert after["DD"]["estimated_wait_s"] is None     # counter 4 does not serve DD

    counter(db, engine, "take", 3, noon)
    assert services(db, config, noon)["HT"]["estimated_wait_s"] == 300  # shared by two counters

    counter(db, engine, "pause", 3, noon, reason="break")
    counter(db, engine, "pause", 4, noon, reason="break")
    assert services(db, config, noon)["HT"]["estimated_wait_s"] is None  # paused counters take nobody


def test_a_ticket_with_people_ahead_never_reads_no_wait(db, engine, config, noon):
    counter(db, engine, "take", 4, noon)
    # Service times of 12 s today: the old estimate for two people was 24 s, shown as "no wait".
    for i in range(3):
        issue(db, engine, noon + timedelta(minutes=i))
        counter(db, engine, "call_next", 4, noon + timedelta(minutes=i, seconds=1))
        counter(db, engine, "start", 4, noon + timedelta(minutes=i, seconds=2))
        counter(db, engine, "finish", 4, noon + timedelta(minutes=i, seconds=14))
    first = issue(db, engine, noon + timedelta(minutes=5))
    issue(db, engine, noon + timedelta(minutes=5))
    third = issue(db, engine, noon + timedelta(minutes=5))

    def ticket(t):
        return db.read(lambda s: HallView(s, config, noon + timedelta(minutes=6)).ticket(s.merge(t), with_token=False))

    assert (ticket(first)["waiting_ahead"], ticket(first)["estimated_wait_s"]) == (0, 0)
    assert (ticket(third)["waiting_ahead"], ticket(third)["estimated_wait_s"]) == (2, 60)
    counter(db, engine, "leave", 4, noon + timedelta(minutes=7))
    assert ticket(third)["estimated_wait_s"] is None


def test_a_counter_that_opens_sends_its_services_new_estimates(db, engine, config, noon):
    issue(db, engine, noon, service="LD")
    def take(s):
        out = engine.take(s, 8, actor="user:lan", now=noon)
        return HallView(s, config, noon).events(out, stamp(s, out))

    out_and_events = db.write(take)
    (_, name, payload), = out_and_events
    assert name == "counter_changed"
    assert payload["queues"] == [{"service": "LD", "waiting": 1, "estimated_wait_s": 420}]


@pytest.fixture
def app(tmp_path):
    from server.app import create_app

    (tmp_path / "config.yaml").write_text(yaml.safe_dump(demo_config_data(async_mode="threading")), encoding="utf-8")
    return create_app(tmp_path / "config.yaml", {"ASYNC_MODE": "threading"})


def test_the_api_says_null_before_any_counter_opens(app):
    h = app.extensions["hallq"]
    now = h.clock()
    ticket = h.db.write(lambda s: h.engine.issue(s, service="DD", actor="device:k1", now=now).ticket)
    h.db.write(lambda s: h.engine.issue(s, service="DD", actor="device:k1", now=now))
    client = app.test_client()

    dd = next(s for s in client.get("/api/v1/services").get_json() if s["code"] == "DD")
    assert (dd["waiting"], dd["estimated_wait_s"]) == (2, None)
    mine = client.get(f"/api/v1/tickets/{ticket.token}").get_json()["ticket"]
    assert (mine["waiting_ahead"], mine["estimated_wait_s"]) == (0, None)
    state = client.get("/api/v1/state").get_json()
    assert next(s for s in state["services"] if s["code"] == "DD")["estimated_wait_s"] is None

    h.db.write(lambda s: h.engine.take(s, 1, actor="user:lan", now=h.clock()))
    dd = next(s for s in client.get("/api/v1/services").get_json() if s["code"] == "DD")
    assert dd["estimated_wait_s"] == 2 * 600  # DD's default service time, counter 1 alone
    mine = client.get(f"/api/v1/tickets/{ticket.token}").get_json()["ticket"]
    assert mine["estimated_wait_s"] == 0       # first in line, a counter open: no wait


def test_kiosk_settings_carry_the_configured_priority_categories(tmp_path):
    from server.app import create_app

    data = demo_config_data(async_mode="threading")
    data["priority_categories"] = [{"code": "veteran", "name": {"vi": "Người có công", "en": "Veterans"}},
                                   {"code": "child_under_6", "name": {"vi": "Trẻ em dưới 6 tuổi", "en": "Children under 6"}}]
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    client = create_app(tmp_path / "config.yaml", {"ASYNC_MODE": "threading"}).test_client()
    body = client.get("/api/v1/kiosk-settings").get_json()
    assert body["priority_categories"] == data["priority_categories"]
    assert body["center"]["name"]["vi"] == "Trung tâm Phục vụ Hành chính công tỉnh Quảng Ninh"
