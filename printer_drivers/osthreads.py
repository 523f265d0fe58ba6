"""Real primitives for code that runs on OS threads, whatever eventlet has patched: decided here, once.

Printing runs on real OS threads: the server's printer workers, and the watchdog
thread that gives up on a driver call that never returns. Under eventlet's monkey
patching, ``threading``, ``queue``, ``select``, ``time.sleep``, ``os.read/write/open``
and ``socket`` become green: they wait on the hub of the thread that calls them.
Used across OS threads they break: a lock released on one thread never wakes a
waiter on another ("Cannot switch to a different thread") and that printer wedges
for good; a watchdog's ``join(timeout)`` only returns when the hub gets round to it;
a green ``select`` on a regular file fails with EPERM.

Whoever monkey-patches, and whenever (before or after this package is imported),
code on OS threads takes its primitives from the functions below. They look the
module up at each call: a module captured at import time would be patched in place
later. Nothing here imports eventlet; without it these are the plain stdlib.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

#: Each stdlib module, and the eventlet.monkey_patch() switch that greens it.
_SWITCH = {
    "_thread": "thread",
    "threading": "thread",
    "queue": "thread",
    "select": "select",
    "socket": "socket",
    "time": "time",
    "os": "os",
}
_logging_made_real = False


def green(switch: str = "thread") -> bool:
    """True when eventlet has monkey-patched this part of the stdlib ("thread", "select", "os", ...)."""
    patcher = sys.modules.get("eventlet.patcher")
    return patcher is not None and bool(patcher.is_monkey_patched(switch))


def real(name: str) -> ModuleType:
    """The unpatched stdlib module ``name`` (one of threading, queue, select, socket, time, os, _thread)."""
    if green(_SWITCH[name]):
        return sys.modules["eventlet.patcher"].original(name)
    return importlib.import_module(name)


def Lock() -> Any:  # noqa: N802 (named like threading.Lock)
    """A real mutex. A plain lock on purpose: eventlet turns RLocks made before patching green."""
    return real("_thread").allocate_lock()


def Event() -> Any:  # noqa: N802
    """A real threading.Event."""
    return real("threading").Event()


def SimpleQueue() -> Any:  # noqa: N802
    """A real queue.SimpleQueue; on timeout its get() raises ``real("queue").Empty``."""
    return real("queue").SimpleQueue()


def sleep(seconds: float) -> None:
    """Sleep this OS thread (not a green thread)."""
    real("time").sleep(seconds)


def select(rlist: list, wlist: list, xlist: list, timeout: float | None = None) -> tuple[list, list, list]:
    """select(2) itself; works on regular files and on any thread."""
    return real("select").select(rlist, wlist, xlist, timeout)


def start(target: Callable[..., Any], *args: Any, name: str) -> Any:
    """Start a real daemon thread running target(*args) and return it."""
    if green("thread"):
        _real_logging_locks()
    thread = real("threading").Thread(target=target, args=args, name=name, daemon=True)
    thread.start()
    return thread


def _real_logging_locks() -> None:
    """Give logging real locks, once: OS threads log, and a green handler lock wedges them.

    logging takes its module lock and each handler's lock around every record. Made
    after monkey patching (or greened by it) they are eventlet semaphores, and two OS
    threads logging at the same moment wedge one of them for good. A handler never
    yields while it holds its lock (it writes to a file or a stream), so a real lock
    costs the hub nothing but the write itself.
    """
    global _logging_made_real
    if _logging_made_real:
        return
    import logging

    rlock = real("threading").RLock
    logging._lock = rlock()  # type: ignore[attr-defined]  # getLogger() and configuration

    def create_lock(handler: logging.Handler) -> None:
        handler.lock = rlock()

    logging.Handler.createLock = create_lock  # type: ignore[method-assign]  # handlers made from now on
    for ref in list(getattr(logging, "_handlerList", [])):  # and those that exist already
        handler = ref()
        if handler is not None:
            handler.lock = rlock()
    _logging_made_real = True
