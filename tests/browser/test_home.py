"""The landing page `/` in Chromium, as a newcomer opens it on a desk and on a phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desk", "phone"])
def test_landing_page_links_every_station_in_both_languages(new_page, hall, shots, size):
    page = new_page(*size)
    page.goto(hall.url + "/")
    expect(page.locator("h2").first).to_have_text("Cho công dân")
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]  # nothing runs off a phone
    for path in ("/kiosk", "/display", "/counter", "/admin"):
        expect(page.locator(f'a[href="{path}"]')).to_be_visible()
    expect(page.locator("#loopback")).to_be_visible()  # the test server listens on 127.0.0.1 only
    expect(page.locator("#pair-urls")).to_contain_text(f"{hall.url}/kiosk#token=")
    page.screenshot(path=str(shots / f"home-{'desk' if size[0] > 600 else 'phone'}.png"), full_page=True)
    page.locator("#lang").click()
    expect(page.locator("h2").first).to_have_text("For citizens")
    expect(page.locator("#center")).to_have_text("Quang Ninh Public Administration Service Center")
    assert page.js_errors == []
