"""The database: engines, SQLite settings, migrations, and the threads that run every query.

Why threads: under eventlet, sqlite3 and psycopg2 block in C, and SQLite's busy
handler sleeps in C while another process holds the write lock. Run on the hub,
one such call freezes every display. So no query ever runs on the hub: one
writer thread takes every write transaction (SQLite has a single writer anyway,
and every write takes the hall row's lock on PostgreSQL), and reader threads take
snapshots. Each thread owns its own engine, so no pool lock is ever shared
between OS threads (eventlet's patched locks are not safe across them).
"""
from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, configure_mappers

from printer_drivers import osthreads  # the one place that says what is real on OS threads

from .queueing.errors import QueueError
from .queueing.models import CounterState, Hall

T = TypeVar("T")
log = logging.getLogger(__name__)
BUSY_TIMEOUT_S = 5.0  # how long a write waits for another process's lock (tests pass a shorter one)
GROUP_COMMIT_MAX = 32
RECONNECT_PAUSE_S = 0.2  # before the one retry on a fresh connection (a restarting server needs a moment)
# PostgreSQL SQLSTATEs of a lost connection: class 08 (connection exception), and the server
# shutting down or starting up (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
_DROPPED_CLASS, _DROPPED_STATES = "08", frozenset(("57P01", "57P02", "57P03"))
_DROPPED_WORDS = ("server closed the connection", "connection failed", "could not connect", "connection refused",
                  "terminating connection", "connection is closed", "the connection is lost")


class DatabaseBusy(QueueError):
    """The database stayed locked past the busy timeout."""


def make_engine(url: str, *, writer: bool, synchronous: str = "full", busy_timeout_s: float = BUSY_TIMEOUT_S) -> Engine:
    """An engine for one thread: SQLite in WAL with explicit BEGIN (IMMEDIATE for writers)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=1, max_overflow=2,
                               connect_args={"timeout": busy_timeout_s, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL: a ticket that was answered survives a power cut, not just a crash.
            cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front, so a write never fails half-way
            # on a lock upgrade; readers use a plain (snapshot) BEGIN.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine
    options = f"-c lock_timeout={int(busy_timeout_s * 1000)} -c statement_timeout=30000"
    try:  # Readers see one consistent snapshot (the state and its seq agree).
        return create_engine(url, pool_size=1, max_overflow=2, pool_pre_ping=True,
                             connect_args={"options": options},
                             isolation_level="READ COMMITTED" if writer else "REPEATABLE READ")
    except ImportError as err:  # the driver is the `postgres` extra: a SQLite hall does without it
        raise ImportError(f"{parsed.drivername} needs its driver ({err.name or err}): "
                          "pip install 'hallq[postgres]'") from None


class _Job:
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn: Callable[[Session], Any], threading: Any) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class Database:
    """Runs `fn(session)` in a transaction, inline or on the database threads."""

    def __init__(self, url: str, *, synchronous: str = "full", threads: int = 3,
                 busy_timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.url = url
        self.synchronous = synchronous
        self.threads = threads
        self.busy_timeout_s = busy_timeout_s
        self.dialect = make_url(url).get_backend_name()
        self._inline = make_engine(url, writer=True, synchronous=synchronous, busy_timeout_s=busy_timeout_s)
        self._queues: dict[str, Any] = {}
        self._threads: list[tuple[Any, Any, Engine]] = []  # (thread, its queue, its engine)
        self._green = False
        self._threading: Any = None
        self._hub_thread = 0

    # -- setup -----------------------------------------------------------

    def migrate(self, *, isolated: bool = False) -> None:
        """Create or upgrade the schema to the newest migration, then seed the hall row."""
        from .migrate import upgrade

        upgrade(self._inline, isolated=isolated)
        configure_mappers()  # now, once, instead of racing on first use in several threads
        with Session(self._inline) as s, s.begin():
            if s.get(Hall, 1) is None:
                s.add(Hall(id=1, seq=0, secret_key=secrets.token_hex(32)))

    def ensure_counters(self, numbers: list[int]) -> None:
        with Session(self._inline) as s, s.begin():
            have = set(s.execute(select(CounterState.number)).scalars())
            for n in numbers:
                if n not in have:
                    s.add(CounterState(number=n, status="closed"))

    def start(self, *, green: bool) -> None:
        """Start the writer and reader threads; until then every call runs inline."""
        self._green = green
        self._threading = osthreads.real("threading")
        self._hub_thread = self._threading.get_ident()
        queue = osthreads.real("queue")
        self._queues = {"write": queue.SimpleQueue(), "read": queue.SimpleQueue()}
        roles = ["write"] + ["read"] * max(1, self.threads - 1)
        for i, role in enumerate(roles):
            engine = make_engine(self.url, writer=role == "write", synchronous=self.synchronous,
                                 busy_timeout_s=self.busy_timeout_s)
            t = self._threading.Thread(target=self._work, args=(role, engine), name=f"hallq-db-{role}-{i}",
                                       daemon=True)
            t.start()
            self._threads.append((t, self._queues[role], engine))

    def stop(self) -> None:
        """Finish the queued work, end the threads and close their connections; calls run inline again.

        Safe to call twice, or without start().
        """
        threads, self._threads = self._threads, []
        self._queues = {}
        for _, jobs, _ in threads:
            jobs.put(None)  # each thread takes one and ends; what was queued before it runs first
        for thread, _, engine in threads:
            thread.join()
            engine.dispose()

    def _work(self, role: str, engine: Engine) -> None:
        jobs = self._queues[role]
        empty = osthreads.real("queue").Empty
        while True:
            first = jobs.get()
            if first is None:
                return
            batch = [first]
            if role == "write":  # group commit: what queued meanwhile shares one commit (one fsync)
                while len(batch) < GROUP_COMMIT_MAX:
                    try:
                        job = jobs.get_nowait()
                    except empty:
                        break
                    if job is None:  # stopping: put it back for after this batch
                        jobs.put(None)
                        break
                    batch.append(job)
            if len(batch) == 1:
                job = batch[0]
                try:
                    job.result = self._transaction(engine, job.fn, write=role == "write")
                except BaseException as err:  # handed back to the waiting request
                    job.error = err
            else:
                self._group(engine, batch)
            for job in batch:
                job.done.set()

    # -- running ---------------------------------------------------------

    @staticmethod
    def _busy(err: DBAPIError) -> BaseException:
        """A held lock past the busy timeout, or a database that stayed away: 503, try again."""
        if Database._dropped(err):
            return DatabaseBusy("database_busy")
        text = str(err.orig).lower()
        if isinstance(err, OperationalError) and ("locked" in text or "lock timeout" in text or "busy" in text):
            return DatabaseBusy("database_busy")
        return err

    @staticmethod
    def _dropped(err: BaseException) -> bool:
        """The connection to the database was lost (a terminated backend, a restart, a cut network)."""
        if not isinstance(err, DBAPIError):
            return False
        if err.connection_invalidated:  # SQLAlchemy's own disconnect check, per driver
            return True
        state = str(getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None) or "")
        if state.startswith(_DROPPED_CLASS) or state in _DROPPED_STATES:
            return True
        text = str(err.orig).lower()
        return any(words in text for words in _DROPPED_WORDS)

    @staticmethod
    def _lock_hall(s: Session) -> None:
        """On PostgreSQL every write takes the hall row's lock first.

        Every write bumps the hall's seq anyway; taking that lock before any other
        means writers from several processes queue in one place and can never
        deadlock, even when one transaction carries a group of requests.
        (SQLite's BEGIN IMMEDIATE is already that one lock.)
        """
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT seq FROM hall WHERE id = 1 FOR UPDATE"))

    @staticmethod
    def _again(err: BaseException, committing: bool, retried: bool) -> bool:
        """Run the transaction once more on a fresh connection?

        Only when the connection dropped before COMMIT was sent: the database rolls back a
        transaction whose connection is gone, so nothing of it stayed and running it again
        cannot do anything twice. A connection lost during COMMIT leaves the outcome unknown
        (committed, with the answer lost, or not): that one is never run again; it answers
        503, and a client that retries with its idempotency key gets the ticket that was made.
        """
        if not Database._dropped(err):
            return False
        if committing or retried:
            log.warning("database connection lost %s (%s); answering 503 database_busy",
                        "during COMMIT" if committing else "again", str(getattr(err, "orig", err)).strip().splitlines()[0])
            return False
        log.warning("database connection lost (%s); running the transaction again on a fresh connection",
                    str(getattr(err, "orig", err)).strip().splitlines()[0])
        osthreads.sleep(RECONNECT_PAUSE_S)  # a real sleep: this is a database thread
        return True

    @classmethod
    def _transaction(cls, engine: Engine, fn: Callable[[Session], T], *, write: bool = True) -> T:
        for attempt in (1, 2):
            committing = False
            try:
                with Session(engine, expire_on_commit=False) as s, s.begin():
                    if write:
                        cls._lock_hall(s)
                    result = fn(s)
                    s.flush()
                    committing = True  # from here the COMMIT may reach the database
                return result
            except DBAPIError as err:
                if cls._again(err, committing, retried=attempt > 1):
                    continue
                mapped = cls._busy(err)
                if mapped is err:
                    raise
                raise mapped from err
        raise AssertionError("unreachable")

    @classmethod
    def _group(cls, engine: Engine, batch: list[_Job]) -> None:
        """Several writes in one transaction, each in its own savepoint, answered after the one commit.

        A refused job rolls back to its savepoint and leaves the others alone; if the
        commit itself fails, every job gets the error, so nothing unsaved is answered.
        A connection lost before the commit runs the whole group once more (see _again).
        """
        for attempt in (1, 2):
            results: list[tuple[_Job, Any]] = []
            for job in batch:
                job.error = None
            committing = False
            try:
                with Session(engine, expire_on_commit=False) as s, s.begin():
                    cls._lock_hall(s)
                    for job in batch:
                        try:
                            with s.begin_nested():
                                results.append((job, job.fn(s)))
                        except DBAPIError as err:
                            if isinstance(err, OperationalError) or cls._dropped(err):
                                raise
                            job.error = err
                        except BaseException as err:
                            job.error = err
                    s.flush()
                    committing = True
            except DBAPIError as err:
                if cls._again(err, committing, retried=attempt > 1):
                    continue
                failure = cls._busy(err)
                for job in batch:
                    job.error = job.error or failure
                return
            except BaseException as err:
                for job in batch:
                    job.error = job.error or err
                return
            for job, result in results:
                job.result = result
            return

    def _run(self, role: str, fn: Callable[[Session], T]) -> T:
        if not self._queues:
            return self._transaction(self._inline, fn, write=role == "write")
        job = _Job(fn, self._threading)
        self._queues[role].put(job)
        if self._green and self._threading.get_ident() == self._hub_thread:
            from eventlet import tpool

            tpool.execute(job.done.wait)  # the hub goes on while a real thread waits
        else:
            job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def write_later(self, fn: Callable[[Session], Any]) -> None:
        """Queue a write nobody waits for (bookkeeping such as a device's last-seen time)."""
        if not self._queues:
            self._transaction(self._inline, fn)
            return
        self._queues["write"].put(_Job(fn, self._threading))

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run fn in a write transaction and commit it before returning."""
        return self._run("write", fn)

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run fn in a read-only snapshot."""
        return self._run("read", fn)

    @property
    def inline_engine(self) -> Engine:
        return self._inline


def offload(fn: Callable[..., T], *args: Any) -> T:
    """Run CPU-heavy work (a password hash) off the eventlet hub when there is one."""
    if "eventlet" in sys.modules:
        from eventlet import patcher, tpool

        if patcher.is_monkey_patched("thread"):
            return tpool.execute(fn, *args)
    return fn(*args)
