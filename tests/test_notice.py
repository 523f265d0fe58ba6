"""The boards' scrolling notice: set live by a supervisor, refused to others, audited, kept over a restart."""
from __future__ import annotations

from tests.support.app import Listener

LONG_VI = "Thông báo: hệ thống dịch vụ công trực tuyến tạm dừng từ 12:00 đến 13:30 để bảo trì. "
SEEDED = "Trung tâm làm việc từ thứ Hai đến thứ Sáu"  # tests/support/hall.py's hall_config notice


def put(hall, body, token):
    return hall.request("PUT", "notice", json=body, token=token)


def test_a_supervisor_sets_the_notice_and_every_board_gets_it_live_in_order(in_process):
    hall = in_process()
    assert SEEDED in hall.get("state").json()["notice"]["vi"]  # seeded from config.yaml
    board = Listener(hall.socketio(token=hall.device("tv", "display")))
    staff = Listener(hall.socketio(token=hall.person("lan", "staff")))
    sup = hall.person("an", "supervisor")

    resp = put(hall, {"text": {"vi": "  Nghỉ trưa 11:30–13:30  ", "en": "Lunch break 11:30–13:30"}}, sup)
    assert resp.status_code == 200, resp.text
    assert resp.json()["notice"] == {"vi": "Nghỉ trưa 11:30–13:30", "en": "Lunch break 11:30–13:30"}
    cleared = put(hall, {"text": None}, hall.person("root", "admin"))  # null clears; admins may too
    assert cleared.status_code == 200 and cleared.json()["notice"] is None

    for client in (board, staff):
        got = client.wait_event("notice_changed", lambda p: p["notice"] is None)
        first = next(e.payload for e in client.events if e.name == "notice_changed")
        assert first["notice"]["en"] == "Lunch break 11:30–13:30" and first["seq"] == resp.json()["seq"]
        assert got["seq"] == cleared.json()["seq"] == first["seq"] + 1
        assert client.gaps == []
    assert hall.get("state").json()["notice"] is None
    assert hall.get("display-settings").json()["notice"] is None

    audit = hall.get("audit", token=hall.admin()).json()
    entry = next(a for a in audit if a["action"] == "notice_changed" and a["actor"] == "user:an")
    assert SEEDED in entry["detail"]["before"]["vi"] and entry["detail"]["after"]["vi"] == "Nghỉ trưa 11:30–13:30"


def test_staff_and_devices_are_refused_and_bad_text_changes_nothing(in_process):
    hall = in_process()
    sup = hall.person("an", "supervisor")
    good = {"text": {"vi": "Thông báo", "en": "Notice"}}
    for token in (hall.person("lan", "staff"), hall.device("k1", "kiosk"), hall.device("tv", "display")):
        resp = put(hall, good, token)
        assert resp.status_code == 403 and resp.json()["error"]["params"]["role"] == "supervisor"
    assert put(hall, good, None).status_code == 401

    bad = [({"text": {"vi": "x" * 501}}, "text.vi", "invalid_notice"),
           ({"text": {"vi": "Dòng 1\nDòng 2"}}, "text.vi", "invalid_notice"),
           ({"text": {"vi": "Được", "en": "bell\x07"}}, "text.en", "invalid_notice"),
           ({"text": {"vi": 5}}, "text.vi", "invalid_notice"),
           ({"text": {"vi": "", "en": "English only"}}, "text.vi", "missing_field"),
           ({"text": "Thông báo"}, "text", "invalid_value")]
    for body, field, code in bad:
        resp = put(hall, body, sup)
        assert resp.status_code == 422, (body, resp.text)
        assert (resp.json()["error"]["code"], resp.json()["error"]["field"]) == (code, field), body
    assert put(hall, {"text": {"vi": "x" * 500}}, sup).status_code == 200  # the limit itself is fine
    put(hall, good, sup)
    resp = put(hall, {"text": {"vi": "x" * 501}}, sup)
    assert resp.status_code == 422 and hall.get("state").json()["notice"] == {"vi": "Thông báo", "en": "Notice"}
    assert [a for a in hall.get("audit", token=hall.admin()).json() if a["action"] == "notice_changed"][0][
        "detail"]["after"] == {"vi": "Thông báo", "en": "Notice"}  # the refused one wrote no row


def test_the_notice_survives_a_restart_and_config_no_longer_overrides_it(in_process, tmp_path):
    hall = in_process(folder=tmp_path)
    sup = hall.person("an", "supervisor")
    assert put(hall, {"text": {"vi": LONG_VI, "en": ""}}, sup).status_code == 200
    hall.stop()

    again = in_process(folder=tmp_path)  # same config (its own notice) and the same database file
    assert again.get("state").json()["notice"] == {"vi": LONG_VI.strip(), "en": ""}
    assert again.get("display-settings").json()["notice"]["vi"] == LONG_VI.strip()
    assert put(again, {}, again.login("an")).json()["notice"] is None  # an empty body clears it
    again.stop()
    assert in_process(folder=tmp_path).get("state").json()["notice"] is None  # cleared stays cleared
