"""The kiosk's search field and a service's note in Chromium against a real server: with many
services, "ho tich" (no diacritics) finds Hộ tịch across the groups, and its ticket says what to bring."""
from __future__ import annotations

from playwright.sync_api import expect

from .test_kiosk import open_kiosk, tile
from .test_kiosk_services import twenty_two

NOTE = {"vi": "Mang theo CCCD và giấy tờ liên quan", "en": "Your citizen ID card and related papers"}


def test_search_without_diacritics_finds_one_service_and_its_ticket_shows_the_note(new_page, start_hall, shots):
    config = twenty_two(groups=True)
    for svc in config["services"]:
        svc.pop("note", None)
        if svc["code"] == "HT":
            svc["note"] = NOTE
    page = open_kiosk(new_page, start_hall(config), 1080, 1920)
    search = page.locator("#search")
    expect(search).to_be_visible()   # 22 services: more than a page holds
    expect(search).to_have_attribute("inputmode", "search")
    expect(page.locator(".k-group")).to_have_count(4)

    search.fill("xyz khong co")
    expect(page.locator(".k-services__empty")).to_contain_text("Không tìm thấy lĩnh vực nào có “xyz khong co”")
    expect(page.locator(".k-service, .k-group")).to_have_count(0)
    page.locator("#search-clear").click()  # back to the groups
    expect(page.locator(".k-group")).to_have_count(4)
    expect(search).to_have_value("")

    search.fill("ho tich")  # no diacritics; Hộ tịch sits inside the group "Hộ tịch – Tư pháp"
    expect(page.locator(".k-service")).to_have_count(1)
    expect(tile(page, "HT")).to_be_visible()
    expect(page.locator(".k-group")).to_have_count(0)
    expect(page.locator("#search-clear")).to_be_visible()
    page.screenshot(path=str(shots / "kiosk-search-portrait.png"))

    tile(page, "HT").click()
    expect(page.locator("#t-service")).to_have_text("Hộ tịch")
    expect(page.locator("#t-note")).to_contain_text("Mang theo:")
    expect(page.locator("#t-note-text")).to_have_text(NOTE["vi"])
    page.screenshot(path=str(shots / "kiosk-ticket-note-portrait.png"))
    page.locator("#t-done").click()  # the start again: no query, the groups
    expect(page.locator(".k-group")).to_have_count(4)
    expect(search).to_have_value("")
    assert page.js_errors == []
