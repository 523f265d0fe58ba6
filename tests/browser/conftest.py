"""Browser tests: Debian's Chromium driven by Playwright against a real `hallq serve`.

Without Chromium (or Playwright) the tests skip on a developer's machine and FAIL under
CI=true, so a CI that lost its browser can never pass silently.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.support.auth import HallAuth
from tests.support.hall import closed_hours, hall_config, service, write_config
from tests.support.server import LiveServer

CHROMIUM = os.environ.get("HALLQ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
CLOSED = "DKKD"  # the demo hall's service that the browser tests' hall keeps closed
CAPPED = "CAP"   # an extra service that gives out one number a day
CAPPED_SERVICE = service(CAPPED, numbers="8001-8999", daily_cap=1, name="Giới hạn")
WAIT_MS = 15000  # the longest any one page expectation may take


try:  # page expectations wait as long as page actions do
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=WAIT_MS)
except ImportError:  # pragma: no cover - reported by the browser fixture
    pass


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium; never a downloaded browser.

    Module-scoped on purpose: Playwright's sync API allows one running instance per
    thread, so a session-long one would break any later test that starts its own
    (tests/test_voice.py does; the display tests' `sound_browser` is module-scoped too).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:  # pragma: no cover - the test extra installs it
        _unavailable(f"playwright is not installed ({err})")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def browser_hall(*, capped: bool = True, **kw: Any) -> dict[str, Any]:
    """The demo hall, open all day, except one service that is closed now (plus CAPPED)."""

    def edit(data: dict[str, Any]) -> None:
        for svc in data["services"]:
            if svc["code"] == CLOSED:
                svc["hours"] = closed_hours()

    kw["services"] = [CAPPED_SERVICE] * capped + list(kw.get("services", []))
    return hall_config(edit=edit, **kw)


class Hall:
    """A running server with the tokens the pages need."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.auth = HallAuth(server)
        self.kiosk = self.auth.kiosk("k1")
        self.staff = self.auth.staff("lan")

    @property
    def url(self) -> str:
        return self.server.url

    def waiting(self, code: str) -> int:
        resp = self.server.get("services")
        assert resp.status_code == 200, resp.text
        return next(s["waiting"] for s in resp.json() if s["code"] == code)

    def issue(self, code: str, **extra: Any) -> dict[str, Any]:
        resp = self.server.post("tickets", {"service": code, **extra}, token=self.kiosk)
        assert resp.status_code == 201, resp.text
        return resp.json()["ticket"]

    def counter(self, n: int, action: str, **kw: Any):
        return self.server.post(f"counters/{n}/{action}", kw.get("json"), token=self.staff)


def _starter(tmp_path_factory: pytest.TempPathFactory, started: list[LiveServer]) -> Callable[..., Hall]:
    def start(config: dict[str, Any] | None = None) -> Hall:
        folder = tmp_path_factory.mktemp("browser-hall")
        server = LiveServer(write_config(folder, config or browser_hall()), async_mode="eventlet", name="hallq")
        started.append(server)
        server.start()
        return Hall(server)

    return start


@pytest.fixture(scope="module")
def start_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Hall]]:
    """start_hall(config=None) -> Hall: a `hallq serve` process of its own, stopped when the module ends."""
    started: list[LiveServer] = []
    yield _starter(tmp_path_factory, started)
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """One hall shared by the browser tests; each test counts on its own services or devices."""
    started: list[LiveServer] = []
    yield _starter(tmp_path_factory, started)()
    for server in started:
        server.stop()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """new_page(width, height, **context_options) -> a page in a fresh context (fresh storage)."""
    contexts: list[Any] = []

    def make(width: int = 1080, height: int = 1920, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.js_errors = errors  # checked by tests that want a clean console
        return page

    yield make
    for context in contexts:
        context.close()


__all__ = ["Hall", "browser_hall", "service", "CAPPED", "CLOSED", "WAIT_MS"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where layout tests save screenshots: docs/screenshots/ with HALLQ_SCREENSHOTS=1, else a temp folder."""
    if os.environ.get("HALLQ_SCREENSHOTS") == "1":
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")
