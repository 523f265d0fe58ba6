"""The hall server in this process: Flask's and Flask-SocketIO's test clients, and a clock the test moves.

For API rules, permissions and validation, where a real process is not the point: one
`create_app` on a fresh SQLite file, threading mode, the real views, engine, database
threads and live hub; only time is the test's. Its API mirrors LiveServer and HallAuth
(tests/support/server.py, auth.py), so a test moves between the two by its fixture:

    hall = InProcessHall(tmp_path, hall_config()).start()
    staff = hall.person("lan", "staff", full_name="Trần Thị Lan")   # or hall.auth.staff("lan")
    resp = hall.post("counters/3/call-next", token=staff)           # resp.status_code, resp.json()
    board = hall.socketio(token=hall.display())                     # a Socket.IO client on /hall
    hall.later(seconds=90)
    hall.stop()

The `in_process` fixture (tests/conftest.py) makes them and stops them after the test.
"""
from __future__ import annotations

import json as jsonlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable

from tests.support.auth import PASSWORD, Names
from tests.support.hall import write_config

BUSY_TIMEOUT_S = 0.5  # a held lock is reported this soon: tests that hold one need not wait 5 s
_template: list[Path] = []  # one migrated SQLite database per test run, copied for each new hall


def migrated_database(path: Path) -> None:
    """Put a migrated, empty hall database at `path`: a copy of one migrated once per run.

    create_app migrates in a child process (seconds on a busy machine); a database already at
    the head revision skips that, so each in-process hall starts in a fraction of a second.
    """
    import shutil
    import tempfile

    from server.storage import Database

    if not _template:
        folder = Path(tempfile.mkdtemp(prefix="hallq-template-"))
        db = Database(f"sqlite:///{folder / 'hallq.db'}", synchronous="off")
        db.migrate()
        db.inline_engine.dispose()  # the last connection closes: the WAL is checkpointed into the file
        _template.append(folder / "hallq.db")
    shutil.copyfile(_template[0], path)


class Reply:
    """A test client's response with requests' names: status_code, json(), text, headers."""

    def __init__(self, resp: Any, method: str = "GET", path: str = "/") -> None:
        self.raw = resp
        self.request = SimpleNamespace(method=method, path_url=path)
        self.status_code = resp.status_code
        self.headers = resp.headers
        self.content = resp.get_data()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    def get_json(self) -> Any:  # Flask's name, for tests written against the test client
        return self.json() if self.content else None

    def raise_for_status(self) -> None:
        assert self.status_code < 400, f"{self.request.method} {self.request.path_url}: {self.status_code} {self.text[:300]}"

    def get_data(self, as_text: bool = False) -> Any:
        return self.text if as_text else self.content

    def __repr__(self) -> str:
        return f"<Reply {self.status_code} {self.text[:80]!r}>"


class InProcessHall:
    """A created app, its test clients, people and devices by name, and a movable clock."""

    url = "http://localhost"

    def __init__(self, folder: Path, config: dict[str, Any], *, start: bool = True,
                 busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        from server.app import create_app

        data = {**config, "server": {**config.get("server", {}), "async_mode": "threading",
                                     "login_attempts_per_minute": 100000}}
        self.config_path = write_config(folder, data)
        fresh = folder / "hallq.db"
        if not data["server"].get("database_url") and not fresh.exists() and "HALLQ_DATABASE_URL" not in os.environ:
            migrated_database(fresh)
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.app = create_app(self.config_path, {"ASYNC_MODE": "threading", "TESTING": True},
                              clock=lambda: self.now, busy_timeout_s=busy_timeout_s)
        self.hall = self.app.extensions["hallq"]
        self.sockets: list[Any] = []
        self.tokens: dict[str, str] = {}
        self.auth = _Auth(self)
        if start:
            self.start()

    # -- the app's life ------------------------------------------------------

    def start(self) -> "InProcessHall":
        self.hall.start()
        return self

    def stop(self) -> None:
        """Disconnect the Socket.IO clients and stop the hall's threads; safe to call twice."""
        for client in self.sockets:
            if client.is_connected("/hall"):
                client.disconnect("/hall")
        self.sockets.clear()
        self.hall.stop()

    def __enter__(self) -> "InProcessHall":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file this hall uses, when it uses one."""
        url = self.hall.db.url
        return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None

    def cli(self, *args: str, input: str | None = None, check: bool = True):
        """Run the real `hallq ARGS` (a process) against this hall's config and database."""
        from tests.support.cli import run_hallq

        return run_hallq(*args, config=self.config_path, input=input, check=check)

    def later(self, **delta: float) -> datetime:
        """Move the hall's clock on."""
        self.now += timedelta(**delta)
        return self.now

    # -- people and devices ----------------------------------------------------

    def person(self, name: str, role: str, full_name: str | None = None) -> str:
        """A person made through the admin API (an admin is made directly the first time); their token."""
        if role == "admin" and "_admin" not in self.tokens and full_name is None:
            self.tokens[name] = self.admin(name)  # the first admin is made directly, by the name asked for
        if name not in self.tokens:
            body = {"username": name, "role": role, "password": PASSWORD}
            if full_name is not None:
                body["full_name"] = full_name
            resp = self.call("POST", "users", token=self.admin(), json=body)
            assert resp.status_code == 201, resp.get_data(as_text=True)
            self.tokens[name] = self.login(name)
        return self.tokens[name]

    def admin(self, name: str = "root") -> str:
        """The token of the admin that makes everyone else (made directly in the database, once)."""
        if "_admin" not in self.tokens:
            from server import auth

            self.hall.db.write(lambda s: auth.add_user(s, name, "admin", PASSWORD, self.now))
            self.tokens["_admin"] = self.tokens[name] = self.login(name)
        return self.tokens["_admin"]

    def login(self, name: str, password: str = PASSWORD) -> str:
        resp = self.app.test_client().post("/api/v1/login", json={"username": name, "password": password})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["token"]

    def device(self, name: str, kind: str = "kiosk", printer: str | None = None) -> str:
        if name not in self.tokens:
            body = {"name": name, "kind": kind, **({"printer": printer} if printer else {})}
            resp = self.call("POST", "devices", token=self.admin(), json=body)
            assert resp.status_code == 201, resp.get_data(as_text=True)
            self.tokens[name] = resp.get_json()["token"]
        return self.tokens[name]

    # -- HTTP --------------------------------------------------------------------

    def call(self, method: str, path: str, *, token: str | None = None, json: Any = None, lang: str | None = None,
             data: str | bytes | None = None, headers: dict[str, str] | None = None):
        """One request through Flask's test client; `path` is under /api/v1 unless it starts with '/'."""
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        if lang:
            hdrs["Accept-Language"] = lang
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kw: dict[str, Any] = {"data": data} if data is not None else {"json": json} if json is not None else {}
        # A fresh client each time: no session cookie from an earlier login rides along.
        return self.app.test_client().open(url, method=method, headers=hdrs, **kw)

    def request(self, method: str, path: str, **kw: Any) -> Reply:
        """LiveServer.request's twin: the answer reads like requests' (status_code, json(), text)."""
        kw.pop("timeout", None)
        return Reply(self.call(method, path, **kw), method, path if path.startswith("/") else f"/api/v1/{path}")

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, json=json, **kw)

    def state(self) -> dict[str, Any]:
        """GET /api/v1/state, which must answer 200."""
        return self.ok("GET", "state")

    def ok(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        """A call that must answer `status`; its JSON."""
        resp = self.call(method, path, **kw)
        assert resp.status_code == status, f"{method} {path}: {resp.status_code} {resp.get_data(as_text=True)[:300]}"
        return resp.get_json()

    def error(self, method: str, path: str, **kw: Any) -> tuple[int, str, str]:
        """(status, code, message) of a refused call."""
        resp = self.call(method, path, **kw)
        body = resp.get_json() or {}
        return resp.status_code, body.get("error", {}).get("code"), body.get("error", {}).get("message")

    # -- Socket.IO ---------------------------------------------------------------

    def board(self, token: str | None = None, **kw: Any) -> Listener:
        """A connected /hall client that keeps what it hears (a board without a token by default)."""
        client = self.socketio(token, **kw)
        assert client.is_connected("/hall"), "the hall refused the Socket.IO client"
        return Listener(client)

    def socketio(self, token: str | None = None, *, ticket: str | None = None, auth: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, flask_client: Any = None) -> Any:
        """A Socket.IO test client on /hall (check .is_connected("/hall")); disconnected at stop().

        `token` or `ticket` go in the connect `auth`, as the stations send them; pass
        `flask_client` (a logged-in test client) to connect with its login cookie.
        """
        if auth is None and (token is not None or ticket is not None):
            auth = {k: v for k, v in (("token", token), ("ticket", ticket)) if v is not None}
        client = self.app.extensions["socketio"].test_client(
            self.app, namespace="/hall", auth=auth, headers=headers, flask_test_client=flask_client)
        self.sockets.append(client)
        return client


class Listener:
    """What a Socket.IO test client on /hall has heard, in order: Display's names (tests/support/display.py)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.events: list[SimpleNamespace] = []  # .name, .payload, .seq

    def poll(self) -> list[SimpleNamespace]:
        for packet in self.client.get_received("/hall"):
            payload = packet["args"][0] if packet["args"] else None
            seq = payload.get("seq") if isinstance(payload, dict) else None
            self.events.append(SimpleNamespace(name=packet["name"], payload=payload, seq=seq))
        return self.events

    def wait_event(self, name: str, where: Any = None, timeout: float = 15.0) -> dict[str, Any]:
        """The first event `name` whose payload satisfies `where` (the hub emits from its own thread)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            for ev in self.poll():
                if ev.name == name and (where is None or where(ev.payload)):
                    return ev.payload
            assert time.monotonic() < deadline, f"no {name} within {timeout} s: {[e.name for e in self.events]}"
            time.sleep(0.02)

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """(expected, got) wherever an event skipped seqs, as Display counts them: the snapshot sets
        the seq, an event already in it is ignored, each next event moves it by one."""
        found, last = [], None
        for ev in self.poll():
            if ev.seq is None or (last is not None and ev.name != "snapshot" and ev.seq <= last):
                continue
            if last is not None and ev.name != "snapshot" and ev.seq != last + 1:
                found.append((last + 1, ev.seq))
            last = ev.seq
        return found


class _Auth(Names):
    """HallAuth's names (tests/support/auth.py) over an in-process hall: staff("an"), kiosk("k1")..."""

    def __init__(self, hall: InProcessHall) -> None:
        self.hall = hall

    def person(self, name: str, role: str) -> str:
        return self.hall.person(name, role)

    def login(self, name: str, password: str = PASSWORD) -> str:
        return self.hall.login(name, password)

    def device(self, name: str, kind: str, printer: str | None = None) -> str:
        return self.hall.device(name, kind, printer)

    def before_make(self, names: dict[str, Iterable[str]]) -> None:
        self.hall.admin(next(iter(names.get("admin", ())), "root"))  # once, before make's threads
