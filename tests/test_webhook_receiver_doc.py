"""The worked receiver of docs/integration.md, run as written, takes a hall's webhooks (threading mode).

The docs' Python block is saved and started as its own process; an in-process hall delivers a
ticket's life to it (issued, called, finished with a case code, rated) and the receiver's own
database ends up with the case code and the score. A body with a wrong signature is refused.
Also here: the lease that lets one process alone deliver to a receiver, and two halls on one
database (as two processes would be) delivering each event once between them.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from server import commands, webhook_store as store
from tests.support.app import InProcessHall
from tests.support.hall import hall_config
from tests.support.server import free_port
from tests.support.webhooks import Receiver

DOC = Path(__file__).resolve().parent.parent / "docs" / "integration.md"
SECRET = "s3cret-of-the-docs"
CODE = "000.00.12.H41-261201-0042"


def receiver_source() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/integration.md has one Python receiver"
    return blocks[0]


def wait_listening(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while True:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "the receiver exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "the docs' receiver did not listen"
            time.sleep(0.05)


@pytest.mark.slow  # a receiver process, a hall, people with hashed passwords: ~4 s
def test_the_docs_receiver_records_a_tickets_case_file_and_rating(tmp_path, capsys):
    script, db_path, port = tmp_path / "receiver.py", tmp_path / "events.db", free_port()
    script.write_text(receiver_source(), encoding="utf-8")
    env = {**os.environ, "HALLQ_WEBHOOK_SECRET": SECRET, "PORT": str(port), "RECEIVER_DB": str(db_path)}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        wait_listening(port, proc)
        config = hall_config(edit=lambda d: d.update(webhooks=[{
            "name": "docs", "url": f"http://127.0.0.1:{port}/", "secret": SECRET,
            "events": ["ticket.issued", "ticket.called", "ticket.finished", "ticket.no_show", "ticket.rated"]}]))
        with InProcessHall(tmp_path / "hall", config) as hall:
            staff = hall.person("lan", "staff")
            ticket = hall.ok("POST", "tickets", 201, token=staff, json={"service": "HT"})["ticket"]
            hall.ok("POST", "counters/3/call-next", token=staff)
            hall.ok("POST", "counters/3/finish", token=staff, json={"case_code": CODE, "outcome": "received"})
            hall.ok("POST", f"tickets/{ticket['token']}/rating", 201, json={"score": 3})

            deadline = time.monotonic() + 20
            while True:
                with sqlite3.connect(db_path) as db:
                    row = db.execute("SELECT number, status, counter, case_code, case_outcome, score FROM tickets"
                                     ).fetchall() if db_path.exists() else []
                if row and row[0][5] is not None:
                    break
                assert time.monotonic() < deadline, f"the receiver has {row}"
                time.sleep(0.05)
            assert row == [(ticket["number"], "done", 3, CODE, "received", 3)]
            # the cursor moves once the 2xx is in: a moment after the receiver has stored it
            while (status := hall.ok("GET", "webhooks", token=hall.admin()))[0]["pending"]:
                assert time.monotonic() < deadline, status
                time.sleep(0.05)
            assert [(h["name"], h["pending"], h["failures"], h["dead_letters"]) for h in status] == [("docs", 0, 0, 0)]

            # `hallq webhooks list` and `test`, in this process (the real CLI runs in tests/integration/test_webhooks.py)
            commands._webhooks(argparse.Namespace(action="list", config=str(hall.config_path)))
            listed = capsys.readouterr().out
            assert listed.startswith(f"docs\thttp://127.0.0.1:{port}/\tdelivered up to seq ") and "\t0 pending\t0 dead" in listed
            commands._webhooks(argparse.Namespace(action="test", name="docs", config=str(hall.config_path)))
            assert re.fullmatch(r"docs: 200 OK: ok \(\d+ ms\)\n", capsys.readouterr().out)
            with pytest.raises(SystemExit):
                commands._webhooks(argparse.Namespace(action="test", name="nobody", config=str(hall.config_path)))
            assert capsys.readouterr().err == "hallq: no webhook receiver named 'nobody' (known: docs)\n"

        forged = json.dumps({"id": "x", "event": "ticket.issued", "seq": 1, "at": "", "ticket": {}}).encode()
        wrong = "sha256=" + hmac.new(b"not-the-secret", forged, hashlib.sha256).hexdigest()
        resp = requests.post(f"http://127.0.0.1:{port}/", data=forged, headers={"X-Hallq-Signature": wrong}, timeout=5)
        assert resp.status_code == 401
        proc.terminate()
        proc.wait(10)
        with pytest.raises(SystemExit) as down:  # the receiver is gone: non-zero, and why in one line
            commands._webhooks(argparse.Namespace(action="test", name="docs", config=str(hall.config_path)))
        err = capsys.readouterr().err
        assert down.value.code == 1 and err.startswith("hallq: docs: no answer: ConnectionRefusedError") and err.count("\n") == 1
    finally:
        proc.terminate()
        proc.wait(10)


def test_one_process_at_a_time_holds_a_receivers_lease(db, noon):
    def take(holder: str, now, over: str | None = None) -> bool:
        return db.write(lambda s: store.take_lease(s, "motcua", holder, now, 30.0, over=over))

    assert take("pc1:100:a", noon)
    assert take("pc1:100:a", noon + timedelta(seconds=10))  # renewed by its holder
    assert not take("pc2:200:b", noon + timedelta(seconds=20))  # another process waits
    assert take("pc2:200:b", noon + timedelta(seconds=20), over="pc1:100:a")  # its holder is known gone
    assert not take("pc1:100:a", noon + timedelta(seconds=21))
    assert take("pc1:100:a", noon + timedelta(seconds=60))  # a lease not renewed runs out
    assert not db.write(lambda s: store.advance(s, "motcua", "pc2:200:b", (5, 5), noon))  # only the holder moves it


@pytest.mark.slow  # two halls and a receiver: ~4 s
def test_two_halls_on_one_database_deliver_each_event_once(tmp_path):
    receiver = Receiver("shared").up()
    try:
        config = hall_config(edit=lambda d: d.update(webhooks=[
            {"name": "one", "url": receiver.url, "secret": "shared", "events": ["ticket.issued"]}]))
        folder = tmp_path / "hall"
        with InProcessHall(folder, config) as a, InProcessHall(folder, config) as b:
            token = a.person("lan", "staff")  # one database: the token works at both
            numbers = [(a if i % 2 else b).ok("POST", "tickets", 201, token=token, json={"service": "HT"})["ticket"]["number"]
                       for i in range(8)]
            receiver.wait_for(lambda r: len(r.accepted()) >= 8, "eight tickets reach the receiver")
            holders = a.hall.db.read(lambda s: store.holder_of(s, "one"))
        bodies = receiver.accepted()
        assert [b["ticket"]["number"] for b in bodies] == numbers and len({b["id"] for b in bodies}) == 8
        assert [b["seq"] for b in bodies] == sorted(b["seq"] for b in bodies)
        assert holders is not None
    finally:
        receiver.down()
