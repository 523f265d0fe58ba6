"""The last seats of a slot, booked by many phones at once against a real `hallq serve`: never overbooked.

On SQLite (one process, one writer) and on PostgreSQL with two processes, eventlet and threading, the
phones spread across both (the slot's count row decides: server/appointments.py).
"""
from __future__ import annotations

import threading
from collections import Counter as Tally
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.support.hall import hall_config

SEATS = 3
PHONES = 16


def config() -> dict:
    def edit(data):
        data["holidays"] = []
        data["appointments"] = {"per_minute_per_address": 100_000, "open_per_phone": 50}
        for svc in data["services"]:
            if svc["code"] == "HT":
                svc["booking"] = {"slot_minutes": 60, "per_slot": SEATS, "hours": ["08:00-17:00"], "days_ahead": 7,
                                  "cutoff_minutes": 0}

    return hall_config(edit=edit)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_last_seats_go_to_exactly_as_many_bookings(database, live_server, postgres_url):
    db_url = postgres_url() if database == "postgres" else None
    server = live_server(config(), database_url=db_url, name=f"book-{database}")
    servers = [server] + ([live_server(config(), database_url=db_url, async_mode="threading", name="book-postgres-b")]
                          if database == "postgres" else [])
    day = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=1)).date().isoformat()
    url = f"{server.url}/api/v1/appointments"
    go = threading.Barrier(PHONES)
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def phone(i: int) -> None:
        go.wait()
        resp = requests.post(f"{servers[i % len(servers)].url}/api/v1/appointments", json={"service": "HT", "date": day, "start": "10:00", "phone": f"09{i:08d}"},
                             timeout=30)
        code = (resp.json().get("error") or {}).get("code") if resp.status_code != 201 else None
        with lock:
            answers.append((resp.status_code, code))

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(PHONES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert Tally(answers) == {(201, None): SEATS, (409, "slot_full"): PHONES - SEATS}
    slots = requests.get(f"{url}/slots", params={"service": "HT", "date": day}, timeout=10).json()
    assert next(s for s in slots if s["start"] == "10:00")["free"] == 0
    db = create_engine(server.database_url or f"sqlite:///{server.sqlite_path}")
    try:
        with db.connect() as c:
            assert c.execute(text("SELECT count(*) FROM appointments WHERE day = :d"), {"d": day}).scalar_one() == SEATS
    finally:
        db.dispose()
