"""The hall's set-up over the API: services and counters added and changed live, refused cleanly, kept."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from server.config import parse_config
from tests.support.app import Listener
from tests.support.hall import hall_config

LAND = {"code": "DD2", "name": {"vi": "Đất đai – cấp đổi", "en": "Land – reissue"}, "numbers": "7001-7999",
        "hours": {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}, "daily_cap": 120,
        "group": {"vi": "Đất đai", "en": "Land"}, "note": {"vi": "Mang theo sổ đỏ bản chính", "en": "Bring the red book"}}


def send(hall, method, path, body, token):
    return hall.request(method, path, json=body, token=token)


def test_a_new_service_and_counter_are_live_at_once_and_a_ticket_is_called_from_them(in_process):
    hall = in_process()
    admin = hall.admin()
    board = Listener(hall.socketio(token=hall.device("tv", "display")))
    kiosk = hall.device("k1", "kiosk")
    kiosk_live = Listener(hall.socketio(token=kiosk))

    made = send(hall, "POST", "services", LAND, admin)
    assert made.status_code == 201, made.text
    assert made.json()["hours"] == LAND["hours"] and made.json()["open"] is True and made.json()["closed_reason"] is None
    counter = send(hall, "POST", "counters", {"number": 21, "services": ["DD2", "DD"]}, admin)
    assert counter.status_code == 201, counter.text
    assert counter.json()["name"] == {"vi": "Quầy 21", "en": "Counter 21"}

    listed = {s["code"]: s for s in hall.get("services").json()}
    assert listed["DD2"]["name"]["vi"] == "Đất đai – cấp đổi" and listed["DD2"]["counters"] == [21]
    for client in (board, kiosk_live):  # both redraw from the event's snapshot, in seq order
        got = client.wait_event("setup_changed", lambda p: any(c["number"] == 21 for c in p["counters"]))
        assert any(s["code"] == "DD2" for s in got["services"]) and client.gaps == []

    ticket = hall.request("POST", "tickets", json={"service": "DD2"}, token=kiosk)
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["ticket"]["number"] == "7001"
    staff = hall.person("lan", "staff")
    called = hall.request("POST", "counters/21/call-next", token=staff)
    assert called.status_code == 200 and called.json()["ticket"]["number"] == "7001"

    audit = hall.get("audit", token=admin).json()
    added = next(a for a in audit if a["action"] == "service_added")
    assert added["actor"] == "user:root" and added["detail"]["before"] is None
    assert added["detail"]["after"]["numbers"] == "7001-7999"


def test_duplicates_overlaps_and_bad_fields_are_refused_and_change_nothing(in_process):
    hall = in_process()
    admin = hall.admin()
    version = hall.get("setup", token=admin).json()["version"]

    dup = send(hall, "POST", "services", {**LAND, "code": "DD"}, admin)
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "service_code_in_use"
    overlap = send(hall, "POST", "services", {**LAND, "numbers": "1500-1799"}, admin)
    assert overlap.status_code == 409 and overlap.json()["error"]["code"] == "numbers_overlap"
    message = overlap.json()["error"]["message"]
    assert "DD" in message and "DD2" in message and "1500" in message  # names both services
    for body, field in [({**LAND, "hours": ["7:3-11"]}, "hours"), ({**LAND, "hours": {"mon": ["17:00-08:00"]}}, "hours"),
                        ({**LAND, "code": "dd"}, "code"), ({**LAND, "daily_cap": 5000}, "daily_cap"),
                        ({**LAND, "last_ticket_at": "25:00"}, "last_ticket_at"), ({"code": "X1"}, "name")]:
        resp = send(hall, "POST", "services", body, admin)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.json()["error"]["field"].startswith(field), (body, resp.json())
    assert send(hall, "POST", "counters", {"number": 1, "services": ["DD"]}, admin).json()["error"]["code"] == \
        "counter_number_in_use"
    unknown = send(hall, "POST", "counters", {"number": 30, "services": ["NOPE"]}, admin)
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_service"
    assert send(hall, "PATCH", "services/NOPE", {"open": False}, admin).status_code == 404
    assert send(hall, "PATCH", "counters/99", {"services": ["DD"]}, admin).status_code == 404

    for token in (hall.person("an", "supervisor"), hall.device("k1", "kiosk")):
        assert send(hall, "POST", "services", LAND, token).status_code == 403
        assert send(hall, "PATCH", "counters/1", {"services": ["HT"]}, token).status_code == 403
    assert send(hall, "POST", "services", LAND, None).status_code == 401
    assert hall.get("setup", token=admin).json()["version"] == version
    assert "DD2" not in {s["code"] for s in hall.get("services").json()}


def test_closing_a_service_or_taking_its_last_counter_asks_first_and_says_how_many(in_process):
    hall = in_process()
    admin, kiosk = hall.admin(), hall.device("k1", "kiosk")
    for _ in range(3):
        assert hall.request("POST", "tickets", json={"service": "DKKD"}, token=kiosk).status_code == 201
    # DKKD is served by counters 5 and 9: taking it from 5 strands nobody; from 9 too, all three.
    assert send(hall, "PATCH", "counters/5", {"services": ["DD"]}, admin).status_code == 200
    strand = send(hall, "PATCH", "counters/9", {"services": ["TK", "LD"]}, admin)
    assert strand.status_code == 409 and strand.json()["error"]["code"] == "would_strand"
    assert strand.json()["error"]["params"]["waiting"] == 3 and "3" in strand.json()["error"]["message"]
    assert "DKKD" in hall.get("counters").json()[8]["services"]  # unchanged

    close = send(hall, "PATCH", "services/DKKD", {"open": False, "closed_reason": {"vi": "Mất mạng", "en": "Network down"}}, admin)
    assert close.status_code == 409 and close.json()["error"]["params"]["waiting"] == 3
    assert next(s for s in hall.get("services").json() if s["code"] == "DKKD")["open"] is True
    done = send(hall, "PATCH", "services/DKKD", {"open": False, "closed_reason": {"vi": "Mất mạng", "en": "Network down"},
                                                 "confirm": True}, admin)
    assert done.status_code == 200, done.text
    shown = next(s for s in hall.get("services").json() if s["code"] == "DKKD")
    assert (shown["open"], shown["closed"], shown["closed_reason"]["vi"]) == (False, "closed", "Mất mạng")
    refused = hall.request("POST", "tickets", json={"service": "DKKD"}, token=kiosk)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "service_closed"


def test_the_set_up_survives_a_restart_and_config_yaml_no_longer_overrides_it(in_process, tmp_path):
    hall = in_process(folder=tmp_path)
    admin = hall.admin()
    assert send(hall, "POST", "services", LAND, admin).status_code == 201
    assert send(hall, "PATCH", "counters/2", {"services": ["DD2"], "display_name": {"vi": "Cấp đổi sổ", "en": ""}},
                admin).status_code == 200
    holidays = {"holidays": [{"date": "2026-09-02", "name": {"vi": "Quốc khánh", "en": "National Day"}}]}
    assert send(hall, "PUT", "holidays", holidays, admin).status_code == 200
    hall.stop()

    again = in_process(folder=tmp_path)  # the same config.yaml, which knows nothing of DD2
    setup = again.get("setup", token=again.login("root")).json()
    assert "DD2" in [s["code"] for s in setup["services"]]
    assert next(c for c in setup["counters"] if c["number"] == 2)["services"] == ["DD2"]
    assert setup["holidays"] == [{"date": "2026-09-02", "name": {"vi": "Quốc khánh", "en": "National Day"}}]


def test_a_service_opens_by_weekday_and_closes_on_holidays_closed_days_and_after_its_last_ticket():
    data = hall_config()
    svc = {"code": "HT9", "name": {"vi": "Hộ tịch"}, "numbers": "8001-8999", "last_ticket_at": "16:30",
           "hours": {"mon": ["07:30-11:30", "13:30-17:00"], "sat": ["07:30-11:30"]}, "closed_days": ["2026-12-14"]}
    data["services"] = [*data["services"], svc]
    data["holidays"] = [{"date": "2026-12-21", "name": {"vi": "Nghỉ bù", "en": "Day off"}}]
    service = parse_config(data).service("HT9")
    at = lambda day, hhmm: datetime.fromisoformat(f"2026-12-{day}T{hhmm}").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert service.closed_at(at("07", "08:00")) is None  # a Monday morning
    assert service.closed_at(at("07", "12:00")) == "out_of_hours"  # lunch
    assert service.closed_at(at("07", "16:45")) == "last_ticket"  # open till 17:00, the last ticket at 16:30
    assert service.closed_at(at("08", "08:00")) == "out_of_hours"  # Tuesday: not in its weekdays
    assert service.closed_at(at("12", "08:00")) is None  # Saturday morning
    assert service.closed_at(at("14", "08:00")) == "closed_day"  # a Monday it is closed
    assert service.closed_at(at("21", "08:00")) == "holiday"  # a Monday the hall is closed
    assert service.closed_text(at("21", "08:00")).vi == "Nghỉ bù"
    assert service.hours_on(at("12", "08:00").date()) == ["07:30-11:30"] and service.hours_on(at("13", "08:00").date()) == []


def test_priority_categories_are_set_live_and_checked(in_process):
    hall = in_process()
    admin, kiosk = hall.admin(), hall.device("k1", "kiosk")
    cats = {"categories": [{"code": "elderly", "name": {"vi": "Người cao tuổi", "en": "Elderly"}},
                           {"code": "veteran", "name": {"vi": "Người có công", "en": "Veteran"}}]}
    resp = send(hall, "PUT", "priority-categories", cats, admin)
    assert resp.status_code == 200, resp.text
    assert [c["code"] for c in hall.get("kiosk-settings", token=kiosk).json()["priority_categories"]] == ["elderly", "veteran"]
    ticket = hall.request("POST", "tickets", json={"service": "DD", "priority": "veteran"}, token=kiosk)
    assert ticket.status_code == 201, ticket.text
    for body, field in [({"categories": [cats["categories"][0], cats["categories"][0]]}, "categories.1.code"),
                        ({"categories": [{"code": "Bad Code", "name": {"vi": "x"}}]}, "categories.0.code")]:
        bad = send(hall, "PUT", "priority-categories", body, admin)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field, bad.text
    assert send(hall, "PUT", "priority-categories", cats, hall.person("an", "supervisor")).status_code == 403
    assert hall.get("setup", token=admin).json()["priority_categories"] == cats["categories"]
