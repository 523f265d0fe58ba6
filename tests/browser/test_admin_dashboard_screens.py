"""The README's screenshots of the supervisor's pages: docs/screenshots/admin-dashboard.png and
admin-report.png. Run on purpose, not in CI (it writes into docs/):

    HALLQ_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser/test_admin_dashboard_screens.py

Eight weeks of synthetic history go into the hall's database before it starts (the start-up
close summarizes them, as after an upgrade), then today happens through the real API.
"""
from __future__ import annotations

import os
import secrets
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from server.config import parse_config
from server.queueing.clock import business_day
from server.queueing.models import Ticket
from server.storage import Database
from tests.reports.history import build
from tests.support.auth import HallAuth, PASSWORD
from tests.support.hall import hall_config, write_config
from tests.support.server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(os.environ.get("HALLQ_SCREENSHOTS") != "1",
                                reason="writes docs/screenshots; set HALLQ_SCREENSHOTS=1")


@pytest.fixture(scope="module")
def busy_hall(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin-shots")
    path = write_config(folder, hall_config())
    config = parse_config(yaml.safe_load(path.read_text(encoding="utf-8")))
    db = Database(f"sqlite:///{folder / 'hallq.db'}", synchronous="normal")
    db.migrate()
    db.ensure_counters([c.number for c in config.counters])
    now = datetime.now(timezone.utc)
    today = business_day(now, config.center.tz, config.center.day_start)
    # Today so far: finished tickets over the last five hours; what is open now happens live.
    build(db, config, 56, 900, today, now, summarize_days=False, today_opening=now - timedelta(hours=5),
          today_finished_only=True)
    db.inline_engine.dispose()
    server = LiveServer(path, async_mode="eventlet", name="admin-shots").start(timeout=180)
    yield server, today
    server.stop()


def today_in_the_hall(server: LiveServer, today: date) -> str:
    """Tickets, calls, ratings, a pause, a broken printer and one long wait; returns the supervisor's token."""
    auth = HallAuth(server)
    made = auth.make(staff=["lan", "mai", "hoa", "tuan", "minh"], supervisor=["boss"])
    kiosk = auth.device("k1", "kiosk", printer="dummy://")
    broken = auth.device("k2", "kiosk", printer="tcp://127.0.0.1:9")
    staff = made["staff"]
    codes = ["DD", "HT", "TK", "TK", "LD", "DKKD", "TP", "XD", "HT", "TK"] * 6
    tickets = [server.post("tickets", {"service": c}, token=kiosk).json()["ticket"] for c in codes]
    server.post("tickets", {"service": "TK"}, token=broken)
    plan = [(1, "lan"), (3, "mai"), (9, "hoa"), (10, "tuan"), (8, "minh")]
    for rounds in range(4):
        for n, who in plan:
            out = server.post(f"counters/{n}/call-next", token=staff[who])
            if out.status_code != 200:
                continue
            server.post(f"counters/{n}/start", token=staff[who])
            if rounds < 3:
                done = server.post(f"counters/{n}/finish", token=staff[who]).json()["ticket"]
                token = next(t["token"] for t in tickets if t["number"] == done["number"] and t["service"] == done["service"])
                server.post(f"tickets/{token}/rating", {"score": 4 if rounds else 3})
    server.post("counters/1/finish", token=staff["lan"])
    server.post("counters/1/call-next", token=staff["lan"])
    server.post("counters/10/finish", token=staff["tuan"])
    server.post("counters/5/call-next", token=staff["mai"])
    server.post("counters/5/pause", {"reason": "meeting"}, token=staff["mai"])
    # Someone has waited 40 minutes for Land: past its 30-minute target.
    db = Database(f"sqlite:///{server.sqlite_path}", synchronous="normal")
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=40)
    db.write(lambda s: s.add(Ticket(
        token=secrets.token_urlsafe(16), number="1999", ordinal=999, service_issued="DD", service="DD",
        business_day=today, status="waiting", priority=True, priority_category="elderly", lang="vi",
        issued_at=long_ago, queued_at=long_ago, call_count=0, issued_by="device:k1")))
    db.inline_engine.dispose()
    server.post("tickets", {"service": "DD"}, token=kiosk)
    return made["supervisor"]["boss"]


def log_in(page, url: str) -> None:
    page.goto(url)
    page.fill("#admin-username", "boss")
    page.fill("#admin-password", PASSWORD)
    page.click("#admin-login-submit")


def test_screenshots(new_page, busy_hall):
    server, today = busy_hall
    boss = today_in_the_hall(server, today)
    SHOTS.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + 90  # the broken printer's first attempt must have failed
    while not any(p["last_error"] for p in server.get("printers", token=boss).json()):
        assert time.monotonic() < deadline, server.get("printers", token=boss).text
        time.sleep(0.5)

    page = new_page(1440, 1000)
    log_in(page, f"{server.url}/admin")
    expect(page.locator('.a-alert[data-kind="wait_over_target"]')).to_be_visible()
    expect(page.locator('.a-alert[data-kind="printer_offline"]')).to_be_visible(timeout=30000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "admin-dashboard.png"), full_page=True)

    start, end = today - timedelta(days=28), today - timedelta(days=1)  # four whole weeks, Monday first
    start -= timedelta(days=start.weekday())
    page = new_page(1440, 1000)
    log_in(page, f"{server.url}/admin/reports#from={start}&to={end}")
    expect(page.locator("body")).to_have_attribute("data-loaded", f"{start}..{end}")
    page.wait_for_timeout(500)
    height = page.evaluate("document.querySelector('#chart-within').closest('section').getBoundingClientRect().top")
    page.set_viewport_size({"width": 1440, "height": int(height) - 12})
    page.screenshot(path=str(SHOTS / "admin-report.png"))
    assert page.js_errors == []
