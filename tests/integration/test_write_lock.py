"""The hall stays live while another process holds the SQLite write lock.

sqlite3 waits for a lock inside C; run on the eventlet hub, that wait freezes every
display. A separate process takes the write lock (BEGIN IMMEDIATE) for 2 s. Everything
that does not write must answer before it lets go, and a write made meanwhile must
answer after. "Before" is proved by ordering, not by clocks: the test tells the holder
when its checks are done, and the holder reports whether that message had arrived by
the time it released the lock.
"""
from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

HOLD_S = 2.0
HOLDER = r"""
import select, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
ready = select.select([sys.stdin], [], [], 0)[0]
told = sys.stdin.readline().strip() if ready else ""
con.execute("COMMIT")
print("released", "observed" if told == "observed" else "not-observed", flush=True)
"""


class Holder:
    """A process holding the SQLite write lock of `path` for HOLD_S seconds."""

    def __init__(self, path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(HOLD_S)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: list[str] = []
        self._got = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._got:
                self.lines.append(line.strip())
                self._got.notify_all()
        with self._got:
            self.lines.append("<exit>")
            self._got.notify_all()

    def wait_line(self, prefix: str, timeout: float = 30) -> str:
        with self._got:
            ok = self._got.wait_for(lambda: any(l.startswith((prefix, "<exit>")) for l in self.lines), timeout)
            line = next((l for l in self.lines if l.startswith(prefix)), None)
        assert ok and line, f"lock holder never said {prefix!r}: {self.lines} {self.proc.stderr.read() if self.proc.poll() is not None else ''}"
        return line

    def observed(self) -> None:
        """Tell the holder our checks are done (it may already have let go and exited)."""
        try:
            self.proc.stdin.write("observed\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def hall(request, live_server, auth):
    server = live_server(async_mode=request.param, name=f"lock-{request.param}")
    made = auth(server).make(staff=["staff"], kiosk=["kiosk"])
    return server, made["staff"]["staff"], made["kiosk"]["kiosk"]


def test_display_stays_live_while_another_process_holds_the_write_lock(hall, display):
    server, staff, kiosk = hall
    assert server.sqlite_path and server.sqlite_path.exists()
    issued = server.post("tickets", {"service": "DKKD"}, token=kiosk)
    assert issued.status_code == 201, issued.text
    number = issued.json()["ticket"]["number"]
    seq = server.state()["seq"]
    d1 = display(server, name="d1")
    d1.wait_seq(seq)

    holder = Holder(server.sqlite_path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        holder.wait_line("locked")
        call = pool.submit(server.post, "counters/5/call-next", token=staff, timeout=60)
        threading.Event().wait(0.3)  # let the call reach the database and wait on the lock

        # While the lock is held: reads, new displays and pings must all answer.
        d2 = display(server, name="d2 (joins during the lock)")
        frozen = "the server answered only after the write lock was released (it froze behind it)"
        assert d2.first_snapshot["seq"] == seq, f"new display's snapshot: {frozen}"
        state = server.get("state")
        assert state.status_code == 200 and state.json()["seq"] == seq, f"GET /state: {frozen}"
        services = server.get("services")
        assert services.status_code == 200
        assert next(s for s in services.json() if s["code"] == "DKKD")["waiting"] >= 1
        assert server.get("counters").status_code == 200
        assert d1.ping()["seq"] == seq, f"ping_hall: {frozen}"
        assert not call.done(), f"call-next answered while the write lock was held: {call.result().text}"
        holder.observed()

        released = holder.wait_line("released")
        assert released == "released observed", (
            "the checks above did not all finish while the other process held the write lock: "
            "the server froze behind SQLite's lock")
        resp = call.result(timeout=60)

    assert resp.status_code == 200, f"call-next made during the lock: {resp.status_code} {resp.text}"
    assert resp.json()["ticket"]["number"] == number
    for d in (d1, d2):
        called = d.wait_event("ticket_called", lambda p: p["number"] == number)
        assert called["seq"] == seq + 1 and called["counter"] == 5
        d.wait_seq(seq + 3)
        assert d.gaps == []
    assert server.state()["seq"] == seq + 3
    finish = server.post("counters/5/finish", token=staff)
    assert finish.status_code == 200, finish.text


def test_a_read_with_a_device_token_does_not_wait_for_the_write_lock(hall, auth):
    """A hall TV reads GET /state with its display token; that read must not wait for a writer."""
    server, _, _ = hall
    tv = auth(server).display("tv-first-seen-during-the-lock")
    seq = server.state()["seq"]
    holder = Holder(server.sqlite_path)
    holder.wait_line("locked")
    resp = server.get("state", token=tv, timeout=60)
    holder.observed()
    released = holder.wait_line("released")
    assert resp.status_code == 200, f"GET /state with a display token during the lock: {resp.status_code} {resp.text}"
    assert resp.json()["seq"] == seq
    assert released == "released observed", (
        "GET /state with a display's token answered only after the other process released the write "
        "lock: the read waited for a database write (the device's last-seen time?)")
