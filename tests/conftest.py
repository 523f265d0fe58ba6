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
