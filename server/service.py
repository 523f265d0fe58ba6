"""Running hallq as a service: `hallq --version`, `hallq init` and `hallq backup`.

Kept apart from commands.py so that none of these imports Flask, Socket.IO or the
engine: `init` and `--version` answer at once, and `backup` needs only the config
and the standard library's sqlite3.
"""
from __future__ import annotations

import argparse
import errno
import os
import re
import shlex
import sqlite3
from importlib import resources
from pathlib import Path

from .exits import fail

#: The demo center, shipped in the package: a link to the repository's config.yaml
#: (one file, which the wheel carries as server/demo_config.yaml).
DEMO_CONFIG = "demo_config.yaml"


def version() -> str:
    """The installed package's version (pyproject.toml's, as pip recorded it)."""
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return installed("hallq")
    except PackageNotFoundError:
        fail("the hallq package is not installed, so it has no version (pip install -e .)")


def run(args: argparse.Namespace) -> None:
    """Dispatch `init` and `backup`; every failure is one line on stderr and exit 1."""
    try:
        {"init": init, "backup": backup}[args.command](args)
    except KeyboardInterrupt:
        fail("interrupted")


# -- hallq init [DIR] ---------------------------------------------------------------

def without_setup(text: str) -> str:
    """The demo config.yaml with no services, counters or boards: a center set up in the browser."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        key = re.match(r"(services|counters):", line)
        if key:
            out.append(f"{key.group(1)}: []  # none yet: add them in /admin/hall (docs/admin.md)\n")
            skipping = True
            continue
        if skipping and (line[:1].isalpha() or line.startswith("#")):
            skipping = False
        if not skipping:
            out.append(line)
    return re.sub(r"^  boards:\n(?:    .*\n)*", "  boards: {}\n", "".join(out), flags=re.M)


def init(args: argparse.Namespace) -> None:
    """Write the demo center's config.yaml into DIR (with --empty, without its set-up), never over an existing one."""
    folder = Path(args.dir or ".")
    target = folder / "config.yaml"
    if folder.exists() and not folder.is_dir():
        fail(f"{folder} is a file, not a folder")
    try:
        text = resources.files("server").joinpath(DEMO_CONFIG).read_text(encoding="utf-8")
    except OSError:
        fail(f"this install lacks server/{DEMO_CONFIG} (the demo center): reinstall hallq")
    if getattr(args, "empty", False):
        text = without_setup(text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as out:  # "x": fails if it exists, even in a race
            out.write(text)
    except FileExistsError:
        fail(f"{target} already exists; not overwriting it (edit it, or init another folder)")
    except OSError as err:
        fail(f"cannot write {target}: {err.strerror or err}")
    print(f"wrote {target} (no services or counters yet: set them up in /admin/hall)" if getattr(args, "empty", False)
          else f"wrote {target} (the demo center: edit center, services and counters for your hall)")
    print(f"next: hallq serve --config {shlex.quote(str(target))}")


# -- hallq backup FILE ---------------------------------------------------------------

def backup(args: argparse.Namespace) -> None:
    """Copy the hall's SQLite database to FILE while the server runs; PostgreSQL: say pg_dump."""
    url = _database_url(args.config)
    target = Path(args.file)
    if url.get_backend_name() == "postgresql":
        fail(f"the hall's database is PostgreSQL: back it up with "
             f"`{pg_dump_command(url, target)}` (restore with pg_restore)")
    if url.get_backend_name() != "sqlite":
        fail(f"the hall's database is {url.get_backend_name()}: back it up with that database's own tools")
    source = _sqlite_file(url)
    if target.exists() and not args.force:
        fail(f"{target} already exists; not overwriting it (pass --force to replace it)")
    if not target.parent.is_dir():
        fail(f"{target.parent} is not a folder (make it first)")
    part = _copy_beside(source, target)
    _give_name(part, target, args.force)
    print(f"backed up {source} to {target} ({target.stat().st_size / 1e6:.1f} MB, integrity ok)")


def _database_url(explicit: str | None):
    """The URL `hallq serve` would use with this config (HALLQ_DATABASE_URL first)."""
    from sqlalchemy.engine import make_url

    from .config import ConfigError, config_path, database_url, load_config

    path = config_path(explicit)
    try:
        return make_url(database_url(load_config(path), path))
    except ConfigError as err:
        fail(f"config: {err}")
    except Exception as err:  # a malformed URL: SQLAlchemy's ArgumentError
        fail(f"database_url: {err}")


def pg_dump_command(url, target: Path) -> str:
    """The pg_dump line for this database, with no password in it (pg_dump asks, or reads ~/.pgpass)."""
    plain = url.difference_update_query(["password"])
    plain = plain._replace(drivername="postgresql", password=None)  # URL is a NamedTuple; .set() keeps a None field
    conninfo = plain.render_as_string(hide_password=False)
    return shlex.join(["pg_dump", "--format=custom", f"--file={target}", f"--dbname={conninfo}"])


def _sqlite_file(url) -> Path:
    """The database file behind a sqlite:/// URL, which must exist already."""
    if not url.database or url.database == ":memory:":
        fail("the hall's database is in memory: there is nothing on disk to back up")
    path = Path(url.database)
    if not path.is_file():
        fail(f"no database at {path} (start the hall once with `hallq serve`, or check --config)")
    return path


def _copy_beside(source: Path, target: Path) -> Path:
    """SQLite's online backup of `source` into a new file beside `target`, checked and on disk."""
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    part.unlink(missing_ok=True)
    try:
        _online_backup(source, part)
    except sqlite3.Error as err:
        part.unlink(missing_ok=True)
        fail(f"backup of {source} failed: {err}")
    except OSError as err:
        part.unlink(missing_ok=True)
        fail(f"cannot write beside {target}: {err.strerror or err}")
    return part


def _online_backup(source: Path, part: Path) -> None:
    """One read transaction on the live database: the server keeps writing (WAL), the copy is consistent."""
    # mode=rw: never create an empty database where the hall's should be.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    dst = sqlite3.connect(part)
    try:
        src.backup(dst)  # all pages in one step: one snapshot, never a mix of two moments
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"the copy fails its integrity check: {check}")
    finally:
        dst.close()
        src.close()
    with open(part, "rb") as f:
        os.fsync(f.fileno())


def _give_name(part: Path, target: Path, force: bool) -> None:
    """Give the finished copy its name: only whole backups ever carry it."""
    try:
        if force:
            os.replace(part, target)
        else:
            _link_or_move(part, target)
    except FileExistsError:
        part.unlink(missing_ok=True)
        fail(f"{target} already exists; not overwriting it (pass --force to replace it)")
    except OSError as err:
        part.unlink(missing_ok=True)
        fail(f"cannot name the backup {target}: {err.strerror or err}")
    _sync_folder(target.parent)


def _link_or_move(part: Path, target: Path) -> None:
    """Name `part` FILE unless FILE exists: a hard link refuses atomically; a file system
    without hard links (a FAT USB stick) gets a check, then a rename."""
    try:
        os.link(part, target)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(part, target)
    else:
        part.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut right after must not lose the name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
