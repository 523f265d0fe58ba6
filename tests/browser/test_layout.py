"""Layouts: the kiosk in portrait and landscape, the status page on a phone.

Checks that everything fits and every touch target is at least 15 mm, and takes the
screenshots in docs/screenshots/ (written there when HALLQ_SCREENSHOTS=1, else to a
temporary folder).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import browser_hall
from .test_kiosk import tile

MIN_TOUCH_PX = 15 / 25.4 * 96  # 15 mm in CSS pixels: the kiosk's rule
MIN_PHONE_PX = 44  # WCAG 2.5.5's target size, for the citizen's own phone
MAX_PNG_BYTES = 300 * 1024

FITS = """() => {
  const vw = innerWidth, vh = innerHeight, out = [];
  for (const el of document.querySelectorAll('button, .k-service')) {
    if (!el.offsetParent) continue;
    const r = el.getBoundingClientRect();
    out.push({ id: el.id || el.dataset.code || el.dataset.category || el.textContent.trim().slice(0, 20),
               w: r.width, h: r.height, inside: r.left >= 0 && r.top >= 0 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5 });
  }
  return { buttons: out, scrollX: document.documentElement.scrollWidth > vw };
}"""


@pytest.fixture(scope="module")
def busy_hall(start_hall):
    """A hall with people waiting and some counters open, so the screens show real numbers
    (and "Chưa có quầy mở" where no counter serving the service is open yet)."""
    hall = start_hall(browser_hall(capped=False))
    for code, count in (("DD", 12), ("HT", 5), ("TP", 3), ("TK", 21), ("LD", 2)):
        for _ in range(count):
            hall.issue(code)
    for n in (1, 3, 9):
        assert hall.counter(n, "take").status_code == 200
    return hall


def check_fits(page, where: str, minimum: float = MIN_TOUCH_PX) -> None:
    report = page.evaluate(FITS)
    assert not report["scrollX"], f"{where}: the page scrolls sideways"
    for b in report["buttons"]:
        assert b["inside"], f"{where}: {b['id']} is outside the screen"
        assert b["w"] >= minimum and b["h"] >= minimum, f"{where}: {b['id']} is {b['w']:.0f}×{b['h']:.0f} px"


def save(page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size < MAX_PNG_BYTES, f"{path.name} is {path.stat().st_size} bytes"


@pytest.mark.parametrize("name,width,height", [("portrait", 1080, 1920), ("landscape", 1920, 1080)])
def test_kiosk_layout(new_page, busy_hall, shots, name, width, height):
    page = new_page(width, height)
    page.goto(f"{busy_hall.url}/kiosk?return=60#token={busy_hall.kiosk}")
    expect(tile(page, "TK")).to_contain_text("Đang chờ: 21")
    page.evaluate("document.fonts.ready")
    check_fits(page, f"kiosk {name}")
    save(page, shots, f"kiosk-{name}")

    page.locator("#priority-open").click()
    check_fits(page, f"priority {name}")

    page.locator("#priority-back").click()
    tile(page, "DD").click()
    expect(page.locator("#t-take")).to_have_text("Mời nhận phiếu")
    check_fits(page, f"ticket {name}")
    save(page, shots, f"kiosk-ticket-{name}")


def test_status_page_layout(new_page, busy_hall, shots):
    ticket = busy_hall.issue("DD")
    page = new_page(390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(f"{busy_hall.url}/t/{ticket['token']}")
    expect(page.locator("#status")).to_have_text("Đang chờ")
    page.evaluate("document.fonts.ready")
    check_fits(page, "status page", MIN_PHONE_PX)
    save(page, shots, "status-phone")
