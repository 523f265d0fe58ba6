"""People have a full name besides their login: CLI, API, the migration, and where it shows.

"Nguyễn Văn Bảo" is a full name, not a username: refusing it says which field takes what,
in Vietnamese and English; the full name then shows for the staff member at their counter
(`staff_name`, public), on /me, the dashboard and the per-staff report.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from server.storage import Database
from tests.support.app import InProcessHall
from tests.support.auth import PASSWORD
from tests.support.cli import hallq_here
from tests.support.hall import hall_config, write_config


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> Iterator[InProcessHall]:
    with InProcessHall(tmp_path_factory.mktemp("names"), hall_config()) as hall:
        yield hall


def test_a_full_name_as_username_is_refused_naming_both_fields(hall):
    admin = hall.admin()
    body = {"username": "Nguyễn Văn Bảo", "role": "staff", "password": PASSWORD}
    status, code, vi = hall.error("POST", "users", token=admin, json=body)
    assert (status, code) == (422, "invalid_username")
    assert "Tên đăng nhập chỉ gồm chữ không dấu, số và . _ -" in vi
    assert "ví dụ: nguyenvanbao" in vi and "Họ và tên" in vi
    _, _, en = hall.error("POST", "users", token=admin, json=body, lang="en")
    assert "username" in en and "Full name" in en and "nguyenvanbao" in en
    assert all(u["username"] != "Nguyễn Văn Bảo" for u in hall.ok("GET", "users", token=admin))  # nothing made


@pytest.mark.parametrize("full_name", ["Nguyễn\x07Văn", "Nguyễn\nVăn Bảo", "x" * 101, 42])
def test_a_bad_full_name_is_refused_with_its_rule(hall, full_name):
    body = {"username": "baddie", "role": "staff", "password": PASSWORD, "full_name": full_name}
    status, code, message = hall.error("POST", "users", token=hall.admin(), json=body)
    assert (status, code) == (422, "invalid_full_name")
    assert message.startswith("Họ và tên: từ 1 đến 100 ký tự")
    assert all(u["username"] != "baddie" for u in hall.ok("GET", "users", token=hall.admin()))


def test_full_name_is_set_changed_cleared_and_shown(hall):
    admin = hall.admin()
    bao = hall.person("bao", "staff", full_name="  Nguyễn   Văn Bảo ")
    users = {u["username"]: u for u in hall.ok("GET", "users", token=admin)}
    assert users["bao"]["full_name"] == "Nguyễn Văn Bảo"  # trimmed, one space between words
    me = hall.ok("GET", "me", token=bao)
    assert (me["name"], me["full_name"], me["display_name"]) == ("bao", "Nguyễn Văn Bảo", "Nguyễn Văn Bảo")

    # Decomposed Vietnamese (as some phones type it) is stored composed.
    changed = hall.ok("PATCH", "users/bao", token=admin, json={"full_name": "Nguye\u0302\u0303n Văn Bảo"})
    assert changed["full_name"] == "Nguyễn Văn Bảo"
    assert hall.ok("PATCH", "users/bao", token=admin, json={"full_name": None})["full_name"] is None
    assert hall.ok("GET", "me", token=hall.login("bao"))["display_name"] == "bao"  # none: the username
    status, code, _ = hall.error("PATCH", "users/bao", token=admin, json={"full_name": "a\x00b", "role": "admin"})
    assert (status, code) == (422, "invalid_full_name")
    assert {u["username"]: u for u in hall.ok("GET", "users", token=admin)}["bao"]["role"] == "staff"  # nothing changed


def test_the_counter_feed_dashboard_and_report_show_the_full_name(hall):
    kiosk = hall.device("k-names", "kiosk")
    hoa = hall.person("hoa", "staff", full_name="Đặng Thị Hoà")
    anh = hall.person("anh", "staff")  # no full name: never shown publicly under the login
    hall.ok("POST", "counters/3/take", token=hoa)
    hall.ok("POST", "counters/4/take", token=anh)
    counters = {c["number"]: c for c in hall.ok("GET", "counters")}
    assert counters[3]["staff_name"] == "Đặng Thị Hoà"
    assert counters[4]["staff_name"] is None
    assert counters[1]["staff_name"] is None  # closed
    snapshot = {c["number"]: c for c in hall.ok("GET", "state")["counters"]}
    assert snapshot[3]["staff_name"] == "Đặng Thị Hoà"

    hall.ok("POST", "tickets", 201, token=kiosk, json={"service": "HT"})
    for step in ("call-next", "start", "finish"):
        hall.ok("POST", f"counters/3/{step}", token=hoa)
    supervisor = hall.person("sup-names", "supervisor")
    dash = {c["number"]: c for c in hall.ok("GET", "dashboard", token=supervisor)["counters"]}
    assert (dash[3]["staff"], dash[3]["staff_name"]) == ("hoa", "Đặng Thị Hoà")
    stats = hall.ok("GET", "stats", token=supervisor)
    assert stats["staff"]["hoa"]["full_name"] == "Đặng Thị Hoà" and stats["staff"]["hoa"]["served"] == 1
    hall.ok("POST", "counters/3/leave", token=hoa)
    assert {c["number"]: c for c in hall.ok("GET", "counters")}[3]["staff_name"] is None


def test_the_cli_takes_a_full_name_and_explains_a_bad_username(tmp_path, capsys, monkeypatch):
    # The commands run in this process (what the hallq script runs); the script itself is
    # exercised by tests/integration/test_setup.py.
    monkeypatch.setenv("HALLQ_CONFIG", str(write_config(tmp_path, hall_config())))
    monkeypatch.delenv("HALLQ_DATABASE_URL", raising=False)
    status, _, err = hallq_here(capsys, "user", "add", "Nguyễn Văn Bảo", "--role", "staff", stdin=PASSWORD + "\n")
    assert status == 1
    assert err.count("\n") == 1, err  # one line
    assert "e.g. nguyenvanbao" in err and "--full-name" in err

    assert hallq_here(capsys, "user", "add", "bao", "--role", "staff", "--full-name", "Nguyễn Văn Bảo",
                      stdin=PASSWORD + "\n")[0] == 0
    assert "bao\tstaff\tactive\tNguyễn Văn Bảo" in hallq_here(capsys, "user", "list")[1]
    assert hallq_here(capsys, "user", "full-name", "bao", "Nguyễn Văn Bảo Anh")[0] == 0
    assert "bao\tstaff\tactive\tNguyễn Văn Bảo Anh" in hallq_here(capsys, "user", "list")[1]
    status, _, err = hallq_here(capsys, "user", "full-name", "bao", "tab\there")
    assert status == 1 and "Full name: 1 to 100 characters" in err
    assert hallq_here(capsys, "user", "full-name", "bao", "")[0] == 0  # cleared: shown by the username again
    assert hallq_here(capsys, "user", "list")[1].splitlines() == ["bao\tstaff\tactive"]


def test_migration_0007_keeps_existing_people_without_a_full_name(tmp_path):
    from alembic import command

    from server.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = alembic_config()
    with engine.connect() as conn:  # a hall as it was before full names
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.execute(text("INSERT INTO users (username, role, password_hash, active, created_at) "
                          "VALUES ('lan', 'staff', 'x', 1, '2026-01-01 00:00:00')"))
        conn.commit()
    Database(url).migrate()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() >= "0007"
        assert conn.execute(text("SELECT username, full_name FROM users")).all() == [("lan", None)]
