"""Fixtures for tests against a real `hallq serve` process: see tests/support/fixtures.py."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.fixtures import STARTED, auth, display, live_server, postgres_url  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs PostgreSQL at 127.0.0.1:5432; fails (never skips) when it is not there")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed test that used live servers shows the end of their logs."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and STARTED and "live_server" in getattr(item, "fixturenames", ()):
        for server in STARTED[-4:]:
            report.sections.append((f"{server.name} log ({server.log_path})", server.log_tail(60)))
