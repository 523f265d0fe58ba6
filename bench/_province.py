"""The province bench's real parts: a province `hallq serve` process, and centers' pushers in worker processes.

Each worker process runs several centers' pushers, one OS thread each: the real
`server.upstream.Pusher` on the center's own database (built by bench/_province_data.py),
its `step()` in the loop `start_upstream` runs (push what waits, live figures every 5 s, back
off 1 s → 60 s while the province is unreachable). Only the loop around `step()` is the bench's,
so that the parent can start and stop one center's link. Every answer from the province is
timed by a `requests` response hook on the pusher's own session (`Response.elapsed`: from
sending the request to its answer's headers) and counted: kind, facts applied, bytes sent.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _server import HALLQ, HOST, Api, _cli, bench_config, free_port  # noqa: E402

CTX = mp.get_context("spawn")


def province_config(workdir: Path) -> Path:
    """The bench's hall (bench/_server.py), as a province."""
    path = bench_config(workdir)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["province"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class Province:
    """A `hallq serve` with `province: true` on SQLite (beside its config) or a PostgreSQL URL."""

    def __init__(self, workdir: Path, mode: str, database_url: str | None = None) -> None:
        self.workdir, self.mode = workdir, mode
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = province_config(workdir)
        self.url_db = database_url or f"sqlite:///{workdir / 'hallq.db'}"
        self.env = {**os.environ, "HALLQ_CONFIG": str(self.config), "HALLQ_DATABASE_URL": self.url_db}
        self.env.pop("HALLQ_ASYNC_MODE", None)
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._engine = None

    def add_site(self, name: str) -> str:
        return _cli(["site", "add", name], self.env).strip().splitlines()[-1]

    def start(self, timeout: float = 60.0) -> float:
        """Start it; seconds until /healthz answers."""
        t0 = time.monotonic()
        log = open(self.workdir / "serve.log", "ab")
        self.proc = subprocess.Popen(
            [str(HALLQ), "serve", "--config", str(self.config), "--host", HOST, "--port", str(self.port),
             "--async-mode", self.mode], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the province exited with {self.proc.returncode}; see {self.workdir}/serve.log")
            try:
                api = Api(self.port, timeout=2)
                status, _ = api.call("GET", "/healthz")
                api.close()
                if status == 200:
                    return time.monotonic() - t0
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the province did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def _db(self) -> Any:
        if self._engine is None:
            from sqlalchemy import create_engine

            self._engine = create_engine(self.url_db)
        return self._engine

    def acked(self) -> dict[str, int]:
        """Each center's acked_seq, read straight from the province's database."""
        from sqlalchemy import text

        with self._db().connect() as conn:
            return dict(conn.execute(text("SELECT name, acked_seq FROM sites")).all())

    def facts_stored(self) -> tuple[int, int]:
        """Rows in site_tickets, and distinct (site, ticket) among them."""
        from sqlalchemy import text

        with self._db().connect() as conn:
            return tuple(conn.execute(text(  # type: ignore[return-value]
                "SELECT COUNT(*), COUNT(DISTINCT site_id * 100000000 + ticket_id) FROM site_tickets")).one())

    def size_mb(self) -> dict[str, float]:
        """The database on disk: all of it, and site_tickets with its indexes."""
        from sqlalchemy import text

        with self._db().connect() as conn:
            if self.url_db.startswith("sqlite"):
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                path = Path(self.url_db.removeprefix("sqlite:///"))
                total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
                try:
                    table = conn.execute(text(
                        "SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                        "WHERE tbl_name = 'site_tickets')")).scalar_one()
                except Exception:  # noqa: BLE001 - SQLite built without dbstat
                    table = None
            else:
                total = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
                table = conn.execute(text("SELECT pg_total_relation_size('site_tickets')")).scalar_one()
        return {"total": total / 1e6, "site_tickets": table / 1e6 if table else None}

    def backend_pids(self) -> list[int]:
        """PostgreSQL: the server processes serving the province's connections (none on SQLite)."""
        if self.url_db.startswith("sqlite"):
            return []
        from sqlalchemy import text

        with self._db().connect() as conn:
            return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND pid <> pg_backend_pid()")).scalars())

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


# -- the centers' pushers, in worker processes ---------------------------------------------------


def _worker(conn: Any, province_url: str, centers: list[tuple[str, str, str]], config_path: str,
            log_path: str) -> None:
    """Run these centers' pushers as the parent says: start / stop (names, batch_seqs) / take / quit."""
    logging.basicConfig(filename=log_path, level=logging.INFO,
                        format="%(asctime)s %(threadName)s %(levelname)s %(message)s")
    from server.config import Upstream, parse_config
    from server.storage import Database
    from server.upstream import Pusher

    config = parse_config(yaml.safe_load(Path(config_path).read_text(encoding="utf-8")))
    clock = lambda: datetime.now(timezone.utc)  # noqa: E731
    dbs = {name: Database(url) for name, _, url in centers}
    tokens = {name: token for name, token, _ in centers}
    lock = threading.Lock()
    samples: list[tuple] = []  # (center, kind, status, elapsed_s, applied, bytes_sent, done_at)
    running: dict[str, tuple[threading.Event, threading.Thread]] = {}

    def hook(name: str):
        def record(resp: Any, *args: Any, **kwargs: Any) -> None:
            kind = resp.request.url.rsplit("/", 1)[-1]
            applied = 0
            if kind == "facts" and resp.status_code == 200:
                applied = resp.json().get("applied", 0)
            with lock:
                samples.append((name, kind, resp.status_code, resp.elapsed.total_seconds(), applied,
                                len(resp.request.body or b""), time.monotonic()))
        return record

    def loop(pusher: Pusher, stopped: threading.Event) -> None:  # start_upstream's loop
        while not stopped.is_set():
            try:
                wait = pusher.step()
            except Exception:  # noqa: BLE001
                logging.exception("pushing to the province failed")
                wait = 60.0
            if wait:
                stopped.wait(wait)
            else:
                time.sleep(0)

    def start(names: list[str], batch_seqs: int) -> None:
        for name in names:
            hall = SimpleNamespace(db=dbs[name], config=config, clock=clock)
            pusher = Pusher(hall, Upstream(url=province_url, token=tokens[name], batch_seqs=batch_seqs))
            pusher.http.hooks["response"].append(hook(name))
            stopped = threading.Event()
            thread = threading.Thread(target=loop, args=(pusher, stopped), name=name, daemon=True)
            running[name] = (stopped, thread)
            thread.start()

    def stop(names: list[str]) -> None:
        for name in names:
            stopped, _ = running[name]
            stopped.set()
        for name in names:
            running.pop(name)[1].join()

    conn.send("ready")
    while True:
        command, *args = conn.recv()
        if command == "start":
            start(*args)
        elif command == "stop":
            stop(args[0] if args else list(running))
        elif command == "take":
            with lock:
                taken, samples[:] = list(samples), []
            conn.send(taken)
            continue
        elif command == "quit":
            stop(list(running))
            conn.send("bye")
            return
        conn.send("ok")


class Pushers:
    """The centers' pushers, spread over `procs` worker processes."""

    def __init__(self, province_url: str, centers: list[tuple[str, str, str]], config_path: Path, procs: int,
                 workdir: Path) -> None:
        self.where: dict[str, int] = {}
        self.pipes, self.procs = [], []
        for i in range(procs):
            mine = centers[i::procs]
            parent, child = CTX.Pipe()
            proc = CTX.Process(target=_worker, args=(child, province_url, mine, str(config_path),
                                                     str(workdir / f"pushers-{i}.log")), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
            for name, *_ in mine:
                self.where[name] = i
        for pipe in self.pipes:
            assert pipe.recv() == "ready"

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def _each(self, names: list[str], command: str, *args: Any) -> None:
        for i, pipe in enumerate(self.pipes):
            mine = [n for n in names if self.where[n] == i]
            if mine:
                pipe.send((command, mine, *args))
        for i, pipe in enumerate(self.pipes):
            if any(self.where[n] == i for n in names):
                assert pipe.recv() == "ok"

    def start(self, names: list[str], batch_seqs: int) -> None:
        self._each(names, "start", batch_seqs)

    def stop(self, names: list[str]) -> None:
        self._each(names, "stop")

    def take(self) -> list[tuple]:
        out = []
        for pipe in self.pipes:
            pipe.send(("take",))
        for pipe in self.pipes:
            out += pipe.recv()
        return out

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("quit",))
                pipe.recv()
            except (OSError, EOFError):
                pass
        for proc in self.procs:
            proc.join(20)
            if proc.is_alive():
                proc.kill()
