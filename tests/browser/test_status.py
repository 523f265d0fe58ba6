"""The ticket status page (/t/{token}) on a phone-sized Chromium, live against a real server."""
from __future__ import annotations

import requests
from playwright.sync_api import expect

PHONE = (390, 844)


def open_status(new_page, hall, token):
    page = new_page(*PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{hall.url}/t/{token}")
    expect(page.locator("#view-ticket")).to_be_visible()
    return page


def test_status_follows_the_ticket_live_and_rating_works_once(new_page, hall):
    # LD is served by counter 8 alone (and 9 after its other services): nobody else calls it here.
    first = hall.issue("LD")
    mine = hall.issue("LD")
    page = open_status(new_page, hall, mine["token"])
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#number")).to_have_text(mine["number"])
    expect(page.locator("#service")).to_have_text("Lao động – Thương binh và Xã hội")
    expect(page.locator("#status")).to_have_text("Đang chờ")
    expect(page.locator("#ahead")).to_have_text("1 người")
    expect(page.locator("#wait")).not_to_be_empty()

    called = hall.counter(8, "call-next")
    assert called.status_code == 200 and called.json()["ticket"]["number"] == first["number"]
    expect(page.locator("#ahead")).to_have_text("0 người")  # live, from queue_changed
    assert hall.counter(8, "finish").status_code == 200

    called = hall.counter(8, "call-next")
    assert called.json()["ticket"]["number"] == mine["number"]
    expect(page.locator("#status")).to_have_text("Đã gọi — mời đến quầy 8")
    expect(page.locator("#counter")).to_have_text("8")
    assert page.evaluate("window.__sameDocument") is True

    assert hall.counter(8, "start").status_code == 200
    expect(page.locator("#status")).to_have_text("Đang phục vụ tại quầy 8")
    assert hall.counter(8, "finish").status_code == 200
    expect(page.locator("#status")).to_have_text("Đã xong")
    expect(page.locator("#rating")).to_be_visible()
    page.get_by_role("button", name="Rất hài lòng").click()
    expect(page.locator("#rating-thanks")).to_have_text("Cảm ơn Ông/Bà đã đánh giá!")
    expect(page.locator("#rating")).to_be_hidden()
    # Once only: the holder (no login, no cookie) cannot rate again.
    again = requests.post(f"{hall.url}/api/v1/tickets/{mine['token']}/rating", json={"score": 1}, timeout=30)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    page.reload()
    expect(page.locator("#rating-thanks")).to_be_visible()
    assert page.js_errors == []


def test_status_page_in_english(new_page, hall):
    ticket = hall.issue("TK", priority="pregnant")
    page = open_status(new_page, hall, ticket["token"])
    page.locator("#lang").click()
    expect(page.locator("#status")).to_have_text("Waiting")
    expect(page.locator("#service")).to_have_text("Reception and results")
    expect(page.locator("#priority")).to_have_text("Priority: Pregnant woman")


def test_an_unknown_ticket_says_so(new_page, hall):
    page = new_page(*PHONE)
    page.goto(f"{hall.url}/t/not-a-ticket-token")
    expect(page.locator("#view-missing")).to_contain_text("Không tìm thấy số thứ tự này")
