"""Helpers for the display tests: a Chromium that may play sound, a hall server, board pages.

The board speaks through Web Audio; Chromium plays it in real time even headless (to a
null sink), so a test that waits for an announcement waits for its real length (~9 s).
What was played is read from the page's own hook, `window.hallqVoice`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from voice import announce
from tests.support.auth import HallAuth
from tests.support.hall import hall_config, write_config
from tests.support.server import LiveServer

CHROMIUM = os.environ.get("HALLQ_CHROMIUM", "/usr/bin/chromium")  # as tests/browser/conftest.py
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]  # as a hall TV runs it (docs/displays.md)
WAIT_MS = 15000       # a page change that follows an HTTP call
SPEAK_MS = 60000      # one or two announcements, said in real time
TEMPLATE = "Mời công dân có số thứ tự {number} đến quầy số {counter}"


@pytest.fixture(scope="module")
def sound_browser(browser: Any) -> Iterator[Any]:
    """Headless Debian Chromium that lets pages play sound without a click, as a hall TV does.

    Launched from the Playwright of tests/browser/conftest.py's `browser` (one Playwright at a
    time per process; that fixture also fails under CI=true when Chromium is missing).
    """
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def display_config(**voice: Any) -> dict[str, Any]:
    """The demo hall open all day (config.yaml's `display.boards` included), with voice changes."""

    def edit(data: dict[str, Any]) -> None:
        data["voice"].update(voice)

    return hall_config(edit=edit)


class DisplayHall:
    """A running `hallq serve` with a staff login and a kiosk, and the calls the tests make."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.auth = HallAuth(server)
        self.staff = self.auth.staff("lan")
        self.kiosk = self.auth.kiosk("k1")

    @property
    def url(self) -> str:
        return self.server.url

    def issue(self, service: str) -> dict[str, Any]:
        resp = self.server.post("tickets", {"service": service}, token=self.kiosk)
        assert resp.status_code == 201, resp.text
        return resp.json()["ticket"]

    def act(self, counter: int, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        resp = self.server.post(f"counters/{counter}/{action}", body, token=self.staff)
        assert resp.status_code == 200, f"{action} at {counter}: {resp.status_code} {resp.text}"
        return resp.json()

    def call(self, counter: int, service: str) -> str:
        """Issue a ticket of `service` and call it at `counter` (finishing what it served)."""
        self.clear(counter)
        number = self.issue(service)["number"]
        called = self.act(counter, "call-next")["ticket"]
        assert called["number"] == number, f"counter {counter} called {called['number']}, not {number}"
        return number

    def clear(self, counter: int) -> None:
        """Finish the counter's current ticket, if any, so that it can call the next."""
        state = next(c for c in self.server.state()["counters"] if c["number"] == counter)
        if state["current"] is not None:
            self.act(counter, "finish")

    def display_token(self, name: str) -> str:
        return self.auth.display(name)


def start_display_hall(folder: Path, config: dict[str, Any] | None = None) -> DisplayHall:
    server = LiveServer(write_config(folder, config or display_config()), async_mode="eventlet", name="hallq")
    server.start()
    return DisplayHall(server)


@pytest.fixture(scope="module")
def display_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DisplayHall]:
    """One hall shared by a module's tests; each test uses its own counters and services."""
    hall = start_display_hall(tmp_path_factory.mktemp("display-hall"))
    yield hall
    hall.server.stop()


class Screen:
    """A board or counter page and what it shows, heard and saw."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.ogg: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("request", lambda req: self.ogg.append(req.url) if req.url.endswith(".ogg") else None)

    def live(self) -> "Screen":
        self.page.wait_for_function("document.body.dataset.state === 'live' && window.hallqDisplay"
                                    " && window.hallqDisplay.snapshots >= 1", timeout=WAIT_MS)
        return self

    def voice(self) -> dict[str, Any]:
        return self.page.evaluate("window.hallqVoice")

    def announcements(self) -> list[dict[str, Any]]:
        return self.page.evaluate("window.hallqVoice.announcements")

    def wait_announced(self, count: int, timeout: int = SPEAK_MS) -> list[dict[str, Any]]:
        """Wait until `count` announcements have ended; returns them."""
        self.page.wait_for_function(f"window.hallqVoice.announcements.length >= {count}", timeout=timeout)
        return self.announcements()

    def wait_speaking(self, count: int = 1, timeout: int = WAIT_MS) -> None:
        """Wait until the `count`-th announcement has started."""
        self.page.wait_for_function(
            f"window.hallqVoice.announcements.length + (window.hallqVoice.state === 'playing' ? 1 : 0) >= {count}",
            timeout=timeout)

    def seq(self) -> int:
        return self.page.evaluate("window.hallqDisplay.seq")

    def text(self, selector: str) -> str:
        return (self.page.text_content(selector) or "").strip()


@pytest.fixture
def open_screen(sound_browser: Any) -> Iterator[Callable[..., Screen]]:
    """open_screen(url, width=1920, height=1080, browser=None) -> a live Screen in a fresh context."""
    contexts: list[Any] = []

    def make(url: str, width: int = 1920, height: int = 1080, browser: Any = None, wait: bool = True,
             init_script: str | None = None) -> Screen:
        context = (browser or sound_browser).new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        screen = Screen(page)
        page.goto(url)
        return screen.live() if wait else screen

    yield make
    for context in contexts:
        context.close()


def expected_clips(number: str, counter: int, *, repeat: int = 1, reading: str = "words") -> list[str]:
    """What the board should play for a call: the chime once, then the sentence `repeat` times."""
    clips = announce(number, counter, template=TEMPLATE, reading=reading, pack="vi-espeak")["clips"]
    chime, sentence = clips[:1], clips[1:]
    assert chime[0].endswith("/chime.ogg")
    return chime + sentence * repeat


def expected_speech(number: str, counter: int) -> str:
    return announce(number, counter, template=TEMPLATE, pack="vi-espeak")["speech"]


def paths(urls: list[str]) -> list[str]:
    """Absolute URLs → paths, to compare with the clip paths of `announce`."""
    return ["/" + u.split("/", 3)[3] if u.startswith("http") else u for u in urls]


__all__ = ["DisplayHall", "Screen", "display_config", "display_hall", "expected_clips", "expected_speech",
           "open_screen", "paths", "sound_browser", "stage_scene", "start_display_hall", "SPEAK_MS", "WAIT_MS"]


# -- docs/screenshots/display-*.png -------------------------------------------------------------

SCENE = [  # (service, tickets issued, counters that call one each)
    ("DD", 26, [1, 2]), ("HT", 14, [3, 4]), ("TP", 5, [7]), ("LD", 9, [8]), ("TK", 40, [9, 10]),
    ("DKKD", 8, [5]), ("XD", 3, []),
]


def stage_scene(hall: DisplayHall) -> None:
    """Mid-morning: people waiting in every service, nine counters serving, one on a break."""
    for service, count, counters in SCENE:
        for _ in range(count):
            hall.issue(service)
    for service, count, counters in SCENE:
        for counter in counters:
            for _ in range(count // 4 if counter != counters[-1] else 1):
                hall.clear(counter)
                hall.act(counter, "call-next")
    hall.act(6, "resume")
    hall.act(6, "pause", {"reason": "break"})
    hall.act(2, "finish")
    hall.act(2, "call-next")  # the newest call: DD at counter 2


def take_screenshots(out: Path) -> None:
    """A hall in mid-morning on the board (1920×1080 and portrait 1080×1920) and on counter 5's screen (1280×720)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hallq-shots-") as tmp, sync_playwright() as pw:
        hall = start_display_hall(Path(tmp))
        try:
            stage_scene(hall)
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for url, size, name in ((f"{hall.url}/display?voice=off", (1920, 1080), "display-board.png"),
                                    (f"{hall.url}/display?voice=off", (1080, 1920), "display-board-portrait.png"),
                                    (f"{hall.url}/display/counter/5", (1280, 720), "display-counter.png")):
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                page.goto(url)
                Screen(page).live()
                # No flash mid-way; the notice crawl caught as its text enters from the left.
                page.evaluate("""() => {
                  for (const el of document.querySelectorAll('.is-flash')) el.classList.remove('is-flash');
                  const line = document.getElementById('notice-text');
                  if (!line) return;
                  const from = parseFloat(line.style.getPropertyValue('--from')) || 0;
                  const to = parseFloat(line.style.getPropertyValue('--to')) || -1;
                  for (const a of line.getAnimations()) {
                    a.pause();
                    a.currentTime = a.effect.getComputedTiming().duration * (from - 40) / (from - to);
                  }
                }""")
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / name))
                page.close()
            browser.close()
        finally:
            hall.server.stop()


if __name__ == "__main__":  # .venv/bin/python -m tests.browser.display_support
    take_screenshots(Path(__file__).resolve().parents[2] / "docs" / "screenshots")
