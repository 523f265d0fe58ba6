"""Alembic migrations, run by `serve` and by every CLI command: no separate init step.

The server runs Alembic in a child process, which upgrades the schema (if it is behind) and
answers the head revisions that Alembic's own ScriptDirectory reads from the version files
(merge revisions and annotated templates included); Alembic and Mako would otherwise stay in
the server's memory for its whole life (about 11 MB) to be used once. The answer is kept, so a
later database of the same process that is already at the head costs one query, no child.
Before any child has answered, the heads the version files declare (`declared_heads`, read
without Alembic) serve the same way: a command on a database at the head starts no child.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
_heads: tuple[str, ...] | None = None  # the head revisions, once a child or Alembic said which


def heads(location: Path = MIGRATIONS) -> tuple[str, ...]:
    """The head revisions of a migrations folder, by Alembic (imports it: for the child process and tests)."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory(str(location)).get_heads()))


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]\s*$", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)
_DEPENDS = re.compile(r"^depends_on\s*(?::[^=]*)?=\s*None\s*$", re.M)


def declared_heads(location: Path = MIGRATIONS) -> tuple[str, ...] | None:
    """The head revisions as the version files declare them, read without importing Alembic.

    Only for the common case, "already at the head": each file must say plainly its `revision`,
    its `down_revision` (None, a string or a tuple of strings) and `depends_on = None`; anything
    else answers None, and Alembic itself decides (tests/test_migrate.py holds the two equal).
    """
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted((location / "versions").glob("*.py")):
        text_ = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text_), _DOWN.search(text_)
        if rev is None or down is None or _DEPENDS.search(text_) is None:
            return None
        names = re.findall(r"['\"]([^'\"]+)['\"]", down.group(1))
        if down.group(1) != "None" and not names:
            return None
        revisions.add(rev.group(1))
        downs.update(names)
    return tuple(sorted(revisions - downs)) or None


def current(engine: Engine) -> tuple[str, ...]:
    """The revisions the database is at (none for a new database; more than one between branches)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return ()
        return tuple(sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()))


def upgrade(engine: Engine, *, isolated: bool = False) -> None:
    """Bring the schema to the head revisions (Alembic in a child process when `isolated`)."""
    global _heads
    if _heads is None:
        _heads = declared_heads()  # a database at the head then needs no child and no Alembic
    if _heads is not None and current(engine) == _heads:
        return
    if isolated:
        env = {**os.environ, "HALLQ_MIGRATE_URL": engine.url.render_as_string(hide_password=False)}
        done = subprocess.run([sys.executable, "-m", "server.migrate"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"migration failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
        _heads = tuple((done.stdout.strip().splitlines() or [''])[-1].split())
        return
    _heads = _alembic_upgrade(engine)


def _alembic_upgrade(engine: Engine, location: Path = MIGRATIONS) -> tuple[str, ...]:
    """Upgrade to every head (a no-op at the head); the heads it upgraded to."""
    from alembic import command

    cfg = alembic_config(location)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        conn.commit()
    return heads(location)


def alembic_config(location: Path = MIGRATIONS):
    """For developers: `alembic revision --autogenerate` through server.migrate."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    return cfg


if __name__ == "__main__":  # the child: upgrade, then print the heads for the parent to keep
    from sqlalchemy import create_engine

    print(" ".join(_alembic_upgrade(create_engine(os.environ["HALLQ_MIGRATE_URL"]))))
