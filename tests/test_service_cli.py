"""`hallq --version`, `hallq init` and `hallq backup`: the real `hallq` command in a subprocess.

The backup is taken while a real `hallq serve` issues tickets, and a second server is then
started on the copy: what a hall does after losing its disk.
"""
from __future__ import annotations

import datetime
import importlib.metadata
import os
import shlex
import sqlite3
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from server.config import load_config
from tests.conftest import ROOT
from tests.support.cli import run_hallq
from tests.support.fixtures import auth, live_server, postgres_url  # noqa: F401
from tests.support.hall import hall_config

TICKETS_BEFORE_BACKUP = 20


def one_line_reason(proc: subprocess.CompletedProcess) -> str:
    """A refusal: exit status non-zero and exactly one line on stderr, `hallq: ...`."""
    assert proc.returncode != 0, proc
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hallq: "), proc.stderr
    return lines[0]


def sqlite_count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchone()[0]


# -- hallq --version ------------------------------------------------------------------

def test_version_is_the_installed_package_version():
    proc = run_hallq("--version")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert proc.stdout == f"hallq {importlib.metadata.version('hallq')}\n"
    assert importlib.metadata.version("hallq") == pyproject["project"]["version"]


# -- hallq init [DIR] -----------------------------------------------------------------

def test_init_writes_the_demo_center_into_a_new_folder(tmp_path):
    proc = run_hallq("init", "halls/quang-ninh", cwd=tmp_path)
    written = tmp_path / "halls" / "quang-ninh" / "config.yaml"
    assert written.read_bytes() == (ROOT / "config.yaml").read_bytes()
    assert "halls/quang-ninh/config.yaml" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "next: hallq serve --config halls/quang-ninh/config.yaml"
    assert load_config(written).center.name.vi.startswith("Trung tâm")


def test_init_defaults_to_the_current_folder(tmp_path):
    proc = run_hallq("init", cwd=tmp_path)
    assert (tmp_path / "config.yaml").read_bytes() == (ROOT / "config.yaml").read_bytes()
    assert proc.stdout.splitlines()[-1] == "next: hallq serve --config config.yaml"


def test_init_never_overwrites_a_config(tmp_path):
    mine = tmp_path / "config.yaml"
    mine.write_text("center: {name: {vi: Của tôi, en: Mine}}\n", encoding="utf-8")
    reason = one_line_reason(run_hallq("init", str(tmp_path), check=False))
    assert "already exists" in reason and str(mine) in reason
    assert mine.read_text(encoding="utf-8") == "center: {name: {vi: Của tôi, en: Mine}}\n"


# -- hallq backup FILE ----------------------------------------------------------------

def small_database(folder: Path, rows: int) -> Path:
    """A config and an SQLite file beside it, as `hallq backup` finds them (any SQLite file copies)."""
    (folder / "config.yaml").write_text(yaml.safe_dump(hall_config(), allow_unicode=True), encoding="utf-8")
    with sqlite3.connect(folder / "hallq.db") as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(rows)])
    return folder / "config.yaml"


def test_backup_refuses_to_overwrite_unless_forced(tmp_path):
    config = small_database(tmp_path, rows=3)
    target = tmp_path / "nightly.db"
    target.write_bytes(b"yesterday's backup")
    reason = one_line_reason(run_hallq("backup", str(target), "--config", str(config), check=False))
    assert "already exists" in reason and "--force" in reason
    assert target.read_bytes() == b"yesterday's backup"

    run_hallq("backup", str(target), "--force", "--config", str(config))
    assert sqlite_count(target, "SELECT count(*) FROM t") == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "hallq.db", "nightly.db"]  # no .part left


def test_backup_without_a_database_says_so(tmp_path):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(hall_config(), allow_unicode=True), encoding="utf-8")
    reason = one_line_reason(run_hallq("backup", str(tmp_path / "b.db"), "--config", str(tmp_path / "config.yaml"),
                                       check=False))
    assert "no database at" in reason
    assert not (tmp_path / "hallq.db").exists() and not (tmp_path / "b.db").exists()


@pytest.mark.slow
def test_backup_on_postgresql_points_to_a_pg_dump_that_works(tmp_path, postgres_url):
    """It refuses in one line naming pg_dump, never the password; the line runs as given."""
    url = postgres_url()  # a fresh database on 127.0.0.1:5432, trust auth
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(hall_config(), allow_unicode=True), encoding="utf-8")
    target = tmp_path / "hall.dump"
    secret = make_url(url).set(drivername="postgresql+psycopg", username="hallq_backup", password="s3cret-pw")

    reason = one_line_reason(run_hallq("backup", str(target), "--config", str(config),
                                       database_url=secret.render_as_string(hide_password=False), check=False))
    assert "pg_dump" in reason and "hallq_backup@127.0.0.1" in reason and "s3cret-pw" not in reason
    assert not target.exists()

    run_hallq("user", "list", "--config", str(config), database_url=url)  # creates the hall's tables
    reason = one_line_reason(run_hallq("backup", str(target), "--config", str(config), database_url=url, check=False))
    command = shlex.split(reason.split("`")[1])
    assert command[0] == "pg_dump"
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    listing = subprocess.run(["pg_restore", "--list", str(target)], check=True, capture_output=True, text=True)
    assert " TABLE public tickets " in listing.stdout


class Kiosk(threading.Thread):
    """Issues tickets on a live server until told to stop, noting each answered one."""

    def __init__(self, server, token: str) -> None:
        super().__init__(daemon=True)
        self.server, self.token = server, token
        self.issued: list[dict] = []
        self.errors: list[str] = []
        self.enough = threading.Event()  # TICKETS_BEFORE_BACKUP answered
        self.stop = threading.Event()

    def run(self) -> None:
        services = ("DD", "HT", "TK", "LD")
        while not self.stop.is_set():
            resp = self.server.post("tickets", {"service": services[len(self.issued) % 4]}, token=self.token)
            if resp.status_code != 201:
                self.errors.append(f"{resp.status_code} {resp.text[:200]}")
                self.enough.set()
                return
            self.issued.append(resp.json()["ticket"])
            if len(self.issued) >= TICKETS_BEFORE_BACKUP:
                self.enough.set()


@pytest.mark.slow
def test_backup_while_the_server_issues_tickets_then_serve_the_copy(tmp_path, live_server, auth):
    server = live_server()
    kiosk = Kiosk(server, auth(server).kiosk())
    kiosk.start()
    assert kiosk.enough.wait(60) and not kiosk.errors, kiosk.errors
    answered = list(kiosk.issued)  # committed before the backup began
    target = tmp_path / "backups" / "hall.db"
    target.parent.mkdir()
    try:
        proc = server.cli("backup", str(target), "--config", str(server.config))
        after = len(kiosk.issued)
    finally:
        kiosk.stop.set()
        kiosk.join(30)
    assert not kiosk.errors, kiosk.errors
    assert after > len(answered), "the server issued nothing while the backup ran"  # it was live
    assert f"to {target}" in proc.stdout
    assert [p.name for p in target.parent.iterdir()] == ["hall.db"]  # no .part, no -wal beside it

    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        numbers = {row[0] for row in conn.execute("SELECT number FROM tickets")}
    assert {t["number"] for t in answered} <= numbers

    restored = live_server(hall_config(server={"database_url": f"sqlite:///{target}"}), name="restored")
    waiting = sum(s["waiting"] for s in restored.get("services").json())
    assert waiting == len(numbers)
    for ticket in (answered[0], answered[-1]):
        resp = restored.get(f"tickets/{ticket['token']}")
        assert resp.status_code == 200 and resp.json()["ticket"]["number"] == ticket["number"]


# -- deploy/: the systemd units docs/deploy.md installs ---------------------------------

DEPLOY = ROOT / "deploy"
UNITS = ("hallq.service", "hallq@.service", "hallq-backup.service", "hallq-backup.timer")


def units_at(root: Path, folder: Path) -> list[Path]:
    """The deploy/ units with /srv/hallq moved to `root`, whose .venv is this test's venv."""
    (root / "backups").mkdir(parents=True, exist_ok=True)
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    out = []
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8").replace("/srv/hallq", str(root))
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


def test_the_unit_files_verify(tmp_path):
    """systemd-analyze verify: no unknown key, no bad value, every command there (warnings count)."""
    units = units_at(tmp_path / "srv", tmp_path)
    proc = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def unit_commands(unit: Path, key: str) -> list[str]:
    """The `key=` command lines of a unit, with systemd's $$ and %% escapes undone (no other specifier used)."""
    lines = [line.split("=", 1)[1] for line in unit.read_text(encoding="utf-8").splitlines()
             if line.startswith(f"{key}=")]
    return [line.replace("$$", "$").replace("%%", "%") for line in lines]


def test_the_nightly_backup_unit_runs_its_commands(tmp_path):
    """hallq-backup.service's ExecStart and ExecStartPost, run as systemd would run them."""
    root = tmp_path / "srv"
    units = dict(zip(UNITS, units_at(root, tmp_path)))
    (root / "config.yaml").write_text(yaml.safe_dump(hall_config(), allow_unicode=True), encoding="utf-8")
    with sqlite3.connect(root / "hallq.db") as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
    old = root / "backups" / "hallq-2000-01-01.db"
    old.write_bytes(b"")
    os.utime(old, (946684800, 946684800))  # 2000-01-01: past the 30 days kept
    (start,), (post,) = unit_commands(units["hallq-backup.service"], "ExecStart"), \
        unit_commands(units["hallq-backup.service"], "ExecStartPost")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQ_")}
    for _ in range(2):  # a second run the same day replaces that day's file
        subprocess.run(shlex.split(start), check=True, capture_output=True, timeout=60, env=env)
    subprocess.run(shlex.split(post), check=True, capture_output=True, timeout=60)
    today = root / "backups" / f"hallq-{datetime.date.today().isoformat()}.db"
    assert sorted((root / "backups").iterdir()) == [today]
    assert sqlite_count(today, "SELECT count(*) FROM sqlite_master WHERE name = 't'") == 1
