"""The daily close inside a real `hallq serve`: the hall's day starts a minute from now."""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.fixtures import display  # noqa: F401
from tests.support.hall import hall_config

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def next_minute() -> datetime:
    """A whole minute in Hanoi at least 40 s away: time to start the hall and make its people."""
    now = datetime.now(TZ)
    return (now + timedelta(seconds=120 if now.second > 20 else 60)).replace(second=0, microsecond=0)


def test_the_server_closes_the_day_at_its_start(live_server, auth, display):  # noqa: F811
    boundary = next_minute()

    def edit(data):
        data["center"]["day_starts_at"] = boundary.strftime("%H:%M")

    server = live_server(hall_config(edit=edit), name="close-live")
    made = auth(server).make(staff=["lan"], supervisor=["boss"], kiosk=["k1"])
    kiosk, lan, boss = made["kiosk"]["k1"], made["staff"]["lan"], made["supervisor"]["boss"]
    held = server.post("tickets", {"service": "TK"}, token=kiosk).json()["ticket"]
    waiting = server.post("tickets", {"service": "TK"}, token=kiosk).json()["ticket"]
    assert server.post("counters/9/call-next", token=lan).json()["ticket"]["number"] == held["number"]
    old_day = held["business_day"]
    board = display(server)
    assert datetime.now(TZ) < boundary, "the set-up took past the day start; the test cannot tell"

    changed = board.wait_event("counter_changed", lambda p: p["counter"] == 9 and p["state"]["current"] is None,
                               timeout=(boundary - datetime.now(TZ)).total_seconds() + 30)
    assert datetime.now(TZ) >= boundary
    for ticket in (held, waiting):
        assert server.get(f"tickets/{ticket['token']}").json()["ticket"]["status"] == "cancelled"
    queue = board.wait_event("queue_changed", lambda p: p["service"] == "TK")
    assert queue["waiting"] == 0 and changed["seq"] != queue["seq"]
    assert board.gaps == []

    fresh = server.post("tickets", {"service": "TK"}, token=kiosk).json()["ticket"]
    assert fresh["number"] == "A001" and fresh["business_day"] > old_day  # numbering restarted
    report = server.get(f"stats?from={old_day}&to={old_day}", token=boss).json()
    assert report["live_days"] == [] and report["total"]["tickets"] == 2 and report["total"]["expired"] == 2


def test_the_close_at_start_up_prunes_old_failed_logins(live_server, auth):
    """Failed logins through the real API, made four years old; the close a restart runs deletes them
    (history_days: 1095) and keeps who added whom (summary_days: 3650)."""
    from sqlalchemy import create_engine, select, update

    from server.records import AuditEntry

    server = live_server(hall_config(server={"login_attempts_per_minute": 1000}), name="close-audit")
    admin = auth(server).admin("root")
    for i in range(5):
        assert server.post("login", {"username": f"guess{i}", "password": "wrong password"}).status_code == 401
    assert server.post("login", {"username": "root", "password": "not it either"}).status_code == 401
    deadline = time.monotonic() + 30  # failed logins are written behind the answer
    while sum(r["action"] == "login_failed" for r in server.get("audit", token=admin).json()) < 6:
        assert time.monotonic() < deadline, "the failed logins were not audited"
        time.sleep(0.1)
    server.stop()
    engine = create_engine(f"sqlite:///{server.sqlite_path}")
    four_years = datetime.now(TZ) - timedelta(days=4 * 365)
    with engine.begin() as conn:
        conn.execute(update(AuditEntry).values(at=four_years))
        actions = sorted(conn.execute(select(AuditEntry.action)).scalars())
    assert actions.count("login_failed") == 6 and "user_added" in actions
    server.start()  # the close runs on start-up, for the days missed

    token = auth(server).login("root")
    deadline = time.monotonic() + 30  # the start-up close is a background task: it may finish just after
    rows = server.get("audit", token=token).json()
    while any(r["action"] == "login_failed" for r in rows):
        assert time.monotonic() < deadline, "the close did not prune the old failed logins"
        time.sleep(0.1)
        rows = server.get("audit", token=token).json()
    assert any(r["action"] == "user_added" and r["target"] == "root" for r in rows)
    with engine.begin() as conn:
        assert "login_failed" not in set(conn.execute(select(AuditEntry.action)).scalars())
    engine.dispose()
