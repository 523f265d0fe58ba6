"""Password hashes on their own OS threads, a few at a time.

argon2id as configured costs 64 MiB and tens of milliseconds of CPU per hash. On eventlet's
tpool, where every database wait also sits, a login flood once took the hall down: 40
logins at a time held 20 pool threads and 1.3 GB, and kiosks waited seconds for their
database answers. So hashes run here instead: `threads` real OS threads of their own, and a
hash that finds them busy with `waiting` more already queued is refused at once
(`HashersBusy`, a 429), so neither memory nor a queue can grow under a flood.

Under eventlet the caller waits on a pipe the worker writes to, so the hub goes on and no
tpool thread is held; under threading it waits on a real event.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from .queueing.errors import QueueError
from printer_drivers import osthreads

T = TypeVar("T")
HASH_NICE = 10


class HashersBusy(QueueError):
    """Every hashing thread is busy and the few places in line are taken."""

    def __init__(self) -> None:
        super().__init__("rate_limited")


def _settle_os_thread(name: str, threading: Any, os: Any) -> None:
    """Name the thread for the OS (`ps -L`, `top -H`) and lower its CPU priority.

    argon2 runs its lanes on threads of its own, which inherit both: at nice 10 a hash takes
    whatever CPU the hub and the database threads leave, instead of half of it.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass  # not Linux: the name is only cosmetic
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)  # Linux: per thread
    except (OSError, AttributeError):
        pass


def _green() -> bool:
    if "eventlet" not in sys.modules:
        return False
    from eventlet import patcher

    return patcher.is_monkey_patched("thread")


class _Job:
    __slots__ = ("fn", "args", "result", "error", "done", "wake")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], done: Any, wake: int | None) -> None:
        self.fn, self.args = fn, args
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = done  # a real threading.Event
        self.wake = wake  # under eventlet: the write end of the caller's pipe


class Hasher:
    """Runs password hashes on `threads` OS threads; at most `waiting` more wait for one."""

    def __init__(self, threads: int = 2, waiting: int = 4, name: str = "hallq-hash") -> None:
        self.threads = threads
        self.limit = threads + waiting
        self._threading = osthreads.real("threading")
        self._os = osthreads.real("os")
        self._jobs = osthreads.real("queue").SimpleQueue()
        self._lock = self._threading.Lock()  # held for a few instructions only, never across a wait
        self._in_flight = 0
        self.peak = 0
        self.refused = 0
        self.name = name
        self._workers: list[Any] = []  # started by start() or the first hash: an app only built has none

    def start(self) -> None:
        """Start the hashing threads (the first hash does it too); nothing if they run already."""
        with self._lock:
            if not self._workers:
                self._workers = [self._threading.Thread(target=self._work, args=(f"{self.name}-{i}",),
                                                        name=f"{self.name}-{i}", daemon=True)
                                 for i in range(self.threads)]
                for worker in self._workers:
                    worker.start()

    def stop(self) -> None:
        """End the hashing threads after the hashes queued; the next hash starts them again."""
        with self._lock:
            workers, self._workers = self._workers, []
        for _ in workers:
            self._jobs.put(None)
        for worker in workers:
            worker.join()

    def _work(self, name: str) -> None:
        _settle_os_thread(name, self._threading, self._os)
        while (job := self._jobs.get()) is not None:
            try:
                job.result = job.fn(*job.args)
            except BaseException as err:  # handed back to the caller
                job.error = err
            job.done.set()
            if job.wake is not None:  # the pipe's write end is ours to close
                try:
                    self._os.write(job.wake, b"\0")
                except OSError:
                    pass  # the caller stopped waiting (its greenthread was killed)
                finally:
                    self._os.close(job.wake)

    @contextmanager
    def slot(self) -> Iterator["Hasher"]:
        """Hold a place for one hash, or raise HashersBusy now (before any other work is done)."""
        with self._lock:
            if self._in_flight >= self.limit:
                self.refused += 1
                raise HashersBusy()
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        try:
            yield self
        finally:
            with self._lock:
                self._in_flight -= 1

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on a hashing thread; call it inside `slot()`."""
        green = _green()
        read_end, write_end = self._os.pipe() if green else (None, None)
        job = _Job(fn, args, self._threading.Event(), write_end)
        self.start()
        try:
            self._jobs.put(job)
            if green:
                from eventlet.hubs import trampoline

                trampoline(read_end, read=True)  # the hub goes on; the worker's byte wakes us
            job.done.wait()  # already set under eventlet
        finally:
            if green:
                self._os.close(read_end)
        if job.error is not None:
            raise job.error
        return job.result

    def __call__(self, fn: Callable[..., T], *args: Any) -> T:
        """Take a place and hash: `hasher(auth.hash_password, password)`."""
        with self.slot():
            return self.run(fn, *args)
