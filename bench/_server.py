"""A real `hallq serve` process for the benchmark: its config, people, devices and HTTP."""
from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
HALLQ = Path(sys.executable).with_name("hallq")
HOST = "127.0.0.1"  # loopback only: the bench never listens anywhere else


def bench_config(workdir: Path) -> Path:
    """The demo hall, open around the clock, with room for tens of thousands of tickets a day."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for i, svc in enumerate(data["services"]):
        svc["hours"] = ["00:00-24:00"]
        svc["numbers"] = f"{chr(ord('A') + i)}#####"  # services never share numbers: a letter each
        svc["daily_cap"] = 80000
    data.setdefault("server", {})["kiosk_tickets_per_minute"] = 6_000_000  # measure the server, not the limiter
    data["server"]["max_connections_per_address"] = 4096  # every display of the bench comes from 127.0.0.1
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _cli(args: list[str], env: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run([str(HALLQ), *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"hallq {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


class Api:
    """A keep-alive HTTP/1.1 connection to the server, JSON in and out."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30.0) -> None:
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):  # once more on a connection the server closed while idle
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


class BenchHall:
    """One hall server under test: set up in a work folder, started, measured, stopped."""

    def __init__(self, workdir: Path, mode: str, database_url: str | None = None, kiosks: int = 4) -> None:
        self.workdir, self.mode = workdir, mode
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = bench_config(workdir)
        self.env = {**os.environ, "HALLQ_CONFIG": str(self.config)}
        self.env.pop("HALLQ_ASYNC_MODE", None)
        if database_url:
            self.env["HALLQ_DATABASE_URL"] = database_url
        else:
            self.env.pop("HALLQ_DATABASE_URL", None)
        self.password = secrets.token_urlsafe(12)
        _cli(["user", "add", "bench-staff", "--role", "staff"], self.env, self.password + "\n")
        self.kiosk_tokens = [
            _cli(["device", "add", f"bench-kiosk-{i}", "--kind", "kiosk"], self.env).strip().splitlines()[-1]
            for i in range(1, kiosks + 1)
        ]
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.staff_token = ""

    def start(self, timeout: float = 60.0) -> None:
        self.port = free_port()
        self.log = open(self.workdir / f"serve-{self.mode}.log", "ab")
        self.proc = subprocess.Popen(
            [str(HALLQ), "serve", "--config", str(self.config), "--host", HOST, "--port", str(self.port),
             "--async-mode", self.mode],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hallq serve exited with {self.proc.returncode}; see {self.log.name}")
            try:
                api = Api(self.port, timeout=2)
                status, _ = api.call("GET", "/healthz")
                api.close()
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"hallq serve did not answer within {timeout:.0f} s")
        api = Api(self.port)
        status, body = api.call("POST", "/api/v1/login", {"username": "bench-staff", "password": self.password})
        api.close()
        if status != 200:
            raise RuntimeError(f"login: {status} {body}")
        self.staff_token = body["token"]

    def memory_mb(self) -> dict[str, float]:
        """VmRSS (now) and VmHWM (peak) of the server process, in MB."""
        out = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
        return out

    def cpu_times(self) -> dict[int, float]:
        """CPU seconds (user + system) used so far by each thread of the server."""
        tick = os.sysconf("SC_CLK_TCK")
        out = {}
        for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                stat = Path(f"/proc/{self.proc.pid}/task/{tid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            out[int(tid)] = (int(fields[11]) + int(fields[12])) / tick
        return out

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/task"))

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc:
            self.log.close()


def _admin() -> Any:
    """An autocommit connection to the `test` database on 127.0.0.1:5432 (psycopg 3, the project's
    driver, else psycopg2); None when there is no driver or no server."""
    kwargs = {"host": HOST, "port": 5432, "dbname": "test", "connect_timeout": 3}
    try:
        import psycopg

        return psycopg.connect(autocommit=True, **kwargs)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - no server: the bench skips PostgreSQL
        return None
    try:
        import psycopg2

        conn = psycopg2.connect(**kwargs)
    except Exception:  # noqa: BLE001 - ImportError, or no server
        return None
    conn.autocommit = True
    return conn


def postgres_url(name: str) -> str | None:
    """Create a fresh database next to `test` on 127.0.0.1:5432; None when there is no server."""
    conn = _admin()
    if conn is None:
        return None
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
        cur.execute("SHOW server_version")
        postgres_url.version = cur.fetchone()[0]  # type: ignore[attr-defined]
    conn.close()
    return f"postgresql://127.0.0.1:5432/{name}"  # SQLAlchemy's default PostgreSQL driver: psycopg 3


def drop_postgres(name: str) -> None:
    """Drop a database made by postgres_url (nothing when there is no server)."""
    conn = _admin()
    if conn is None:
        return
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
