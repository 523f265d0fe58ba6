"""Fixtures for the kiosk PC's agent: a virtual serial printer, and `hallq agent` processes."""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from tests.agent.support import AgentProcess
from tests.printers.virtual_printer import PtyPrinter


@pytest.fixture
def pty_printer() -> Iterator[PtyPrinter]:
    """A virtual ESC/POS printer on a pty at 115200 baud; the agent prints to ``.url``."""
    printer = PtyPrinter()
    yield printer
    printer.close()


@pytest.fixture
def agent_process() -> Iterator[Callable[..., AgentProcess]]:
    """agent_process(*args, token=None) -> a running `hallq agent`; killed after the test if still running."""
    started: list[AgentProcess] = []

    def start(*args: str, token: str | None = None) -> AgentProcess:
        agent = AgentProcess(*args, token=token)
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.kill()


# Against a real `hallq serve` (tests/agent/test_agent_live.py): the integration folder's fixtures.
from tests.support.fixtures import STARTED, auth, live_server  # noqa: E402,F401


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed live test shows the end of its servers' logs."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and STARTED and "live_server" in getattr(item, "fixturenames", ()):
        for server in STARTED[-2:]:
            report.sections.append((f"{server.name} log ({server.log_path})", server.log_tail(60)))
