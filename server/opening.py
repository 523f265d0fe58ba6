"""Opening a hall: its config loaded and checked, its database opened and migrated.

The start of every command, the server's included; it needs neither Flask nor Socket.IO,
so a CLI command (`hallq user add`, …) starts without them.
"""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.orm import Session

from .announce import announcement
from .config import ConfigError, config_path, database_url, load_config
from . import setup
from .notice import seed
from .queueing.clock import utcnow
from .storage import BUSY_TIMEOUT_S, Database


def open_database(path: Path | None = None, *, isolated: bool = False, busy_timeout_s: float = BUSY_TIMEOUT_S):
    """Load the config and open (and migrate) its database: the start of every command."""
    path = path or config_path()
    config = load_config(path)
    try:  # a wording the voice cannot say fails now, not at the first call
        announcement(config, "1001", 1)
    except ValueError as err:
        raise ConfigError(f"{path}: voice: {err}") from None
    db = Database(database_url(config, path), synchronous=config.server.sqlite_synchronous,
                  threads=config.server.db_threads, busy_timeout_s=busy_timeout_s)
    db.migrate(isolated=isolated)
    with Session(db.inline_engine) as s, s.begin():
        seed(s, config.display.notice, utcnow())  # a database without a notice row only
        setup.seed(s, config, utcnow())  # a database without a set-up row only
        _, doc = setup.load(s)
    try:
        hall = setup.applied(config, doc)
    except ConfigError as err:  # config.yaml's machine keys no longer fit the database's set-up
        raise ConfigError(f"{path}: with the set-up in the database: {err}") from None
    if differs := setup.differs_from_file(config, hall):
        logging.getLogger(__name__).warning(
            "%s: %s differ from the database's, which the hall uses (set up in /admin/hall, or "
            "`hallq config import FILE`)", path, ", ".join(differs))
    db.ensure_counters([c.number for c in hall.counters])
    return hall, path, db
