"""The summary workbook's appointments sheet, in process: bookings made and used through the API."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import load_workbook

from tests.support.hall import hall_config

DAY = "2026-11-26"  # a Thursday
SEVEN = datetime(2026, 11, 26, 0, 0, tzinfo=timezone.utc)  # 07:00 in Hanoi


def booking_hall(in_process):
    def edit(data):
        data["center"]["day_starts_at"] = "03:00"  # tickets and bookings on the same day
        data["holidays"] = []
        data["appointments"] = {"per_minute_per_address": 100000}
        for svc in data["services"]:
            if svc["code"] == "HT":
                svc["booking"] = {"slot_minutes": 30, "per_slot": 2, "hours": ["08:00-11:00"], "days_ahead": 7,
                                  "cutoff_minutes": 30}

    hall = in_process(hall_config(edit=edit), start=False)
    hall.now = SEVEN
    return hall.start()


def test_the_summary_workbook_counts_appointments_against_walk_ins(in_process):
    hall = booking_hall(in_process)
    book = lambda start: hall.ok("POST", "appointments", 201, json={"service": "HT", "date": DAY, "start": start})
    early, late, dropped, _waiting = book("09:00"), book("09:30"), book("10:00"), book("10:30")
    hall.ok("POST", f"appointments/{dropped['token']}/cancel")
    kiosk = hall.device("k1")
    hall.later(hours=1, minutes=50)  # 08:50: ten minutes early for 09:00
    hall.ok("POST", "tickets", 201, token=kiosk, json={"appointment": early["code"]})
    hall.ok("POST", "tickets", 201, token=kiosk, json={"service": "DD"})  # two walk-ins
    hall.ok("POST", "tickets", 201, token=kiosk, json={"service": "TP"})
    hall.later(hours=1)  # 09:50: twenty minutes after 09:30 began, past the 15-minute grace
    hall.ok("POST", "tickets", 201, token=kiosk, json={"appointment": late["code"]})
    boss = hall.person("boss", "supervisor")

    figures = hall.ok("GET", f"stats?from={DAY}&to={DAY}", token=boss)["appointments"]
    assert (figures["booked"], figures["cancelled"], figures["checked_in"], figures["on_time"], figures["late"]) == (
        4, 1, 2, 1, 1)
    for lang, sheet in (("vi", "Lịch hẹn"), ("en", "Appointments")):
        resp = hall.call("GET", f"reports/summary.xlsx?from={DAY}&to={DAY}&lang={lang}", token=boss)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        wb = load_workbook(io.BytesIO(resp.get_data()))
        assert wb.sheetnames[-1] == sheet
        rows = dict(wb[sheet].iter_rows(min_row=4, values_only=True))
        if lang == "vi":
            assert rows == {
                "Lượt đặt lịch": 4, "Đã hủy": 1, "Đã đến (đã lấy số)": 2, "Đến đúng giờ": 1, "Đến muộn": 1,
                "Đã phục vụ": 0, "Không đến": 0, "Tỷ lệ không đến (%)": 0, "Tỷ lệ đến đúng giờ (%)": 50,
                "Đến sớm TB (phút)": 10, "Phiếu theo lịch hẹn": 1, "Phiếu không hẹn trước": 3,
                "Phiếu theo lịch hẹn (%)": 25}
        else:
            assert (rows["Bookings"], rows["No-show rate (%)"], rows["Walk-in tickets"]) == (4, 0, 3)
