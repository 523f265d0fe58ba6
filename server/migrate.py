"""Alembic migrations, run by `serve` and by every CLI command: no separate init step.

The server checks the schema's revision with one query and, only when it is behind,
runs Alembic in a child process: Alembic and Mako would otherwise stay in the
server's memory for its whole life (about 11 MB) to be used once.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


@cache
def head() -> str:
    """The newest revision, read from the version files without importing Alembic."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {sorted(heads)}")
    return heads.pop()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade(engine: Engine, *, isolated: bool = False) -> None:
    """Bring the schema to the newest revision (in a child process when `isolated`)."""
    if current(engine) == head():
        return
    if isolated:
        env = {**os.environ, "HALLQ_MIGRATE_URL": engine.url.render_as_string(hide_password=False)}
        done = subprocess.run([sys.executable, "-m", "server.migrate"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"migration failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
        return
    _alembic_upgrade(engine)


def _alembic_upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()


def alembic_config():
    """For developers: `alembic revision --autogenerate` through server.migrate."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


if __name__ == "__main__":
    from sqlalchemy import create_engine

    _alembic_upgrade(create_engine(os.environ["HALLQ_MIGRATE_URL"]))
