"""Idempotent issuing, a database made without an init step, and a bad config refused at start."""
from __future__ import annotations

import pytest

from tests.support.cli import run_hallq
from tests.support.hall import hall_config, write_config
from tests.support.postgres import query
from tests.support.server import free_port

pytestmark = pytest.mark.slow  # real `hallq` processes: serve, init, a bad config refused at start


def test_the_same_idempotency_key_gives_the_same_ticket_once(live_server, auth, display):
    server = live_server(name="idempotency")
    kiosk = auth(server).kiosk()
    d = display(server)
    seq = server.state()["seq"]

    first = server.post("tickets", {"service": "HT", "idempotency_key": "tap-0001"}, token=kiosk)
    again = server.post("tickets", {"service": "HT", "idempotency_key": "tap-0001"}, token=kiosk)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    one, two = first.json()["ticket"], again.json()["ticket"]
    assert (two["number"], two["token"], two["issued_at"]) == (one["number"], one["token"], one["issued_at"])
    assert server.state()["seq"] == seq + 1, "the replay bumped seq"
    waiting = next(s["waiting"] for s in server.get("services").json() if s["code"] == "HT")
    assert waiting == 1

    other = server.post("tickets", {"service": "HT", "idempotency_key": "tap-0002"}, token=kiosk)
    assert other.status_code == 201 and other.json()["ticket"]["number"] != one["number"]
    d.wait_seq(seq + 2)
    assert [(e.name, e.seq) for e in d.events] == [("queue_changed", seq + 1), ("queue_changed", seq + 2)]

    # The key is kept in the database: a retry after a restart still gets the same ticket.
    server.restart()
    later = server.post("tickets", {"service": "HT", "idempotency_key": "tap-0001"}, token=kiosk)
    assert later.status_code == 201 and later.json()["ticket"]["token"] == one["token"]
    assert server.state()["seq"] == seq + 2


def test_serve_makes_a_fresh_sqlite_database(live_server, tmp_path):
    db = tmp_path / "elsewhere" / "hall.sqlite"
    server = live_server(hall_config(), database_url=f"sqlite:///{db}", directory=tmp_path / "conf",
                         name="fresh-serve")
    assert db.exists(), "HALLQ_DATABASE_URL was not used"
    assert not (tmp_path / "conf" / "hallq.db").exists(), "a database was made beside the config anyway"
    state = server.state()
    assert state["seq"] == 0 and len(state["counters"]) == len(hall_config()["counters"])


def test_cli_makes_a_fresh_sqlite_database(tmp_path):
    config = write_config(tmp_path, hall_config())
    assert not (tmp_path / "hallq.db").exists()
    out = run_hallq("device", "add", "kiosk-1", "--kind", "kiosk", config=config)  # HALLQ_CONFIG only
    assert out.stdout.strip().splitlines()[-1].startswith("hqd_")
    assert (tmp_path / "hallq.db").exists()
    run_hallq("user", "add", "an", "--role", "staff", config=config, input="mật khẩu dài\n")
    assert "an\tstaff" in run_hallq("user", "list", config=config).stdout


@pytest.mark.postgres
def test_serve_and_cli_make_a_fresh_postgres_database(live_server, postgres_url, tmp_path):
    cli_url, serve_url = postgres_url(), postgres_url()
    config = write_config(tmp_path, hall_config())
    token = run_hallq("device", "add", "kiosk-1", "--kind", "kiosk", config=config,
                      database_url=cli_url).stdout.strip().splitlines()[-1]
    assert query(cli_url, "select count(*) from devices") == [(1,)]
    assert not (tmp_path / "hallq.db").exists(), "HALLQ_DATABASE_URL was ignored"

    server = live_server(config, database_url=serve_url, name="fresh-pg")
    assert server.state()["seq"] == 0
    assert query(serve_url, "select seq from hall") == [(0,)]
    server.stop()

    # And the database the CLI made serves at once.
    server = live_server(config, database_url=cli_url, name="cli-pg")
    resp = server.post("tickets", {"service": "TK"}, token=token)
    assert resp.status_code == 201, resp.text


def _unknown_service(d):
    d["counters"][2]["services"] = ["HT", "NOPE"]


def _bad_hours(d):
    d["services"][1]["hours"] = ["17:00-07:30"]


def _cap_too_big(d):
    d["services"][0]["daily_cap"] = 5000


def _twice(d):
    d["counters"][1]["number"] = 1


def _bad_mode(d):
    d["server"]["async_mode"] = "gevent"


def _bad_timezone(d):
    d["center"]["timezone"] = "Asia/Hanoi_City"


@pytest.mark.parametrize("edit,key,detail", [
    (_unknown_service, "counters.2.services", "NOPE"),
    (_bad_hours, "services.1.hours", "17:00-07:30"),
    (_cap_too_big, "services.0", "5000"),
    (_twice, "counters", "1"),
    (_bad_mode, "server.async_mode", "eventlet"),  # names the key and what is allowed
    (_bad_timezone, "center.timezone", "Asia/Hanoi_City"),
], ids=["counter-unknown-service", "hours-backwards", "cap-over-block", "counter-twice", "async-mode",
        "timezone"])
def test_invalid_config_stops_serve_with_one_line_naming_the_key(tmp_path, edit, key, detail):
    config = write_config(tmp_path, hall_config(edit=edit))
    proc = run_hallq("serve", "--port", str(free_port()), config=config, check=False, timeout=60)
    assert proc.returncode != 0, f"hallq serve started with a bad config:\n{proc.stderr}"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{proc.stderr}"
    assert key in lines[0] and detail in lines[0], lines[0]
    assert not (tmp_path / "hallq.db").exists(), "a database was made before the config was checked"
