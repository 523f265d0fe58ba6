"""What every request needs: the config, the database, the engine, the hub, the limiters."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from flask import current_app

from .auth import RateLimiter
from .config import HallConfig
from .queueing.clock import utcnow
from .queueing.engine import Engine
from .storage import Database

if TYPE_CHECKING:
    from .hashing import Hasher
    from .hub import Hub
    from .printing import Printers


@dataclass
class Hall:
    config: HallConfig
    config_path: Path
    db: Database
    engine: Engine
    hub: "Hub"
    printers: "Printers"
    issue_limiter: RateLimiter
    login_limiter: RateLimiter  # per client address
    login_total: RateLimiter  # every address together
    hasher: "Hasher"
    clock: Callable[[], datetime] = utcnow
    principals: dict[str, Any] = field(default_factory=dict)  # token hash -> (principal, until)
    seen: dict[int, float] = field(default_factory=dict)  # device id -> monotonic time last recorded


def hall() -> Hall:
    return current_app.extensions["hallq"]
