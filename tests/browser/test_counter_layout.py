"""Layouts: the console in a small window beside the staff's work, the rating tablet both ways.

Checks that nothing is cut off or scrolls sideways and that targets are big enough, and
takes the screenshots in docs/screenshots/ (written there when HALLQ_SCREENSHOTS=1, else to
a temporary folder).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.fixtures import auth, live_server  # noqa: F401  (fixtures)

from .conftest import browser_hall
from .test_counter import Desk, log_in

MIN_DESK_PX = 32                 # mouse and keyboard first; still an easy tap on a touch laptop
MIN_TOUCH_PX = 15 / 25.4 * 96    # the citizen's tablet: 15 mm, as on the kiosk
MAX_PNG_BYTES = 300 * 1024

FITS = """(selector) => {
  const vw = innerWidth, vh = innerHeight, out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent) continue;
    const r = el.getBoundingClientRect();
    out.push({ id: el.id || el.dataset.action || el.dataset.score || el.dataset.reason || el.textContent.trim().slice(0, 24),
               w: r.width, h: r.height, across: r.left >= 0 && r.right <= vw + 0.5, down: r.top >= 0 && r.bottom <= vh + 0.5 });
  }
  return { items: out, scrollX: document.documentElement.scrollWidth > vw, scrollY: document.documentElement.scrollHeight > vh };
}"""


@pytest.fixture(scope="module")
def busy(live_server, auth) -> Desk:  # noqa: F811
    """The demo hall with people waiting at counter 3 (Hộ tịch, Tư pháp): a priority ticket,
    one sent over from counter 4, and a no-show. Counter 9 is for the window sizes, counter 4's
    tablet for the rating layouts."""
    desk = Desk(live_server(browser_hall(capped=False, server={"login_attempts_per_minute": 6000})), auth)
    for code in ("HT", "HT", "TP", "HT", "HT", "TP", "HT"):
        desk.issue(code)
    resp = desk.server.post("tickets", {"service": "HT", "priority": "elderly"}, token=desk.kiosk)
    assert resp.status_code == 201, resp.text
    for step, body in (("call-next", {}), ("no-show", {}), ("call-next", {}), ("transfer", {"counter": 3})):
        resp = desk.server.post(f"counters/4/{step}", body, token=desk.staff)
        assert resp.status_code == 200, f"{step}: {resp.text}"
    return desk


def check_fits(page, where: str, selector: str, minimum: float, *, in_view: bool, scrolls: bool = True) -> None:
    """`selector`'s targets are wide and tall enough and not cut off sideways; with `in_view`, all
    of them show without scrolling; unless `scrolls`, the page does not scroll at all."""
    report = page.evaluate(FITS, selector)
    assert not report["scrollX"], f"{where}: the page scrolls sideways"
    if not scrolls:
        assert not report["scrollY"], f"{where}: the page scrolls"
    assert report["items"], f"{where}: nothing matched {selector}"
    for item in report["items"]:
        assert item["across"] and (item["down"] or not in_view), f"{where}: {item['id']} is cut off"
        assert item["w"] >= minimum and item["h"] >= minimum, f"{where}: {item['id']} is {item['w']:.0f}×{item['h']:.0f} px"


def save(page, folder: Path, name: str, **kw) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", **kw)
    assert path.stat().st_size < MAX_PNG_BYTES, f"{path.name} is {path.stat().st_size} bytes"


def console_at_3(new_page, busy: Desk, width: int, height: int, name: str = "lan"):
    busy.auth.staff(name)
    page = new_page(width, height)
    log_in(page, busy.url, name, 3)
    expect(page.locator("#queue-list .c-row").first).to_be_visible()
    page.evaluate("document.fonts.ready")
    return page


@pytest.mark.parametrize("width,height", [(480, 760), (800, 900), (1280, 800)])
def test_the_console_fits_a_small_window(new_page, busy, width, height):
    for code in ("TK", "LD", "TK"):
        busy.issue(code)
    busy.auth.staff(f"lan{width}")
    page = new_page(width, height)
    log_in(page, busy.url, f"lan{width}", 9)
    expect(page.locator("#queue-list .c-row").first).to_be_visible()
    page.keyboard.press("n")
    expect(page.locator("#current-label")).to_have_text("Đang mời số")
    check_fits(page, f"console {width}", "button", MIN_DESK_PX, in_view=False)
    check_fits(page, f"console {width}: current and actions", "#current, .c-act", MIN_DESK_PX, in_view=True)
    page.keyboard.press("t")
    check_fits(page, f"transfer {width}", "#dlg-transfer .c-choice", MIN_DESK_PX, in_view=False)
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")
    page.locator("#leave").click()
    expect(page.locator("#pick-list button").first).to_be_visible()
    check_fits(page, f"pick {width}", "#pick-list button", MIN_DESK_PX, in_view=False)


def test_console_screenshots(new_page, busy, shots):
    page = console_at_3(new_page, busy, 640, 980)
    expect(page.locator('#queue-list [data-number] .c-tag--sent')).to_have_count(1)
    expect(page.locator("#no-show-list .c-row")).to_have_count(1)
    page.keyboard.press("n")  # the ticket sent over from counter 4 comes first
    page.keyboard.press("s")
    expect(page.locator("#current-label")).to_have_text("Đang phục vụ số")
    page.locator("#message").evaluate("el => el.hidden = true")
    page.wait_for_timeout(1100)  # a second of service on the clock, for the picture only
    save(page, shots, "counter-console")
    page.keyboard.press("t")
    page.keyboard.type("TP")
    save(page, shots, "counter-transfer")
    page.locator("#transfer-input").fill("5")  # counter 5: nobody there
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-text")).to_contain_text("Quầy 5 đang đóng")
    save(page, shots, "counter-transfer-confirm")
    page.keyboard.press("Escape")  # back to the choices
    expect(page.locator("#dlg-transfer")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("p")
    save(page, shots, "counter-pause")
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    expect(page.locator("#current-label")).to_have_text("Chưa gọi số nào")

    login = new_page(640, 620)
    login.goto(f"{busy.url}/counter")
    expect(login.locator("#username")).to_be_focused()
    login.evaluate("document.fonts.ready")
    save(login, shots, "counter-login")


@pytest.mark.parametrize("name,width,height", [("landscape", 1280, 800), ("portrait", 800, 1280)])
def test_the_rating_tablet_fits(new_page, busy, shots, name, width, height):
    token = busy.auth.rating(f"rating-{name}")
    tablet = new_page(width, height, has_touch=True)
    tablet.goto(f"{busy.url}/rating/4#token={token}")
    expect(tablet.locator("#screen-locked")).to_be_visible()
    tablet.evaluate("document.fonts.ready")
    if name == "landscape":
        save(tablet, shots, "rating-locked")
    busy.issue("HT")
    for step in ("call-next", "start", "finish"):
        assert busy.server.post(f"counters/4/{step}", {}, token=busy.staff).status_code == 200
    expect(tablet.locator("#screen-rate")).to_be_visible()
    check_fits(tablet, f"rating {name}", ".r-face, #lang", MIN_TOUCH_PX, in_view=True, scrolls=False)
    save(tablet, shots, f"rating-{name}")
    tablet.locator('[data-score="1"]').tap()
    tablet.locator('[data-reason="unclear"]').tap()
    check_fits(tablet, f"reason {name}", ".r-reason, #reason-send, #reason-back", MIN_TOUCH_PX, in_view=True,
               scrolls=False)
    if name == "landscape":
        tablet.locator("#comment").fill("Cần hướng dẫn rõ hơn về giấy tờ")
        save(tablet, shots, "rating-reason")
    tablet.locator("#reason-send").tap()
    expect(tablet.locator("#screen-thanks")).to_be_visible()
    if name == "landscape":
        save(tablet, shots, "rating-thanks")
