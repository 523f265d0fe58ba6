"""The hall server in this process (Flask's test client) with a clock the test moves.

For API rules where a real process is not the point: one `create_app` on a fresh SQLite
file, threading mode, the real views, engine and database threads; only time is the test's.

    hall = InProcessHall(tmp_path, hall_config())
    staff = hall.person("lan", "staff", full_name="Trần Thị Lan")
    resp = hall.call("POST", "counters/3/call-next", token=staff)
    hall.later(seconds=90)
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tests.support.auth import PASSWORD
from tests.support.hall import write_config


class InProcessHall:
    """A created app, its test client, people and devices by name, and a movable clock."""

    def __init__(self, folder: Path, config: dict[str, Any]) -> None:
        from server.app import create_app

        data = {**config, "server": {**config.get("server", {}), "async_mode": "threading",
                                     "login_attempts_per_minute": 100000}}
        self.app = create_app(write_config(folder, data), {"ASYNC_MODE": "threading"})
        self.hall = self.app.extensions["hallq"]
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.hall.clock = lambda: self.now
        self.tokens: dict[str, str] = {}

    def later(self, **delta: float) -> datetime:
        """Move the hall's clock on."""
        self.now += timedelta(**delta)
        return self.now

    def person(self, name: str, role: str, full_name: str | None = None) -> str:
        """A person made through the admin API (an admin is made directly the first time); their token."""
        if name not in self.tokens:
            body = {"username": name, "role": role, "password": PASSWORD}
            if full_name is not None:
                body["full_name"] = full_name
            resp = self.call("POST", "users", token=self.admin(), json=body)
            assert resp.status_code == 201, resp.get_data(as_text=True)
            self.tokens[name] = self.login(name)
        return self.tokens[name]

    def admin(self) -> str:
        if "_admin" not in self.tokens:
            from server import auth

            self.hall.db.write(lambda s: auth.add_user(s, "root", "admin", PASSWORD, self.now))
            self.tokens["_admin"] = self.login("root")
        return self.tokens["_admin"]

    def login(self, name: str) -> str:
        resp = self.app.test_client().post("/api/v1/login", json={"username": name, "password": PASSWORD})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["token"]

    def device(self, name: str, kind: str) -> str:
        if name not in self.tokens:
            resp = self.call("POST", "devices", token=self.admin(), json={"name": name, "kind": kind})
            assert resp.status_code == 201, resp.get_data(as_text=True)
            self.tokens[name] = resp.get_json()["token"]
        return self.tokens[name]

    def call(self, method: str, path: str, *, token: str | None = None, json: Any = None, lang: str | None = None):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        # A fresh client each time: no session cookie from an earlier login rides along.
        return self.app.test_client().open(f"/api/v1/{path}", method=method, json=json, headers=headers)

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
