"""The supervisor's pages in Chromium against a real `hallq serve`: the live dashboard and reports."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server.queueing.models import Ticket
from server.storage import Database
from tests.browser.conftest import CLOSED, browser_hall
from tests.support.auth import PASSWORD
from tests.support.hall import closed_hours


ZONES = ["Asia/Ho_Chi_Minh", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles",
         "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Dubai"]


def daytime_zone() -> str:
    """A time zone where it is working hours now: today has slots left to book whenever the test runs."""
    now = datetime.now(timezone.utc)
    return next(z for z in ZONES if 7 <= now.astimezone(ZoneInfo(z)).hour < 19)


@pytest.fixture(scope="module")
def office(start_hall):
    """A hall of this module's own, with a supervisor; Hộ tịch (HT) takes bookings all day."""
    config = browser_hall()
    zone = daytime_zone()
    config["center"]["timezone"] = zone
    config["center"]["day_starts_at"] = "03:00"  # a business day that is the calendar's, hours from either end
    config["holidays"] = []
    for svc in config["services"]:
        if svc["code"] == "HT":
            svc["booking"] = {"slot_minutes": 30, "per_slot": 5, "hours": ["00:00-24:00"], "days_ahead": 1,
                              "cutoff_minutes": 0}
        elif svc["code"] == CLOSED:
            svc["hours"] = closed_hours(zone)
    hall = start_hall(config)
    hall.boss = hall.auth.supervisor("boss")
    hall.zone = zone
    return hall


def log_in(page, url: str, username: str = "boss") -> None:
    page.goto(url)
    expect(page.locator("#admin-login")).to_be_visible()
    page.fill("#admin-username", username)
    page.fill("#admin-password", PASSWORD)
    page.click("#admin-login-submit")


def cell(page, service: str, field: str):
    return page.locator(f'#dash-services tr[data-service="{service}"] td[data-field="{field}"]')


def test_the_dashboard_follows_the_hall_without_reloading(new_page, office):
    page = new_page(1440, 1000)
    # No periodic refresh in this test: every update below must come from a live /hall event.
    page.add_init_script("window.setInterval = () => 0;")
    log_in(page, f"{office.url}/admin")
    expect(page.locator("#admin-main")).to_be_visible()
    expect(page.locator("#admin-user")).to_contain_text("boss")
    expect(page.locator("#admin-live")).to_have_attribute("data-online", "true")
    expect(cell(page, "TP", "waiting")).to_have_text("0")
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads

    first = office.issue("TP")
    second = office.issue("TP")
    expect(cell(page, "TP", "waiting")).to_have_text("2")
    expect(cell(page, "TP", "longest")).to_contain_text(first["number"])
    expect(page.locator("#kpi-tickets .a-kpi__value")).to_have_text("2")

    resp = office.counter(7, "call-next")  # counter 7 takes Justice (TP) first
    assert resp.status_code == 200, resp.text
    card = page.locator('.a-counter[data-counter="7"]')
    expect(card.locator('[data-field="current"]')).to_have_text(first["number"])
    expect(card.locator('[data-field="status"]')).to_have_text("Đã gọi")
    expect(card).to_contain_text("Cán bộ: lan")
    expect(cell(page, "TP", "waiting")).to_have_text("1")
    expect(cell(page, "TP", "longest")).to_contain_text(second["number"])

    office.counter(7, "start")
    expect(card.locator('[data-field="status"]')).to_have_text("Đang phục vụ")
    office.counter(7, "finish")
    expect(card.locator('[data-field="status"]')).to_have_text("Đang rảnh")
    expect(cell(page, "TP", "served")).to_have_text("1")
    office.counter(7, "pause", json={"reason": "meeting"})
    expect(card.locator('[data-field="paused"]')).to_contain_text("Họp")

    assert page.evaluate("window.__sameDocument") is True
    assert page.js_errors == []


def test_a_wait_past_its_target_raises_an_alert(new_page, office):
    """Someone waiting longer than Labour's target (30 min): an alert, and the row marked."""
    day = office.server.get("dashboard", token=office.boss).json()["day"]
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=45)
    db = Database(f"sqlite:///{office.server.sqlite_path}", synchronous="normal")
    # Written into the hall's own database, as if issued 45 minutes ago.
    db.write(lambda s: s.add(Ticket(
        token=secrets.token_urlsafe(16), number="6999", ordinal=999, service_issued="LD", service="LD",
        business_day=date.fromisoformat(day), status="waiting", priority=False, lang="vi",
        issued_at=long_ago, queued_at=long_ago, call_count=0, issued_by="test")))
    db.inline_engine.dispose()
    office.issue("LD")  # an event, so the open page refreshes now
    page = new_page(1440, 1000)
    log_in(page, f"{office.url}/admin")
    alert = page.locator('.a-alert[data-kind="wait_over_target"][data-service="LD"]')
    expect(alert).to_contain_text("Lao động")
    expect(alert).to_contain_text("45 phút")
    expect(page.locator('#dash-services tr[data-service="LD"]')).to_have_attribute("data-level", "over")
    expect(page.locator("#dash-services tr[data-service=\"LD\"] td[data-field=\"longest\"]")).to_contain_text("6999")


def test_staff_cannot_open_the_dashboard(new_page, office):
    page = new_page(1280, 900)
    log_in(page, f"{office.url}/admin", username="lan")
    expect(page.locator("#admin-login-why")).to_contain_text("Trang này dành cho giám sát viên (supervisor)")
    expect(page.locator("#admin-main")).to_be_hidden()


def test_reports_draw_charts_for_a_range(new_page, office):
    office.issue("DD")
    page = new_page(1440, 1200)
    log_in(page, f"{office.url}/admin/reports")
    expect(page.locator('#rep-services tbody tr[data-key="DD"]')).to_be_visible()
    expect(page.locator("#rep-from")).to_have_value(re.compile(r"^\d\d/\d\d/\d{4}$"))
    for chart in ("days", "hours", "services", "distribution", "within", "satisfaction"):
        drawn = page.evaluate(f"!!window.Chart.getChart(document.getElementById('chart-{chart}'))")
        assert drawn, chart
    tickets = page.locator("#kpi-tickets .a-kpi__value")
    expect(tickets).not_to_have_text("0")
    day = page.evaluate("document.body.dataset.loaded").split("..")[0]
    expect(page.locator("#rep-csv")).to_have_attribute("href", f"/api/v1/reports/tickets.csv?from={day}&to={day}")

    # The calendar starts its weeks on Monday; a preset sets both dates (dd/mm/yyyy).
    page.click('[data-calendar="rep-from"]')
    expect(page.locator(".a-cal__dow").first).to_have_text("T2")
    page.keyboard.press("Escape")
    page.click('[data-preset="this_week"]')
    today = date.fromisoformat(day)
    monday = today - timedelta(days=today.weekday())
    expect(page.locator("body")).to_have_attribute("data-loaded", f"{monday}..{day}")
    expect(page.locator("#rep-body")).not_to_have_class(re.compile(r"\ba-loading\b"))  # on a Monday the line above holds at once
    expect(page.locator("#rep-from")).to_have_value(monday.strftime("%d/%m/%Y"))
    assert page.url.endswith(f"#from={monday}&to={day}")

    # A wrong date is refused in words, without a request.
    page.fill("#rep-from", "31/02/2026")
    page.click("#rep-show")
    expect(page.locator("#rep-error")).to_contain_text("dd/mm/yyyy")

    # English on the same page.
    page.click("#admin-lang")
    expect(page.locator(".a-title")).to_have_text("Reports")
    assert page.js_errors == []


def test_reports_count_appointments_against_walk_ins(new_page, office, shots):
    """A booking kept and one still to come, through the real API: the report's appointments section."""
    day = datetime.now(ZoneInfo(office.zone)).date().isoformat()
    slot = office.server.get(f"appointments/slots?service=HT&date={day}").json()[0]["start"]
    made = [office.server.post("appointments", {"service": "HT", "date": day, "start": slot}) for _ in range(2)]
    assert [r.status_code for r in made] == [201, 201], made[-1].text
    resp = office.server.post("tickets", {"appointment": made[0].json()["code"]}, token=office.kiosk)
    assert resp.status_code == 201 and resp.json()["ticket"]["appointment"] is True, resp.text
    figures = office.server.get(f"stats?from={day}&to={day}", token=office.boss).json()["appointments"]
    assert (figures["booked"], figures["checked_in"], figures["on_time"], figures["tickets_appointment"]) == (2, 1, 1, 1)

    page = new_page(1280, 1000)
    log_in(page, f"{office.url}/admin/reports#from={day}&to={day}")  # (the 401 before logging in is logged)
    expect(page.locator("#admin-main")).to_be_visible()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    section = page.locator("#rep-appts")
    expect(section.locator(".a-section__title")).to_have_text("Lịch hẹn")
    expect(page.locator("#appt-booked .a-kpi__value")).to_have_text("2")
    expect(page.locator("#appt-booked .a-kpi__sub")).to_have_text("đã hủy: 0")
    expect(page.locator("#appt-checked-in .a-kpi__value")).to_have_text("1")
    expect(page.locator("#appt-checked-in .a-kpi__sub")).to_have_text("đúng giờ 1 · muộn 0")
    expect(page.locator("#appt-no-show .a-kpi__value")).to_have_text("0")
    expect(page.locator("#appt-on-time .a-kpi__value")).to_have_text(re.compile(r"^100,0\s?%$"))
    expect(page.locator("#appt-tickets .a-kpi__value")).to_have_text("1")
    walk_in = f"không hẹn trước: {figures['tickets_walk_in']}"
    expect(page.locator("#appt-tickets .a-kpi__sub")).to_contain_text(walk_in)
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "admin-reports-appointments-1280.png"))
    page.click("#admin-lang")
    expect(section.locator(".a-section__title")).to_have_text("Appointments")
    expect(page.locator("#appt-checked-in .a-kpi__sub")).to_have_text("on time 1 · late 0")
    page.screenshot(path=str(shots / "admin-reports-appointments-1280-en.png"))
    assert page.js_errors == [] and problems == []
