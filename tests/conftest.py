"""Fixtures shared by every test: the demo hall, open all day, on a fresh database."""
from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from server.config import HallConfig, parse_config
from server.queueing.engine import Engine
from server.storage import Database

ROOT = Path(__file__).resolve().parent.parent


def demo_config_data(**server) -> dict:
    """The repository's config.yaml with every service open around the clock."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for svc in data["services"]:
        svc["hours"] = ["00:00-24:00"]
    data["center"]["enforce_hours"] = True
    data.setdefault("server", {}).update(server)
    return data


@pytest.fixture
def config() -> HallConfig:
    return parse_config(demo_config_data())


@pytest.fixture
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'hall.db'}", synchronous="normal")
    database.migrate()
    return database


@pytest.fixture
def engine(config) -> Engine:
    return Engine(config)


@pytest.fixture
def noon() -> datetime:
    """26/11/2026 12:00 in Hanoi time."""
    return datetime(2026, 11, 26, 5, 0, tzinfo=timezone.utc)


# -- the hall in this process (tests/support/app.py) ----------------------------------------

@pytest.fixture
def in_process(tmp_path_factory):
    """in_process(config=None, *, start=True, folder=None, **hall_config_kwargs) -> a started InProcessHall,
    stopped after the test.

    `config` is a hall config dict (default: `hall_config(**hall_config_kwargs)`, the demo hall
    open all day), written to `folder` (a fresh one by default; pass the same folder again
    for a "restarted" hall on the same database). The app runs in threading mode with the
    test's clock (`hall.later(...)`).
    """
    from tests.support.app import InProcessHall
    from tests.support.hall import hall_config

    made: list[InProcessHall] = []

    def make(config: dict | None = None, *, start: bool = True, folder: Path | None = None,
             **hall_kwargs) -> InProcessHall:
        hall = InProcessHall(folder or tmp_path_factory.mktemp("hall"),
                             config if config is not None else hall_config(**hall_kwargs), start=start)
        made.append(hall)
        return hall

    yield make
    for hall in made:
        hall.stop()


# -- the fast lane: what starts processes or browsers is slow ----------------------------------

#: Fixtures that start a `hallq serve` process or a browser: a test using one is `slow`.
SLOW_FIXTURES = frozenset({"live_server", "browser", "new_page", "start_hall", "sound_browser"})
BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `slow` every test that uses a process or browser fixture, whatever its module says.

    Every test under tests/browser is slow too. The fast lane (`pytest -m "not slow"`) is then
    in-process tests only; modules that start processes another way (the `hallq` CLI, an
    eventlet child) carry `pytestmark = pytest.mark.slow`.
    """
    for item in items:
        slow = SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or BROWSER_TESTS in Path(item.path).parents
        if slow and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
