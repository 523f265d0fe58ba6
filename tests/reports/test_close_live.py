"""The daily close inside a running hall: at the day start on the hall's clock, and on start-up."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.support.hall import hall_config

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_hall_closes_the_day_at_its_start(in_process):
    """In process, on the hall's clock: a second before the day start, then a second after it."""
    boundary = (datetime.now(TZ) + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)

    def edit(data):
        data["center"]["day_starts_at"] = boundary.strftime("%H:%M")

    hall = in_process(hall_config(edit=edit), start=False)
    hall.now = boundary.astimezone(timezone.utc) - timedelta(seconds=1)  # the loop then looks every second
    hall.start()
    made = hall.auth.make(staff=["lan"], supervisor=["boss"], kiosk=["k1"])
    kiosk, lan, boss = made["kiosk"]["k1"], made["staff"]["lan"], made["supervisor"]["boss"]
    held = hall.post("tickets", {"service": "TK"}, token=kiosk).json()["ticket"]
    waiting = hall.post("tickets", {"service": "TK"}, token=kiosk).json()["ticket"]
    assert hall.post("counters/9/call-next", token=lan).json()["ticket"]["number"] == held["number"]
    old_day = held["business_day"]
    board = hall.board()

    time.sleep(1.5)  # the loop has looked at least once: not yet
    assert all(hall.get(f"tickets/{t['token']}").json()["ticket"]["status"] != "cancelled" for t in (held, waiting))
    hall.later(seconds=2)
    changed = board.wait_event("counter_changed", lambda p: p["counter"] == 9 and p["state"]["current"] is None,
                               timeout=30)
    for ticket in (held, waiting):
        assert hall.get(f"tickets/{ticket['token']}").json()["ticket"]["status"] == "cancelled"
    queue = board.wait_event("queue_changed", lambda p: p["service"] == "TK" and p["waiting"] == 0)
    assert changed["seq"] != queue["seq"]
    assert board.gaps == []

    fresh = hall.post("tickets", {"service": "TK"}, token=kiosk).json()["ticket"]
    assert fresh["number"] == "A001" and fresh["business_day"] > old_day  # numbering restarted
    deadline = time.monotonic() + 30  # the close summarizes the day after it has published the expiries
    while (report := hall.get(f"stats?from={old_day}&to={old_day}", token=boss).json())["live_days"]:
        assert time.monotonic() < deadline, "the closed day was never summarized"
        time.sleep(0.1)
    assert report["total"]["tickets"] == 2 and report["total"]["expired"] == 2


@pytest.mark.slow  # a real `hallq serve`, stopped and started again
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
