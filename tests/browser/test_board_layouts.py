"""A board's settings in Chromium against a real `hallq serve`: an open, paired board turns portrait and
drops a service the moment an admin changes its settings, without a reload; screenshots of its layouts."""
from __future__ import annotations


import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_media_board import poster
from tests.support.auth import PASSWORD


@pytest.fixture(scope="module")
def own_hall(start_hall):
    """A hall of this module's own: its boards' settings and media would show on the shared hall's boards."""
    return start_hall()


def put_board(hall, admin: str, name: str, **settings) -> None:
    resp = hall.server.request("PUT", f"boards/{name}", json=settings, token=admin)
    assert resp.status_code == 200, resp.text


def test_an_open_board_turns_portrait_and_drops_a_service_when_its_settings_change(own_hall, new_page, shots, tmp_path):
    admin = own_hall.auth.admin("boss")
    token = own_hall.auth.device("tv-lau-1", "display")
    codes = [s["code"] for s in own_hall.server.get("services").json()]
    board = new_page(1920, 1080)
    board.goto(f"{own_hall.url}/display#token={token}")
    board.wait_for_function("document.body.dataset.state === 'live' && window.hallqDisplay"
                            " && window.hallqDisplay.snapshots >= 1")
    board.evaluate("window.__sameDocument = true")  # gone if the board ever reloads
    expect(board.locator("#services > li")).to_have_count(len(codes))
    expect(board.locator("body")).not_to_have_class("is-portrait")  # a landscape screen, layout auto

    put_board(own_hall, admin, "tv-lau-1", services=codes[1:], layout="portrait")
    expect(board.locator("body")).to_have_class("hq-dark board is-portrait")
    expect(board.locator("#services > li")).to_have_count(len(codes) - 1)
    hero, services = board.locator("#hero").bounding_box(), board.locator(".b-services").bounding_box()
    assert hero["y"] + hero["height"] <= services["y"]  # stacked, not side by side
    assert board.evaluate("window.__sameDocument") is True

    put_board(own_hall, admin, "tv-lau-1", layout="portrait", rotate=90)
    board.wait_for_function("document.body.dataset.rotate === '90'")
    expect(board.locator("#services > li")).to_have_count(len(codes))
    hero = board.locator("#hero").bounding_box()
    assert hero["x"] > 960 and hero["height"] > hero["width"]  # the portrait page's top is on the right
    board.screenshot(path=str(shots / "board-portrait-rotate90-1920x1080.png"))

    image = tmp_path / "poster.png"
    poster(image)
    with image.open("rb") as f:
        resp = requests.post(f"{own_hall.url}/api/v1/media", headers={"Authorization": f"Bearer {admin}"},
                             files={"file": ("poster.png", f, "image/png")}, timeout=10)
    assert resp.status_code == 201, resp.text
    put_board(own_hall, admin, "tv-lau-1", layout="auto")
    expect(board.locator("#media")).to_be_visible()
    board.wait_for_function("document.getElementById('media-image').naturalWidth === 1280")
    for width, height in ((1920, 1080), (1366, 768), (1080, 1920)):
        board.set_viewport_size({"width": width, "height": height})
        board.wait_for_timeout(300)  # the services' pages are measured again on resize
        board.screenshot(path=str(shots / f"board-media-{width}x{height}.png"))
    board.set_viewport_size({"width": 1920, "height": 1080})
    # Beside the media, the waiting list still shows five services a page, not one.
    board.wait_for_function("document.querySelectorAll('#services > li:not(.is-other-page)').length >= 5")

    put_board(own_hall, admin, "tv-lau-1", media=False)
    expect(board.locator("#media")).to_be_hidden()
    assert board.evaluate("window.__sameDocument") is True
    assert board.js_errors == []


def test_the_boards_section_lists_paired_and_prepared_boards_and_edits_one(own_hall, new_page, shots):
    admin = own_hall.auth.admin("boss")
    own_hall.auth.device("tv-lau-2", "display")
    put_board(own_hall, admin, "tv-tang-3/cửa", services=["DD"], counters=[1], layout="portrait", rotate=270)
    page = new_page(1280, 900)
    page.goto(f"{own_hall.url}/admin/hall")
    page.fill("#admin-username", "boss")
    page.fill("#admin-password", PASSWORD)
    page.press("#admin-password", "Enter")
    row = page.locator('#boards tr[data-board="tv-tang-3/cửa"]')
    expect(row).to_contain_text("Chưa ghép nối")
    expect(row).to_contain_text("xoay 270°")
    expect(page.locator('#boards tr[data-board="tv-lau-2"]')).to_contain_text("Đã ghép nối")

    page.locator('#boards [data-edit-board="tv-lau-2"]').click()
    expect(page.locator("#dlg-board")).to_be_visible()
    page.locator("#brd-services-all").uncheck()
    page.locator("#board-save").click()  # no service ticked: said under the services, nothing sent
    expect(page.locator('[data-field="services"] .h-error')).to_be_visible()
    page.locator('#brd-services input[value="HT"]').check()
    page.locator("#brd-layout").select_option("landscape")
    page.locator("#brd-media").uncheck()
    page.screenshot(path=str(shots / "admin-hall-board-dialog-1280.png"))
    page.locator("#board-save").click()
    expect(page.locator("#dlg-board")).to_be_hidden()
    saved = own_hall.server.get("setup", token=admin).json()["boards"]["tv-lau-2"]
    assert saved == {"services": ["HT"], "counters": None, "layout": "landscape", "rotate": 0, "media": False}
    expect(page.locator('#boards tr[data-board="tv-lau-2"]')).to_contain_text("Ngang")
    page.locator("#boards").scroll_into_view_if_needed()
    page.locator("#boards").locator("xpath=ancestor::section").screenshot(path=str(shots / "admin-hall-boards-1280.png"))

    page.locator('#boards [data-reset-board="tv-lau-2"]').click()
    expect(page.locator('#boards tr[data-board="tv-lau-2"]')).to_contain_text("Tất cả lĩnh vực")
    assert "tv-lau-2" not in own_hall.server.get("setup", token=admin).json()["boards"]
