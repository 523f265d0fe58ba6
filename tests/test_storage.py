"""The database threads: group commit keeps each write's own outcome."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from server.queueing.errors import Conflict
from server.records import Device
from server.storage import Database
from datetime import datetime, timezone

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=timezone.utc)


@pytest.fixture
def started(tmp_path):
    # A held lock is reported after half a second, not the server's 5 s.
    db = Database(f"sqlite:///{tmp_path / 'hall.db'}", synchronous="full", threads=2, busy_timeout_s=0.5)
    db.migrate()
    db.start(green=False)
    yield db
    db.stop()


def test_concurrent_writes_share_commits_but_not_failures(started):
    outcomes: dict[int, object] = {}
    gate = threading.Barrier(24)

    def write(i: int) -> None:
        def op(s):
            s.add(Device(name=f"d{i}", kind="kiosk", token_hash=f"h{i}", created_at=NOW))
            s.flush()
            if i % 3 == 0:
                raise Conflict("already_exists", name=f"d{i}")  # refused: its row must vanish
            return i

        gate.wait()
        try:
            outcomes[i] = started.write(op)
        except Conflict as err:
            outcomes[i] = err.code

    threads = [threading.Thread(target=write, args=(i,)) for i in range(24)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert outcomes == {i: ("already_exists" if i % 3 == 0 else i) for i in range(24)}
    names = set(started.read(lambda s: s.execute(select(Device.name)).scalars().all()))
    assert names == {f"d{i}" for i in range(24) if i % 3}


def test_a_failed_commit_fails_every_write_of_the_group(started, tmp_path):
    """Another process holds the write lock past the busy timeout: nobody is told 'saved'."""
    import sqlite3

    holder = sqlite3.connect(tmp_path / "hall.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    results: list[object] = []

    def write(i: int) -> None:
        try:
            results.append(started.write(lambda s: s.add(Device(name=f"x{i}", kind="kiosk", token_hash=f"x{i}",
                                                                 created_at=NOW)) or "saved"))
        except Exception as err:  # noqa: BLE001 - the error kind is what we check
            results.append(getattr(err, "code", repr(err)))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(3)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    holder.execute("ROLLBACK")
    assert results == ["database_busy"] * 3
    assert started.read(lambda s: s.execute(select(Device.name)).scalars().all()) == []
