"""create_app builds and starts nothing; hall.start() starts what runs beside the requests; hall.stop() ends it."""
from __future__ import annotations

import threading
from datetime import timedelta

from tests.support.app import InProcessHall
from tests.support.hall import hall_config


def threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def new_since(before: set[threading.Thread]) -> list[str]:
    """Threads alive now that were not before (a thread of an earlier test may end meanwhile)."""
    return [t.name for t in threads() - before]


def test_building_starts_nothing_and_stop_leaves_no_thread(tmp_path):
    before = threads()
    hall = InProcessHall(tmp_path, hall_config(), start=False)
    assert new_since(before) == []  # built: no database threads, hub tasks, sweeper or daily close

    hall.start()
    names = {t.name for t in threads() - before}
    assert {"hallq-db-write-0", "hallq-hash-0", "hallq-printer-sweeper"} <= names and len(names) >= 6

    kiosk = hall.device("k1", "kiosk")
    assert hall.post("tickets", {"service": "HT"}, token=kiosk).status_code == 201
    board = hall.socketio()
    assert board.is_connected("/hall")

    hall.stop()
    hall.stop()  # twice is fine
    assert new_since(before) == []


def test_a_stopped_hall_starts_again_where_it_was(tmp_path):
    before = threads()
    hall = InProcessHall(tmp_path, hall_config())
    kiosk = hall.device("k1", "kiosk")
    first = hall.post("tickets", {"service": "HT"}, token=kiosk).json()["ticket"]
    hall.stop()
    hall.start()
    second = hall.post("tickets", {"service": "HT"}, token=kiosk).json()["ticket"]
    assert int(second["number"]) == int(first["number"]) + 1
    seq = hall.socketio().get_received("/hall")[0]["args"][0]["seq"]
    assert seq == hall.hall.hub.last_seq > 0
    hall.stop()
    assert new_since(before) == []


def test_a_restarted_hall_prints_again(tmp_path):
    """stop() ends the printer workers; after start() the next ticket gets a new one."""
    with InProcessHall(tmp_path, hall_config()) as hall:
        kiosk = hall.device("k1", "kiosk", printer="dummy://")
        for _ in range(2):
            ticket = hall.post("tickets", {"service": "HT"}, token=kiosk).json()["ticket"]
            _wait_printed(hall, ticket["token"])
            hall.stop()
            hall.start()


def test_the_busy_timeout_is_the_apps(tmp_path):
    """A write waits the busy timeout given to create_app (0.5 s here), then answers 503 and saves nothing."""
    import sqlite3

    with InProcessHall(tmp_path, hall_config(), busy_timeout_s=0.5) as hall:
        kiosk = hall.device("k1", "kiosk")
        assert hall.hall.db.busy_timeout_s == 0.5
        holder = sqlite3.connect(hall.sqlite_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process's write transaction, say
        try:
            resp = hall.post("tickets", {"service": "HT"}, token=kiosk)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert (resp.status_code, resp.json()["error"]["code"]) == (503, "database_busy")
        assert next(s for s in hall.get("services").json() if s["code"] == "HT")["waiting"] == 0


def _wait_printed(hall, token: str, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while (status := hall.get(f"tickets/{token}").json()["print"]["status"]) != "printed":
        assert time.monotonic() < deadline and status == "queued", status
        time.sleep(0.05)


def test_the_socketio_client_hears_a_change_in_seq_order(tmp_path):
    with InProcessHall(tmp_path, hall_config()) as hall:
        board = hall.socketio(token=hall.device("board", "display"))
        snapshot = board.get_received("/hall")
        assert [p["name"] for p in snapshot] == ["snapshot"]
        seq = snapshot[0]["args"][0]["seq"]
        hall.post("tickets", {"service": "HT"}, token=hall.device("k1", "kiosk"))
        events = _wait_for(board, "queue_changed")
        seqs = [p["args"][0]["seq"] for p in events]
        assert seqs and seqs == sorted(seqs) and seqs[0] == seq + 1


def test_the_hall_keeps_the_injected_clock(tmp_path):
    with InProcessHall(tmp_path, hall_config()) as hall:
        hall.later(days=3, hours=1)
        kiosk = hall.device("k1", "kiosk")
        ticket = hall.post("tickets", {"service": "HT"}, token=kiosk).json()["ticket"]
        issued = ticket["issued_at"]
        assert issued.startswith((hall.now.astimezone(hall.hall.config.center.tz)).date().isoformat())
        assert hall.hall.clock() - hall.now == timedelta(0)


def _wait_for(client, name: str, timeout: float = 10.0) -> list[dict]:
    """Packets received until one named `name` arrives (the hub emits from its own thread)."""
    import time

    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got += client.get_received("/hall")
        if any(p["name"] == name for p in got):
            return got
        time.sleep(0.02)
    raise AssertionError(f"no {name} within {timeout}s: {[p['name'] for p in got]}")
