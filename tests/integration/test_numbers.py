"""Numbers never collide: services without `numbers` get their own block, and
calling a number that two waiting tickets share (after a set-up change) is a clear 409, never a 500."""
from __future__ import annotations

from tests.support.hall import hall_config

COUNTER = {"number": 11, "name": {"vi": "Quầy 11", "en": "Counter 11"}, "services": ["NA", "NB"]}


def numberless(code: str, name: str) -> dict:
    return {"code": code, "name": {"vi": name, "en": name}, "hours": ["00:00-24:00"]}


def test_services_without_numbers_never_hand_out_the_same_one(in_process):
    server = in_process(hall_config(services=[numberless("NA", "Lĩnh vực A"), numberless("NB", "Lĩnh vực B")],
                                    counters=[COUNTER]))
    made = server.auth.make(staff=["lan"], kiosk=["k1"])
    kiosk, lan = made["kiosk"]["k1"], made["staff"]["lan"]
    a = server.post("tickets", {"service": "NA"}, token=kiosk).json()["ticket"]
    b = server.post("tickets", {"service": "NB"}, token=kiosk).json()["ticket"]
    dd = server.post("tickets", {"service": "DD"}, token=kiosk).json()["ticket"]
    assert len({a["number"], b["number"], dd["number"]}) == 3, (a, b, dd)
    assert (a["number"], b["number"]) == ("7001", "8001")  # the free thousands after the demo's 1001…6999
    resp = server.post("counters/11/call", {"number": b["number"]}, token=lan)
    assert resp.status_code == 200, resp.text
    assert resp.json()["ticket"]["service"] == "NB"


def test_a_number_two_waiting_tickets_share_is_a_409_not_a_500(in_process, tmp_path):
    """Before a set-up change NA printed 1001; after it NB does. Both wait today."""
    def services(na: str, nb: str) -> list[dict]:
        return [{**numberless("NA", "Lĩnh vực A"), "numbers": na}, {**numberless("NB", "Lĩnh vực B"), "numbers": nb}]

    def shift_demo(data):  # the demo's DD leaves 1001-1999 free for the two test services
        data["services"][0]["numbers"] = "D###"

    server = in_process(hall_config(services=services("1001-1999", "7001-7999"), counters=[COUNTER],
                                    edit=shift_demo), folder=tmp_path)
    made = server.auth.make(staff=["lan"], kiosk=["k1"])
    kiosk, lan = made["kiosk"]["k1"], made["staff"]["lan"]
    first = server.post("tickets", {"service": "NA"}, token=kiosk).json()["ticket"]
    admin = server.admin()  # the blocks change hands, live: NA moves to 8001-8999, then NB takes 1001-1999
    for code, numbers in (("NA", "8001-8999"), ("NB", "1001-1999")):
        resp = server.request("PATCH", f"services/{code}", json={"numbers": numbers}, token=admin)
        assert resp.status_code == 200, resp.text
    second = server.post("tickets", {"service": "NB"}, token=kiosk).json()["ticket"]
    assert first["number"] == second["number"] == "1001"

    resp = server.post("counters/11/call", {"number": "1001"}, token=lan)
    assert resp.status_code == 409, resp.text
    error = resp.json()["error"]
    assert error["code"] == "ambiguous_number" and "NA" in error["message"] and "NB" in error["message"]
    assert server.get("counters/11/queue", token=lan).status_code == 200
    assert all(c["current"] is None for c in server.get("counters").json() if c["number"] == 11)  # nothing changed

    resp = server.post("counters/11/call", {"number": "1001", "service": "NB"}, token=lan)
    assert resp.status_code == 200, resp.text
    assert resp.json()["ticket"]["token"] == second["token"]
    server.post("counters/11/finish", token=lan)
    # Only one 1001 is callable now: calling it by number alone is no longer ambiguous.
    resp = server.post("counters/11/call", {"number": "1001"}, token=lan)
    assert resp.status_code == 200 and resp.json()["ticket"]["token"] == first["token"]
