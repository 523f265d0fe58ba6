"""The boards' media and people's photos in Chromium against a real `hallq serve`: an image uploaded on
/admin/media plays on an open board without a reload; a person's photo shows on their counter's screen."""
from __future__ import annotations

import io

import pytest
import requests
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.support.auth import PASSWORD


@pytest.fixture(scope="module")
def own_hall(start_hall):
    """A hall of this module's own: its media would show on the shared hall's boards."""
    return start_hall()


def poster(path, size=(1280, 720)) -> None:
    """An announcement-like image: a coloured card with bars for text."""
    image = Image.new("RGB", size, "#0b5cab")
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, size[0] - 60, size[1] - 60), outline="white", width=12)
    for i, width in enumerate((0.8, 0.6, 0.7)):
        draw.rectangle((120, 160 + i * 140, 120 + int((size[0] - 240) * width), 230 + i * 140), fill="#ffd34d")
    image.save(path, "PNG")


def test_an_image_uploaded_on_admin_media_plays_on_an_open_board_without_a_reload(own_hall, new_page, shots, tmp_path):
    own_hall.auth.admin("media-boss")
    board = new_page(1920, 1080)
    board.goto(f"{own_hall.url}/display")
    board.wait_for_function("document.body.dataset.state === 'live' && window.hallqDisplay"
                            " && window.hallqDisplay.snapshots >= 1")
    board.evaluate("window.__sameDocument = true")  # gone if the board ever reloads
    expect(board.locator("#media")).to_be_hidden()

    admin = new_page(1280, 900)
    admin.goto(f"{own_hall.url}/admin/media")
    admin.fill("#admin-username", "media-boss")
    admin.fill("#admin-password", PASSWORD)
    admin.click("#admin-login-submit")
    expect(admin.locator("#media-empty")).to_be_visible()

    fake = tmp_path / "lich-tiep-dan.png"
    fake.write_bytes(b"<html>not an image</html>")
    admin.set_input_files("#media-file", str(fake))
    admin.click("#media-send")  # refused by its bytes, whatever its name says
    expect(admin.locator("#media-message")).to_contain_text("Tệp không đúng loại")
    expect(admin.locator("#media-list > li")).to_have_count(0)

    image = tmp_path / "Lịch tiếp công dân.png"
    poster(image)
    admin.set_input_files("#media-file", str(image))
    admin.click("#media-send")
    expect(admin.locator("#media-message")).to_contain_text("Đã tải lên Lịch tiếp công dân.png")
    expect(admin.locator("#media-list > li")).to_have_count(1)
    expect(admin.locator("#media-list img.m-thumb")).to_be_visible()

    expect(board.locator("#media")).to_be_visible()
    expect(board.locator("#media-image")).to_be_visible()
    board.wait_for_function("document.getElementById('media-image').naturalWidth === 1280")
    assert board.evaluate("window.__sameDocument") is True
    # The called numbers keep their place: the hero and the media zone never overlap.
    hero, zone = board.locator("#hero").bounding_box(), board.locator("#media").bounding_box()
    assert hero["x"] + hero["width"] <= zone["x"] or hero["y"] + hero["height"] <= zone["y"]

    admin.click("#media-list [data-schedule]")
    expect(admin.locator("#dlg-schedule")).to_be_visible()
    admin.screenshot(path=str(shots / "admin-media-schedule-1280.png"))
    admin.click("#dlg-schedule [data-close]")
    admin.screenshot(path=str(shots / "admin-media-1280.png"), full_page=True)
    board.screenshot(path=str(shots / "board-media-1920x1080.png"))
    board.set_viewport_size({"width": 1080, "height": 1920})
    board.screenshot(path=str(shots / "board-media-1080x1920.png"))

    admin.click("#media-list [data-toggle]")  # turned off: the zone goes, the board stays
    expect(board.locator("#media")).to_be_hidden()
    assert board.evaluate("window.__sameDocument") is True


def test_a_photo_shows_beside_the_full_name_on_the_counter_screen(own_hall, new_page, shots):
    admin = own_hall.auth.admin("media-boss")
    bao = own_hall.auth.staff("bao")
    assert own_hall.server.request("PATCH", "users/bao", json={"full_name": "Nguyễn Văn Bảo"}, token=admin).ok
    assert own_hall.server.post("counters/2/take", {}, token=bao).status_code == 200
    screen = new_page(1280, 720)
    screen.goto(f"{own_hall.url}/display/counter/2")
    expect(screen.locator("#staff-name")).to_have_text("Cán bộ tiếp nhận: Nguyễn Văn Bảo")
    expect(screen.locator("#staff-photo")).to_be_hidden()

    photo = io.BytesIO()
    Image.new("RGB", (300, 400), "#c0392b").save(photo, "JPEG")
    resp = requests.put(f"{own_hall.url}/api/v1/users/bao/photo", headers={"Authorization": f"Bearer {admin}"},
                        files={"file": ("bao.jpg", photo.getvalue(), "image/jpeg")}, timeout=10)
    assert resp.status_code == 200, resp.text
    expect(screen.locator("#staff-photo")).to_be_visible()  # live: counter_changed carries it
    screen.wait_for_function("document.getElementById('staff-photo').naturalWidth === 300")
    screen.screenshot(path=str(shots / "counter-photo-1280x720.png"))
