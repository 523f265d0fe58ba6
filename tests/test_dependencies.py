"""PostgreSQL's driver is the `postgres` extra: a SQLite hall runs without it, a PostgreSQL URL says what to install."""
from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

from tests.support.cli import hallq_command, hallq_env

ROOT = Path(__file__).resolve().parent.parent
# Importing it fails as if it were not installed (it is in the test venv, through the `test` extra).
NO_PSYCOPG = 'raise ModuleNotFoundError("No module named \'psycopg\'", name="psycopg")\n'


def _hallq_without_psycopg(tmp_path: Path, *args: str, database_url: str | None = None):
    blocker = tmp_path / "blocker" / "psycopg"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(NO_PSYCOPG)
    config = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", config)
    env = hallq_env(config, database_url)
    env["PYTHONPATH"] = str(blocker.parent)
    return subprocess.run(hallq_command() + list(args), env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_a_sqlite_hall_needs_no_psycopg(tmp_path):
    done = _hallq_without_psycopg(tmp_path, "user", "list")
    assert done.returncode == 0, done.stderr


def test_a_postgresql_url_without_psycopg_names_the_extra(tmp_path):
    done = _hallq_without_psycopg(tmp_path, "user", "list", database_url="postgresql://127.0.0.1:5432/test")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "hallq: database: postgresql needs its driver (psycopg): pip install 'hallq[postgres]'"]


def test_the_extras_and_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("psycopg") for d in project["dependencies"])
    assert project["optional-dependencies"]["postgres"] == ["psycopg[binary]>=3.1"]
    assert "hallq[postgres]" in project["optional-dependencies"]["test"]
    # escpos_render.py uses python-escpos's private Dummy._raw: a minor release may change it.
    assert "python-escpos>=3.1,<3.2" in project["dependencies"]
