"""Booking on a phone (/book) and checking in at the kiosk, in Chromium against a real server."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.auth import PASSWORD
from tests.support.hall import hall_config

ZONES = ["Asia/Ho_Chi_Minh", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles",
         "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Dubai"]


def daytime_zone() -> str:
    """A time zone where it is working hours now, so that today has slots left whenever the test runs."""
    now = datetime.now(timezone.utc)
    return next(z for z in ZONES if 7 <= now.astimezone(ZoneInfo(z)).hour < 19)


@pytest.fixture(scope="module")
def booking(start_hall):
    def edit(data):
        data["center"]["timezone"] = daytime_zone()
        data["holidays"] = []
        for svc in data["services"]:
            if svc["code"] == "HT":
                svc["booking"] = {"slot_minutes": 30, "per_slot": 2, "hours": ["00:00-24:00"], "days_ahead": 3,
                                  "cutoff_minutes": 0}

    return start_hall(hall_config(edit=edit))


def test_a_citizen_books_on_a_phone_then_checks_in_at_the_kiosk(booking, new_page, shots):
    phone = new_page(390, 844, is_mobile=True, has_touch=True)
    problems: list[str] = []
    phone.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    phone.goto(f"{booking.url}/book")
    expect(phone.locator("#view-services")).to_contain_text("Chọn lĩnh vực cần giải quyết")
    phone.screenshot(path=str(shots / "book-services-phone.png"))
    phone.get_by_role("button", name="Hộ tịch").click()
    expect(phone.locator("#days .b-pick").first).to_contain_text("Hôm nay")
    phone.locator("#days .b-pick").first.click()
    slot = phone.locator("#slots .b-pick:not([disabled])").first
    expect(slot).to_contain_text("Còn 2 chỗ")
    phone.screenshot(path=str(shots / "book-slots-phone.png"))
    start = slot.locator(":scope").inner_text().split("\n")[0]
    slot.click()
    phone.fill("#name", "Nguyễn Thị Hoa")
    phone.fill("#phone", "0912 345 678")
    phone.screenshot(path=str(shots / "book-form-phone.png"))
    phone.click("#submit")
    expect(phone.locator("#code")).to_have_text(re.compile(r"^[A-HJ-NP-Z2-9]{6}$"))
    expect(phone.locator("#qr svg")).to_be_visible()
    expect(phone.locator("#b-when")).to_contain_text(start)
    assert re.search(r"/book/[\w-]+$", phone.url)
    code = phone.locator("#code").inner_text()
    phone.screenshot(path=str(shots / "book-done-phone.png"), full_page=True)
    phone.click("#lang")  # English second
    expect(phone.locator("#b-status")).to_have_text("Booked")
    phone.screenshot(path=str(shots / "book-done-phone-en.png"))
    phone.click("#lang")

    kiosk = new_page(1080, 1920)
    kiosk.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    kiosk.goto(f"{booking.url}/kiosk#token={booking.kiosk}")
    expect(kiosk.locator("#checkin-open")).to_be_visible()
    kiosk.screenshot(path=str(shots / "kiosk-home-checkin.png"))
    kiosk.keyboard.type("ABCDEF")  # a scanner on the home screen: a code nobody booked
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#checkin-message")).to_contain_text("Không tìm thấy mã lịch hẹn")
    kiosk.get_by_role("button", name="Xoá hết").click()
    for ch in code:
        kiosk.locator(f'.k-key[data-key="{ch}"]').click()
    expect(kiosk.locator("#checkin-code")).to_have_text(code)
    expect(kiosk.locator("#checkin-send")).to_be_enabled()
    kiosk.screenshot(path=str(shots / "kiosk-checkin.png"))
    kiosk.set_viewport_size({"width": 1920, "height": 1080})  # a kiosk on its side
    expect(kiosk.locator("#checkin-send")).to_be_in_viewport()
    kiosk.screenshot(path=str(shots / "kiosk-checkin-landscape.png"))
    kiosk.set_viewport_size({"width": 1080, "height": 1920})
    kiosk.click("#checkin-send")
    expect(kiosk.locator("#screen-ticket")).to_be_visible()
    expect(kiosk.locator("#t-appointment")).to_contain_text(f"Lịch hẹn {start}")
    kiosk.screenshot(path=str(shots / "kiosk-checkin-ticket.png"))
    kiosk.click("#t-done")
    kiosk.keyboard.type(code.lower())  # scanned again: used
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#checkin-message")).to_contain_text("đã được sử dụng")

    phone.reload()
    expect(phone.locator("#b-status")).to_have_text("Đã lấy số tại ki-ốt")
    expect(phone.locator("#cancel")).to_be_hidden()
    # Staff see the day's bookings, with the name and status, in /admin.
    admin = new_page(1366, 900)
    admin.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    admin.goto(f"{booking.url}/admin/appointments")
    admin.locator("#admin-username").fill("lan")
    admin.locator("#admin-password").fill(PASSWORD)
    admin.locator("#admin-password").press("Enter")
    row = admin.locator("#appt-rows tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(code)
    expect(row).to_contain_text("Nguyễn Thị Hoa")
    expect(row).to_contain_text("Đã lấy số")
    admin.screenshot(path=str(shots / "admin-appointments.png"))
    # The console marks the appointment's ticket in its queue (not yet its time: the slot is ahead).
    console = new_page(1280, 800)
    console.goto(f"{booking.url}/counter")
    console.locator("#username").fill("lan")
    console.locator("#password").fill(PASSWORD)
    console.locator("#password").press("Enter")
    console.locator("#pick-number").fill("4")
    console.locator("#pick-number").press("Enter")
    tag = console.locator(".c-row .c-tag--appointment")
    expect(tag).to_have_text("Lịch hẹn · chưa đến giờ")
    console.screenshot(path=str(shots / "counter-appointment.png"))
    # The refusals asked for above (404 unknown, 409 used) are the only failed loads.
    problems = [p for p in problems if not re.search(r"status of (404|409)", p)
                and "status of 401" not in p]  # and the admin page's /me before logging in
    errors = phone.js_errors + kiosk.js_errors + admin.js_errors + console.js_errors
    assert errors == [] and problems == [], (errors, problems)


def test_booking_settings_are_edited_with_the_service_on_admin_hall(booking, new_page, shots):
    admin = booking.auth.admin("root")
    page = new_page(1280, 800)
    page.goto(f"{booking.url}/admin/hall")
    page.locator("#admin-username").fill("root")
    page.locator("#admin-password").fill(PASSWORD)
    page.locator("#admin-password").press("Enter")
    page.locator('#services tr[data-service="HT"] [data-edit]').click()
    expect(page.locator("#svc-booking")).to_be_checked()
    expect(page.locator("#svc-slot")).to_have_value("30")
    page.locator("#svc-per-slot").fill("3")
    page.locator("#svc-booking-hours").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "admin-hall-booking.png"))
    page.locator("#service-save").click()
    expect(page.locator("#dlg-service")).to_be_hidden()
    ht = next(s for s in booking.server.get("setup", token=admin).json()["services"] if s["code"] == "HT")
    assert ht["booking"] == {"slot_minutes": 30, "per_slot": 3, "hours": ["00:00-24:00"], "days_ahead": 3,
                             "cutoff_minutes": 0}
    page.locator('#services tr[data-service="TP"] [data-edit]').click()
    expect(page.locator("#svc-booking")).not_to_be_checked()
    expect(page.locator("#svc-booking-fields")).to_be_hidden()
    page.locator("#svc-booking").check()
    page.locator("#svc-booking-hours").fill("8:00-11:00, 25:00-26:00")
    page.locator("#service-save").click()
    expect(page.locator("#svc-booking-hours")).to_have_attribute("aria-invalid", "true")
    page.locator("#svc-booking-hours").fill("08:00-11:00")
    page.locator("#service-save").click()
    expect(page.locator("#dlg-service")).to_be_hidden()
    tp = next(s for s in booking.server.get("setup", token=admin).json()["services"] if s["code"] == "TP")
    assert tp["booking"]["hours"] == ["08:00-11:00"] and tp["booking"]["slot_minutes"] == 15
    assert page.js_errors == []
