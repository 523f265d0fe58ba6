"""Appointments through the API, in process: slots, booking, cancelling, check-in, refusals, the staff's list."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from printer_drivers.ticket import TicketView, ticket_lines
from sqlalchemy import select

from server import appointments
from server.closing import run_close
from server.config import parse_config
from server.paper import ticket_view
from server.queueing.estimate import Place
from server.queueing.models import Ticket
from server.setup import document
from tests.support.hall import hall_config

BOOKING = {"slot_minutes": 30, "per_slot": 2, "hours": ["08:00-11:00"], "days_ahead": 7, "cutoff_minutes": 30}
DAY = "2026-11-26"  # a Thursday
SEVEN = datetime(2026, 11, 26, 0, 0, tzinfo=timezone.utc)  # 07:00 in Hanoi


def booking_hall(in_process, **appts):
    def edit(data):
        for svc in data["services"]:
            if svc["code"] == "HT":
                svc["booking"] = BOOKING
        data["holidays"] = [{"date": "2026-11-27", "name": {"vi": "Nghỉ bù"}}]
        data["appointments"] = {"per_minute_per_address": 100000, **appts}

    hall = in_process(hall_config(edit=edit), start=False)
    hall.now = SEVEN  # before the daily close's first pass
    return hall.start()


@pytest.fixture
def hall(in_process):
    return booking_hall(in_process)


def book(hall, start="09:00", day=DAY, **kw):
    return hall.call("POST", "appointments", json={"service": "HT", "date": day, "start": start, **kw})


def test_a_slot_takes_its_seats_then_is_full_and_a_cancel_frees_one(hall):
    slots = hall.ok("GET", f"appointments/slots?service=HT&date={DAY}")
    # 08:00 is within the 30-minute cut-off of 07:00? No: 08:00 > 07:30, so every slot of 08:00-11:00.
    assert [s["start"] for s in slots] == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30"]
    assert {s["free"] for s in slots} == {2}
    first = book(hall, name="Nguyễn Văn An", phone="0912 345 678")
    assert first.status_code == 201, first.get_data(as_text=True)
    made = first.get_json()
    assert (made["service"], made["date"], made["start"], made["end"]) == ("HT", DAY, "09:00", "09:30")
    assert len(made["code"]) == 6 and not set(made["code"]) & set("0O1I") and made["url"].endswith(made["token"])
    assert book(hall).status_code == 201
    full = hall.error("POST", "appointments", json={"service": "HT", "date": DAY, "start": "09:00"})
    assert full[:2] == (409, "slot_full")
    assert next(s for s in hall.ok("GET", f"appointments/slots?service=HT&date={DAY}") if s["start"] == "09:00")["free"] == 0
    mine = hall.ok("GET", f"appointments/{made['token']}")
    assert mine["code"] == made["code"] and "name" not in mine and "phone" not in mine
    assert hall.ok("POST", f"appointments/{made['token']}/cancel")["status"] == "cancelled"
    assert hall.error("POST", f"appointments/{made['token']}/cancel")[:2] == (409, "appointment_used")
    assert book(hall).status_code == 201  # the seat it freed


def test_what_takes_no_booking_is_refused_and_changes_nothing(in_process):
    hall = booking_hall(in_process, open_per_phone=1)
    assert hall.ok("GET", "appointments/slots?service=HT&date=2026-11-27") == []  # a holiday
    assert hall.ok("GET", "appointments/slots?service=DD&date=" + DAY) == []      # DD takes no bookings
    assert hall.ok("GET", "appointments/slots?service=HT&date=2026-12-20") == []  # past days_ahead
    assert hall.error("GET", "appointments/slots?service=NOPE&date=" + DAY)[:2] == (404, "unknown_service")
    assert hall.error("GET", "appointments/slots?service=HT&date=26/11/2026")[0] == 422
    hall.later(minutes=45)  # 07:45: 08:00 is within the cut-off now
    assert book(hall, "08:00").get_json()["error"]["code"] == "slot_unavailable"
    assert book(hall, "08:10").get_json()["error"]["code"] == "slot_unavailable"  # not a slot's start
    assert hall.call("POST", "appointments", json={"service": "DD", "date": DAY, "start": "09:00"}).status_code == 409
    assert book(hall, phone="12ab").status_code == 422
    assert book(hall, phone="0912345678").status_code == 201
    again = book(hall, "10:00", phone="0912.345.678")
    assert (again.status_code, again.get_json()["error"]["code"]) == (429, "too_many_bookings")
    assert hall.ok("GET", "appointments", token=hall.person("lan", "staff")) and len(
        hall.ok("GET", f"appointments?date={DAY}", token=hall.person("lan", "staff"))) == 1


def test_bookings_are_rate_limited_per_address(in_process):
    hall = booking_hall(in_process, per_minute_per_address=3)  # a burst of 1
    codes = [book(hall, start).status_code for start in ("09:00", "09:30", "10:00")]
    assert codes[0] == 201 and 429 in codes[1:]
    assert book(hall, "10:30").get_json()["error"]["code"] == "rate_limited"


def test_check_in_issues_an_appointment_ticket_once_and_says_why_it_refuses(hall):
    kiosk = hall.device("k1")
    today = book(hall, "09:00", name="Trần Thị Bình", phone="0987654321").get_json()
    tomorrow = book(hall, "09:00", day="2026-11-28").get_json()
    hall.later(hours=1, minutes=50)  # 08:50: early for 09:00
    typed = today["code"].lower()[:3] + "-" + today["code"][3:]
    resp = hall.call("POST", "tickets", token=kiosk, json={"appointment": typed, "idempotency_key": "tap-1"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    again = hall.call("POST", "tickets", token=kiosk, json={"appointment": typed, "idempotency_key": "tap-1"})
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"  # the kiosk's retry
    assert again.get_json()["ticket"]["number"] == body["ticket"]["number"]
    assert body["ticket"]["appointment"] is True and body["ticket"]["service"] == "HT"
    assert body["checked_in"] == {"code": today["code"], "start": "09:00", "end": "09:30", "late": False}
    assert hall.error("POST", "tickets", token=kiosk, json={"appointment": today["code"]})[:2] == (409, "appointment_used")
    assert hall.error("POST", "tickets", token=kiosk, json={"appointment": "ZZZZZZ"})[:2] == (404, "appointment_not_found")
    assert hall.error("POST", "tickets", token=kiosk, json={"appointment": tomorrow["code"]})[:2] == (
        409, "appointment_wrong_day")
    assert hall.error("POST", "tickets", token=kiosk, json={})[:2] == (422, "missing_field")
    staff = hall.person("lan", "staff")
    day = hall.ok("GET", f"appointments?date={DAY}", token=staff)
    assert [(a["code"], a["status"], a["name"], a["ticket"]) for a in day] == [
        (today["code"], "checked_in", "Trần Thị Bình", body["ticket"]["number"])]
    assert hall.error("GET", "appointments", token=kiosk)[0] == 403
    assert hall.error("GET", "appointments")[0] == 401
    assert "Bình" not in hall.call("GET", "state").get_data(as_text=True)  # never on public screens


def test_a_late_arrival_becomes_a_walk_in(hall):
    code = book(hall, "08:00").get_json()["code"]
    hall.later(hours=1, minutes=20)  # 08:20: past the 15-minute grace of 08:00
    body = hall.ok("POST", "tickets", 201, token=hall.device("k1"), json={"appointment": code})
    assert body["ticket"]["appointment"] is False and body["checked_in"]["late"] is True
    book(hall, "10:00")  # not come yet
    # (this test hall's business day starts at 11:00: the ticket is the 25th's)
    figures = hall.ok("GET", f"stats?from=2026-11-25&to={DAY}", token=hall.person("mai", "supervisor"))["appointments"]
    assert {k: figures[k] for k in ("booked", "checked_in", "late", "on_time", "no_show", "tickets_appointment",
                                    "tickets_walk_in", "on_time_rate")} == {
        "booked": 2, "checked_in": 1, "late": 1, "on_time": 0, "no_show": 0, "tickets_appointment": 0,
        "tickets_walk_in": 1, "on_time_rate": 0.0}


def test_the_daily_pass_marks_no_shows_and_erases_names_after_keep_days(hall):
    kept = book(hall, "08:30", name="Lê Văn C", phone="0911111111").get_json()
    config = hall.hall.config
    assert hall.hall.db.write(lambda s: appointments.close_days(s, config, date(2026, 11, 27), SEVEN)) == 0
    # keep_days (30) after the day, the daily close erases them
    assert run_close(hall.hall, now=datetime(2026, 12, 27, 1, 0, tzinfo=timezone.utc)).erased == 1
    row = hall.ok("GET", f"appointments?date={DAY}", token=hall.person("lan", "staff"))[0]
    assert (row["code"], row["status"], row["name"], row["phone"]) == (kept["code"], "no_show", None, None)


def test_booking_settings_live_in_the_set_up_and_its_export(hall):
    admin = hall.admin()
    svc = hall.ok("PATCH", "services/TP", token=admin, json={"booking": {"slot_minutes": 20, "per_slot": 3}})
    assert svc["booking"]["slot_minutes"] == 20 and svc["booking"]["days_ahead"] == 14
    assert hall.error("PATCH", "services/TP", token=admin, json={"booking": {"slot_minutes": 2}})[:2] == (
        422, "invalid_value")
    assert hall.ok("PATCH", "services/TP", token=admin, json={"booking": None}).get("booking") is None
    doc = document(parse_config(hall_config(edit=lambda d: d["services"][0].update(booking=BOOKING))))
    assert doc["services"][0]["booking"]["per_slot"] == 2  # what `hallq config export` writes


def test_an_appointment_ticket_prints_when_it_is_called_first(hall):
    code = book(hall, "09:00").get_json()["code"]
    hall.later(hours=1, minutes=40)  # 08:40: early
    number = hall.ok("POST", "tickets", 201, token=hall.device("k1"), json={"appointment": code})["ticket"]["number"]
    ticket = hall.hall.db.read(lambda s: s.execute(select(Ticket).where(Ticket.number == number)).scalar_one())
    view = ticket_view(hall.hall.config, ticket, Place(0, None), "http://hall")
    assert view["appointment"] == "09:00"
    texts = [line.text for line in ticket_lines(TicketView(**{**view, "issued_at": ticket.issued_at}))]
    assert "LỊCH HẸN · gọi ưu tiên từ 09:00" in texts
