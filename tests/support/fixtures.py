"""Pytest fixtures over tests/support, for any test folder to import into its conftest.py:

    from tests.support.fixtures import auth, display, live_server, postgres_url  # noqa: F401

live_server (module): live_server(config=None, *, database_url=None, async_mode=None,
    directory=None, start=True, name="hallq", **hall_config_kwargs) -> LiveServer
auth (module): auth(server) -> HallAuth, one per database
display (function): display(server, token=None, **Display_kwargs) -> a connected Display
postgres_url (module): postgres_url() -> URL of a new empty database, dropped afterwards
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.support.auth import HallAuth
from tests.support.display import Display
from tests.support.hall import hall_config, write_config
from tests.support.postgres import create_database, drop_database
from tests.support.server import LiveServer

STARTED: list[LiveServer] = []  # running now, for failure reports


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """Start `hallq serve` processes; every one is stopped when the module ends.

    live_server(config=None, *, database_url=None, async_mode=None, directory=None,
                start=True, name="hallq", **hall_config_kwargs) -> LiveServer

    `config` is a dict (written to a fresh folder) or the Path of a written config;
    by default `hall_config(**hall_config_kwargs)`: the demo hall, open all day.
    Without `database_url` the database is hallq.db beside the config (SQLite).
    """
    mine: list[LiveServer] = []

    def start(config: dict[str, Any] | Path | None = None, *, database_url: str | None = None,
              async_mode: str | None = None, directory: Path | None = None, start: bool = True,
              name: str = "hallq", **hall_kwargs: Any) -> LiveServer:
        if isinstance(config, Path):
            path = config
        else:
            folder = directory or tmp_path_factory.mktemp(name)
            path = write_config(folder, config if config is not None else hall_config(**hall_kwargs))
        server = LiveServer(path, database_url=database_url, async_mode=async_mode, name=name)
        mine.append(server)
        STARTED.append(server)
        return server.start() if start else server

    yield start
    for server in mine:
        server.stop()
        STARTED.remove(server)


@pytest.fixture(scope="module")
def auth() -> Callable[[LiveServer], HallAuth]:
    """auth(server) -> HallAuth: tokens by name, made with the real CLI (one per database)."""
    made: dict[tuple[str, str | None], HallAuth] = {}

    def get(server: LiveServer) -> HallAuth:
        key = (str(server.sqlite_path or ""), server.database_url)
        if key not in made:
            made[key] = HallAuth(server)
        elif not made[key].server.running:
            made[key].server = server  # same database, a server that is up (for logins)
        return made[key]

    return get


@pytest.fixture
def display() -> Iterator[Callable[..., Display]]:
    """display(server, token=None, **kw) -> a connected Display (closed after the test)."""
    opened: list[Display] = []

    def connect(server: LiveServer, token: str | None = None, **kw: Any) -> Display:
        d = Display(server.url, token=token, **kw)
        opened.append(d)
        return d.connect()

    yield connect
    for d in opened:
        d.close()


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[Callable[[], str]]:
    """postgres_url() -> the URL of a new, empty PostgreSQL database, dropped when the module ends."""
    made: list[str] = []

    def new() -> str:
        url = create_database()
        made.append(url)
        return url

    yield new
    for url in made:
        drop_database(url)
