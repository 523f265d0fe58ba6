"""Report tests: the demo hall on real SQLite and PostgreSQL databases."""
from __future__ import annotations

from typing import Iterator

import pytest

from server.config import parse_config
from server.queueing.engine import Engine
from server.storage import Database
from tests.conftest import demo_config_data
from tests.support.fixtures import auth, live_server, postgres_url  # noqa: F401


def report_config(**center):
    """The demo hall open all day; civil status (HT) has a 10-minute target wait."""
    data = demo_config_data()
    for svc in data["services"]:
        if svc["code"] == "HT":
            svc["target_wait_s"] = 600
    data["center"].update(center)
    return parse_config(data)


@pytest.fixture
def config():
    return report_config()


@pytest.fixture
def engine(config) -> Engine:
    return Engine(config)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])  # PostgreSQL: the full suite
def db(request, tmp_path, postgres_url) -> Iterator[Database]:  # noqa: F811
    """A migrated database of each kind; queries run inline (no threads) in these tests."""
    url = f"sqlite:///{tmp_path / 'hall.db'}" if request.param == "sqlite" else postgres_url()
    database = Database(url, synchronous="normal")
    database.migrate()
    database.ensure_counters(list(range(1, 11)))
    yield database
    database.inline_engine.dispose()
