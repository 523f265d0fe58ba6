"""What every request needs: the config, the database, the engine, the hub, the limiters."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from flask import current_app
from sqlalchemy.orm import Session

from .auth import RateLimiter
from .config import HallConfig
from .queueing.clock import utcnow
from .queueing.engine import Engine, Outcome
from .state import HallView
from .storage import Database
from .unit import change

if TYPE_CHECKING:
    from .agents import Agents
    from .hashing import Hasher
    from .hub import Hub
    from .printing import Printers

T = TypeVar("T")
_swapping = threading.Lock()  # one set-up swap at a time: a newer version is never replaced by an older one


@dataclass
class Hall:
    config: HallConfig
    config_path: Path
    db: Database
    engine: Engine
    hub: "Hub"
    printers: "Printers"
    agents: "Agents"
    issue_limiter: RateLimiter
    login_limiter: RateLimiter  # per client address
    login_total: RateLimiter  # every address together
    hasher: "Hasher"
    clock: Callable[[], datetime] = utcnow
    principals: dict[str, Any] = field(default_factory=dict)  # token hash -> (principal, until)
    seen: dict[int, float] = field(default_factory=dict)  # device id -> monotonic time last recorded
    stop_close: Callable[[], None] | None = field(default=None, repr=False)  # set while started
    setup_version: int = 0  # the version of the set-up `config` holds (server/setup.py)
    upstream: Any = None  # config.Upstream: this center reports to a province (server/upstream.py)
    stop_upstream: Callable[[], None] | None = field(default=None, repr=False)  # set while pushing
    stop_site_summaries: Callable[[], None] | None = field(default=None, repr=False)  # a province's pass
    stop_webhooks: Callable[[], None] | None = field(default=None, repr=False)  # set while delivering
    poke_webhooks: Callable[[], None] | None = field(default=None, repr=False)  # after each change (server/unit.py)
    book_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(6))  # bookings, per address and per phone

    def start(self) -> None:
        """Start what runs beside the requests: database, hashing and printer threads, the live hub, the daily close."""
        from .closing import start_daily_close

        if self.stop_close is not None:
            return
        self.db.start(green=self.hub.socketio.server.eio.async_mode == "eventlet")
        self.hasher.start()
        self.hub.start()
        self.printers.recover()
        self.agents.start()
        self.stop_close = start_daily_close(self, self.hub.socketio)
        if self.upstream is not None:
            from .upstream import start_upstream

            self.stop_upstream = start_upstream(self, self.upstream, self.hub.socketio)
        if self.config.province:
            from .reports.site_summary import start_site_summaries

            self.stop_site_summaries = start_site_summaries(self, self.hub.socketio)
        if self.config.webhooks:
            from .webhooks import start_webhooks

            self.stop_webhooks, self.poke_webhooks = start_webhooks(self)

    def stop(self) -> None:
        """Stop all that start() began and wait for it to end; safe to call twice, or before start()."""
        stop_webhooks, self.stop_webhooks, self.poke_webhooks = self.stop_webhooks, None, None
        if stop_webhooks is not None:
            stop_webhooks()  # a delivery under way ends (or times out) before the database closes
        stop_upstream, self.stop_upstream = self.stop_upstream, None
        if stop_upstream is not None:
            stop_upstream()  # a push under way ends before the database closes
        stop_summaries, self.stop_site_summaries = self.stop_site_summaries, None
        if stop_summaries is not None:
            stop_summaries()
        stop_close, self.stop_close = self.stop_close, None
        if stop_close is not None:
            stop_close()  # first: a close under way still needs the database and the hub
        self.agents.stop()
        self.hub.stop()
        self.printers.stop()
        self.hub.socketio.server.eio.shutdown()  # Engine.IO's own ping task
        self.hasher.stop()
        self.db.stop()
        logging.getLogger(__name__).info("hallq stopped: %s", self.config_path)

    def use(self, config: HallConfig, version: int) -> bool:
        """Serve a newer set-up (services, counters, …) from now on; False if `version` is not newer."""
        with _swapping:
            if version <= self.setup_version:
                return False
            self.config = self.engine.config = config
            self.setup_version = version
        logging.getLogger(__name__).info("hall set-up version %d in use", version)
        return True

    def refresh_setup(self) -> bool:
        """Load the database's set-up if another process or `hallq config import` changed it; True if it did."""
        from . import setup

        if self.db.read(setup.version) <= self.setup_version:
            return False
        ver, doc = self.db.read(setup.load)
        return self.use(setup.applied(self.config, doc), ver)

    def change(self, work: Callable[[Session], Outcome], answer: Callable[[HallView, Outcome], T] | None = None,
               *, now: datetime | None = None, base_url: str = "") -> T | Outcome:
        """One unit of work on this hall (see `change`)."""
        return change(self, work, answer, now=now, base_url=base_url)


def hall() -> Hall:
    return current_app.extensions["hallq"]
