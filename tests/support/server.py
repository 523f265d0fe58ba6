"""A real `hallq serve` process on a free loopback port, and plain HTTP calls to it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import requests

from .cli import hallq_command, hallq_env, run_hallq

START_TIMEOUT_S = 60.0
HTTP_TIMEOUT_S = 30.0


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerExited(AssertionError):
    """The server process ended when it should be serving."""


class LiveServer:
    """One `hallq serve` process: start, stop, kill -9, restart, and HTTP calls to /api/v1.

    The config file and the database are the test's; several LiveServers may share
    one database (pass the same `database_url`, or the same config folder for SQLite).
    """

    def __init__(self, config: Path, *, database_url: str | None = None, async_mode: str | None = None,
                 port: int | None = None, log_path: Path | None = None, name: str = "hallq") -> None:
        self.config = Path(config)
        self.database_url = database_url
        self.async_mode = async_mode
        self.port = port or free_port()
        self.name = name
        self.log_path = log_path or self.config.parent / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self._local = threading.local()

    # -- the process -------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file this server uses, when it uses one."""
        url = self.database_url or ""
        if url.startswith("sqlite:///"):
            return Path(url.removeprefix("sqlite:///"))
        if not url:
            return self.config.parent / "hallq.db"
        return None

    def start(self, timeout: float = START_TIMEOUT_S) -> "LiveServer":
        """Start `hallq serve` and wait until /healthz answers."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        args = hallq_command() + ["serve", "--config", str(self.config), "--host", "127.0.0.1",
                                  "--port", str(self.port)]
        if self.async_mode:
            args += ["--async-mode", self.async_mode]
        self.starts += 1
        log = open(self.log_path, "a", encoding="utf-8")
        log.write(f"\n===== start #{self.starts}: {' '.join(args)}\n")
        log.flush()
        self.proc = subprocess.Popen(args, env=hallq_env(self.config, self.database_url),
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise ServerExited(f"hallq serve exited {self.proc.returncode} while starting:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"hallq serve did not answer /healthz within {timeout:.0f}s:\n{self.log_tail()}")
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to stop (SIGTERM), then kill it if it does not."""
        if not self.running:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """kill -9: no clean-up of any kind, as in a power cut of the process."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def restart(self, timeout: float = START_TIMEOUT_S) -> "LiveServer":
        """Stop if needed and start again, same config, database and port."""
        self.stop()
        self._local = threading.local()  # old keep-alive connections point at the dead process
        return self.start(timeout)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def cli(self, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """Run `hallq ARGS` against this server's config and database."""
        return run_hallq(*args, config=self.config, database_url=self.database_url, input=input, check=check)

    # -- HTTP ------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def request(self, method: str, path: str, *, token: str | None = None, json: Any = None,
                data: str | bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = HTTP_TIMEOUT_S) -> requests.Response:
        """One HTTP call; `path` is under /api/v1 unless it starts with '/'."""
        url = self.url + (path if path.startswith("/") else "/api/v1/" + path)
        hdrs = dict(headers or {})
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        return self._session().request(method, url, json=json, data=data, headers=hdrs, timeout=timeout)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> requests.Response:
        return self.request("POST", path, json=json, **kw)

    def state(self) -> dict[str, Any]:
        """GET /api/v1/state, which must answer 200."""
        resp = self.get("state")
        assert resp.status_code == 200, f"GET /state: {resp.status_code} {resp.text[:300]}"
        return resp.json()

    def __repr__(self) -> str:
        return f"<LiveServer {self.name} {self.url} {self.async_mode or 'config'}>"
