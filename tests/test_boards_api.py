"""Each hall board's settings (what it shows, its layout, its turn, its media) set by admins, live, kept."""
from __future__ import annotations

import json
import sqlite3

from tests.support.app import Listener
from tests.support.hall import hall_config

SIDE = {"services": ["DD", "HT"], "counters": [1, 2], "layout": "portrait", "rotate": 90, "media": False}


def test_a_boards_settings_reach_it_live_and_are_audited_then_removed(in_process):
    hall = in_process()
    admin, tv = hall.admin(), hall.device("tv-1", "display")
    live = Listener(hall.socketio(token=tv))

    put = hall.request("PUT", "boards/tv-1", json=SIDE, token=admin)
    assert put.status_code == 200, put.text
    assert put.json() == {"name": "tv-1", "paired": True, **SIDE}
    live.wait_event("setup_changed", lambda p: p["version"] >= 2)
    mine = hall.get("display-settings", token=tv).json()
    assert {key: mine[key] for key in SIDE} == SIDE
    assert hall.get("setup", token=admin).json()["boards"]["tv-1"] == SIDE
    anyone = hall.get("display-settings").json()  # the public board is untouched
    assert (anyone["services"], anyone["layout"], anyone["rotate"], anyone["media"]) == (None, "auto", 0, True)

    later = hall.request("PUT", "boards/tầng 2/trái", json={"layout": "landscape"}, token=admin)
    assert later.status_code == 200 and later.json()["paired"] is False  # prepared before pairing
    assert later.json()["services"] is None and later.json()["rotate"] == 0

    gone = hall.request("DELETE", "boards/tv-1", token=admin)
    assert gone.status_code == 200 and gone.json()["layout"] == "auto"
    mine = hall.get("display-settings", token=tv).json()
    assert (mine["services"], mine["counters"], mine["layout"], mine["media"]) == (None, None, "auto", True)
    assert hall.request("DELETE", "boards/tv-1", token=admin).status_code == 404
    actions = [(a["action"], a["target"]) for a in hall.get("audit", token=admin).json()]
    assert ("board_changed", "tv-1") in actions and ("board_removed", "tv-1") in actions
    changed = next(a for a in hall.get("audit", token=admin).json() if a["action"] == "board_removed")
    assert changed["detail"]["before"] == SIDE and changed["detail"]["after"] is None


def test_bad_board_settings_and_other_roles_are_refused_and_change_nothing(in_process):
    hall = in_process()
    admin = hall.admin()
    before = hall.get("setup", token=admin).json()
    for body, code, field in [({"services": ["NOPE"]}, "unknown_service", "services"),
                              ({"counters": [99]}, "unknown_counter", "counters"),
                              ({"layout": "sideways"}, "invalid_value", "layout"),
                              ({"rotate": 180}, "invalid_value", "rotate"),
                              ({"rotate": "90"}, "invalid_value", "rotate"),
                              ({"media": "no"}, "invalid_value", "media")]:
        resp = hall.request("PUT", "boards/tv-1", json=body, token=admin)
        assert resp.status_code == 422, (body, resp.text)
        assert (resp.json()["error"]["code"], resp.json()["error"]["field"]) == (code, field), body
    for token in (hall.person("an", "supervisor"), hall.device("tv-1", "display")):
        assert hall.request("PUT", "boards/tv-1", json=SIDE, token=token).status_code == 403
        assert hall.request("DELETE", "boards/tv-1", token=token).status_code == 403
    assert hall.get("setup", token=admin).json() == before


def test_board_settings_survive_a_restart_and_config_yaml_seeds_them_once(in_process, tmp_path):
    config = hall_config()
    config["display"]["boards"] = {"tv-tang-2": {"services": ["DD"], "counters": [1, 2],
                                                 "notice": {"vi": "Tầng 2", "en": "Floor 2"}}}
    seeded = {"tv-tang-2": {"services": ["DD"], "counters": [1, 2], "layout": "auto", "rotate": 0, "media": True}}
    hall = in_process(config, folder=tmp_path)
    tv = hall.device("tv-tang-2", "display")
    assert hall.get("setup", token=hall.admin()).json()["boards"] == seeded
    hall.stop()
    with sqlite3.connect(tmp_path / "hallq.db") as db:  # a database from before boards were in the set-up
        (doc,) = db.execute("SELECT document FROM hall_setup").fetchone()
        older = {key: value for key, value in json.loads(doc).items() if key != "boards"}
        db.execute("UPDATE hall_setup SET document = ?", (json.dumps(older),))

    upgraded = in_process(config, folder=tmp_path)
    admin = upgraded.login("root")
    assert upgraded.get("setup", token=admin).json()["boards"] == seeded  # from display.boards, once
    assert upgraded.request("PUT", "boards/tv-tang-2", json={**SIDE, "counters": None}, token=admin).status_code == 200
    upgraded.stop()

    again = in_process(config, folder=tmp_path)  # the same config.yaml: the database's boards win
    mine = again.get("display-settings", token=tv).json()
    assert {key: mine[key] for key in SIDE} == {**SIDE, "counters": None}
    assert mine["notice"] == {"vi": "Tầng 2", "en": "Floor 2"} and mine["own_notice"] is True  # still config.yaml's
