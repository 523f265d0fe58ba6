"""`hallq config export` and `hallq config import`: the real command beside a hall, on its database.

The refusals run the same command in this process (`server.cli.main`, what the `hallq` script
calls), which spares a process start per case; the others run the installed script itself."""
from __future__ import annotations

import pytest
import yaml

from tests.support.app import Listener
from tests.support.cli import hallq_here, run_hallq
from tests.test_setup_api import LAND

pytestmark = pytest.mark.slow  # the real command, several times a test


def exported(config) -> dict:
    return yaml.safe_load(run_hallq("config", "export", config=config).stdout)


def test_export_then_import_on_a_fresh_database_gives_the_same_hall(in_process, tmp_path, capsys):
    hall = in_process(folder=tmp_path / "a")
    admin = hall.admin()
    assert hall.request("POST", "services", json=LAND, token=admin).status_code == 201
    assert hall.request("PATCH", "counters/3", json={"services": ["DD2", "HT"], "priority_ratio": "1:2"},
                        token=admin).status_code == 200
    assert hall.request("PUT", "holidays", json={"holidays": [{"date": "2026-04-30", "name": {"vi": "Ngày Giải phóng"}}]},
                        token=admin).status_code == 200
    assert hall.request("PUT", "boards/tv-tầng-3", json={"services": ["DD2"], "layout": "portrait", "rotate": 90},
                        token=admin).status_code == 200
    setup_a = hall.get("setup", token=admin).json()
    out = tmp_path / "setup.yaml"
    run_hallq("config", "export", str(out), config=hall.config_path)
    text = out.read_text(encoding="utf-8")
    assert "Đất đai – cấp đổi" in text  # Vietnamese as written, not escaped
    assert yaml.safe_load(text)["boards"]["tv-tầng-3"]["rotate"] == 90  # boards are part of the set-up

    fresh = in_process(folder=tmp_path / "b", start=False)  # the demo config.yaml, a new database
    fresh.stop()
    done = run_hallq("config", "import", str(out), config=fresh.config_path)
    assert "applied" in done.stdout
    status, again, _ = hallq_here(capsys, "config", "import", str(out), "--config", str(fresh.config_path))
    assert status == 0 and "nothing changed" in again  # the same set-up twice is one version
    assert hallq_here(capsys, "config", "export", "--config", str(fresh.config_path))[1].split("\n", 1)[1] == \
        hallq_here(capsys, "config", "export", "--config", str(hall.config_path))[1].split("\n", 1)[1]
    b = in_process(folder=tmp_path / "b")
    setup_b = b.get("setup", token=b.admin()).json()
    assert {k: v for k, v in setup_b.items() if k != "version"} == {k: v for k, v in setup_a.items() if k != "version"}
    assert "DD2" in [s["code"] for s in b.get("services").json()]


def test_a_bad_import_is_one_line_and_changes_nothing(in_process, tmp_path, capsys):
    hall = in_process(folder=tmp_path)
    config = str(hall.config_path)
    before = yaml.safe_load(hallq_here(capsys, "config", "export", "--config", config)[1])
    kiosk = hall.device("k1", "kiosk")
    assert hall.request("POST", "tickets", json={"service": "DKKD"}, token=kiosk).status_code == 201

    def attempt(doc_or_text) -> str:
        path = tmp_path / "bad.yaml"
        path.write_text(doc_or_text if isinstance(doc_or_text, str) else yaml.safe_dump(doc_or_text, allow_unicode=True),
                        encoding="utf-8")
        status, _, err = hallq_here(capsys, "config", "import", str(path), "--config", config)
        lines = err.splitlines()
        assert status == 1 and len(lines) == 1 and lines[0].startswith("hallq: "), err
        return lines[0]

    overlap = {"services": [*before["services"], {**LAND, "numbers": "2500-2999"}]}
    assert "DD2" in attempt(overlap) and "HT" in attempt(overlap)
    assert "not valid YAML" in attempt("services: [\n")
    assert "no set-up" in attempt({"center": {"name": {"vi": "X"}}})
    counters = [{**c, "services": ["NOPE"]} if c["number"] == 1 else c for c in before["counters"]]
    assert "NOPE" in attempt({"counters": counters})
    bad_hours = {"services": [{**before["services"][0], "hours": ["08:00-07:00"]}, *before["services"][1:]]}
    assert "08:00-07:00" in attempt(bad_hours)
    stranded = [{**c, "services": [x for x in c["services"] if x != "DKKD"] or ["DD"]} for c in before["counters"]]
    refused = attempt({"counters": stranded})
    assert "DKKD" in refused and "--confirm" in refused
    assert yaml.safe_load(hallq_here(capsys, "config", "export", "--config", config)[1]) == before


def test_an_import_beside_a_running_hall_reaches_its_boards_without_a_restart(in_process, tmp_path):
    hall = in_process(folder=tmp_path)
    board = Listener(hall.socketio(token=hall.device("tv", "display")))
    doc = exported(hall.config_path)
    doc["services"].append({**LAND})
    path = tmp_path / "more.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    run_hallq("config", "import", str(path), config=hall.config_path)
    snap = board.wait_event("snapshot", lambda p: any(s["code"] == "DD2" for s in p["services"]), timeout=10)
    assert snap["seq"] >= 0 and "DD2" in [s["code"] for s in hall.get("services").json()]


def test_an_empty_hall_starts_with_nothing_and_is_set_up_over_the_api(in_process, tmp_path):
    out = run_hallq("init", "--empty", str(tmp_path / "new"))
    assert "no services or counters" in out.stdout
    data = yaml.safe_load((tmp_path / "new" / "config.yaml").read_text(encoding="utf-8"))
    assert (data["services"], data["counters"], data["display"]["boards"]) == ([], [], {})
    hall = in_process(data)
    assert hall.get("services").json() == [] and hall.get("counters").json() == []
    admin = hall.admin()
    assert hall.request("POST", "services", json={"code": "DD", "name": {"vi": "Đất đai"}, "hours": ["00:00-24:00"]},
                        token=admin).status_code == 201
    assert hall.request("POST", "counters", json={"number": 1, "services": ["DD"]}, token=admin).status_code == 201
    ticket = hall.request("POST", "tickets", json={"service": "DD"}, token=hall.device("k1", "kiosk"))
    assert ticket.status_code == 201 and ticket.json()["ticket"]["number"] == "1001"  # the first free block
