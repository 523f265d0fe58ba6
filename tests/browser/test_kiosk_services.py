"""The kiosk's service buttons in Chromium against a real server: long names show whole in
both orientations, priority categories come from config.yaml, many services in groups and
pages are all reachable, and estimates say "Chưa có quầy mở" until a counter opens."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import browser_hall, service
from .test_kiosk import open_kiosk, tile

MIN_TOUCH_PX = 15 / 25.4 * 96  # 15 mm in CSS pixels at 96 dpi (≈ 57 px)
SIZES = [("portrait", 1080, 1920), ("landscape", 1920, 1080)]

# Names of about 60 characters: what a real center's fields look like at their longest.
LONG_VI = "Lao động – Thương binh và Xã hội, Bảo hiểm và Việc làm tỉnh"
LONG_EN = "Labour, Invalids and Social Affairs, Insurance and Employment"
CATEGORIES = [
    {"code": "veteran", "name": {"vi": "Người có công với cách mạng", "en": "People with merit to the revolution"}},
    {"code": "child_under_6", "name": {"vi": "Trẻ em dưới 6 tuổi", "en": "Children under six"}},
]

# 15 more fields of a provincial center: with the demo's 7, the 22 services of a real hall.
FIELDS = [
    ("TNMT", "Tài nguyên và Môi trường", "Natural Resources and Environment"),
    ("GTVT", "Giao thông vận tải", "Transport"),
    ("CT", "Công Thương", "Industry and Trade"),
    ("NN", "Nông nghiệp và Phát triển nông thôn", "Agriculture and Rural Development"),
    ("YT", "Y tế", "Health"),
    ("GD", "Giáo dục và Đào tạo", "Education and Training"),
    ("VH", "Văn hóa, Thể thao và Du lịch", "Culture, Sports and Tourism"),
    ("TTTT", "Thông tin và Truyền thông", "Information and Communications"),
    ("NV", "Nội vụ", "Home Affairs"),
    ("TC", "Tài chính", "Finance"),
    ("KHDT", "Kế hoạch và Đầu tư", "Planning and Investment"),
    ("KHCN", "Khoa học và Công nghệ", "Science and Technology"),
    ("NGV", "Ngoại vụ", "Foreign Affairs"),
    ("DT", "Dân tộc", "Ethnic Affairs"),
    ("TTRA", "Thanh tra", "Inspection"),
]
ALL_CODES = ["DD", "HT", "DKKD", "XD", "TP", "LD", "TK"] + [c for c, _, _ in FIELDS]  # config order
GROUPS = {  # group name → its services; TK stays on its own
    ("Đất đai – Xây dựng – Tài nguyên", "Land, Construction, Resources"): ["DD", "XD", "TNMT", "GTVT"],
    ("Hộ tịch – Tư pháp", "Civil status and Justice"): ["HT", "TP"],
    ("Kinh tế – Đầu tư", "Economy and Investment"): ["DKKD", "CT", "KHDT", "TC", "NN"],
    ("Văn hóa – Xã hội", "Culture and Society"): ["LD", "YT", "GD", "VH", "TTTT", "KHCN", "NGV", "DT", "TTRA", "NV"],
}

# Every tile and choice: does its content stay inside its box? Are its text and the box big enough?
FIT = """() => {
  const out = [];
  for (const box of document.querySelectorAll('.k-service, .k-group, .k-choice, #priority-open, .k-pager button, #group-back')) {
    if (!box.offsetParent) continue;
    const b = box.getBoundingClientRect();
    let worst = 0;
    for (const node of box.querySelectorAll('*')) {
      if (node.classList.contains('k-sep')) continue;  // visually hidden, for screen readers
      for (const r of node.getClientRects()) {
        worst = Math.max(worst, b.top - r.top, r.bottom - b.bottom, b.left - r.left, r.right - b.right);
      }
    }
    // Text nodes too: a line box can be smaller than the glyphs it holds.
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(t);
      for (const r of range.getClientRects()) {
        worst = Math.max(worst, b.top - r.top, r.bottom - b.bottom, b.left - r.left, r.right - b.right);
      }
    }
    out.push({ id: box.dataset.code || box.dataset.group || box.dataset.category || box.id || box.textContent.trim().slice(0, 24),
               text: box.textContent.trim().replace(/\\s+/g, ' '), w: b.width, h: b.height, overflow: worst,
               scroll: box.scrollHeight - box.clientHeight,
               onScreen: b.left >= 0 && b.top >= 0 && b.right <= innerWidth + 0.5 && b.bottom <= innerHeight + 0.5,
               nameFont: parseFloat(getComputedStyle(box.querySelector('.k-service__name') || box.querySelector('.k-group__name') || box).fontSize) });
  }
  return { boxes: out, scrollX: document.documentElement.scrollWidth > innerWidth,
           scrollY: document.documentElement.scrollHeight > innerHeight };
}"""


def check_fit(page, where: str) -> list[dict]:
    """Nothing spills out of its button, every button is on screen and ≥ 15 mm; returns the boxes."""
    report = page.evaluate(FIT)
    assert not report["scrollX"] and not report["scrollY"], f"{where}: the page scrolls"
    assert report["boxes"], f"{where}: no buttons"
    for b in report["boxes"]:
        assert b["overflow"] <= 1 and b["scroll"] <= 1, f"{where}: the text of {b['id']} spills {b['overflow']:.0f} px out of its button: {b['text']!r}"
        assert b["onScreen"], f"{where}: {b['id']} is off screen"
        assert b["w"] >= MIN_TOUCH_PX and b["h"] >= MIN_TOUCH_PX, f"{where}: {b['id']} is {b['w']:.0f}×{b['h']:.0f} px"
    return report["boxes"]


def extra_fields(groups: bool) -> list[dict]:
    extra = []
    for i, (code, vi, en) in enumerate(FIELDS):
        svc = service(code, numbers=f"{7001 + i * 100}-{7099 + i * 100}", daily_cap=99)
        svc["name"] = {"vi": vi, "en": en}
        extra.append(svc)
    return extra


def twenty_two(groups: bool) -> dict:
    def edit(data: dict) -> None:
        if not groups:
            return
        for svc in data["services"]:
            for (vi, en), codes in GROUPS.items():
                if svc["code"] in codes:
                    svc["group"] = {"vi": vi, "en": en}

    config = browser_hall(capped=False, services=extra_fields(groups))
    edit(config)
    assert len(config["services"]) == 22
    return config


# -- long names, custom priority categories ------------------------------------------------

@pytest.fixture(scope="module")
def custom_hall(start_hall):
    """The demo hall with a 60-character service name, two priority categories of its own, and people waiting."""
    config = browser_hall(capped=False)
    for svc in config["services"]:
        if svc["code"] == "LD":
            svc["name"] = {"vi": LONG_VI, "en": LONG_EN}
    config["priority_categories"] = CATEGORIES
    hall = start_hall(config)
    for code, count in (("DD", 12), ("HT", 5), ("LD", 4), ("TK", 21)):
        for _ in range(count):
            hall.issue(code)
    for n in (1, 3, 8, 9):  # counters open, so the tiles show estimates too
        assert hall.counter(n, "take").status_code == 200
    return hall


@pytest.mark.parametrize("name,width,height", SIZES)
def test_long_names_show_whole_in_both_orientations_and_languages(new_page, custom_hall, name, width, height):
    assert len(LONG_VI) >= 58 and len(LONG_EN) >= 58
    page = open_kiosk(new_page, custom_hall, width, height)
    expect(tile(page, "LD")).to_contain_text("Dự kiến")
    page.evaluate("document.fonts.ready")
    boxes = {b["id"]: b for b in check_fit(page, f"kiosk {name} vi")}
    assert LONG_VI in boxes["LD"]["text"]
    assert boxes["LD"]["nameFont"] >= 24, "a long name may shrink, but stays readable"
    assert boxes["DD"]["nameFont"] >= boxes["LD"]["nameFont"], "short names keep the large size"
    page.locator("#lang").click()
    expect(tile(page, "LD")).to_contain_text(LONG_EN)
    check_fit(page, f"kiosk {name} en")
    page.locator("#priority-open").click()
    check_fit(page, f"priority {name} en")
    assert page.js_errors == []


def test_priority_buttons_come_from_config_and_issue_that_category(new_page, custom_hall):
    page = open_kiosk(new_page, custom_hall)
    expect(page.locator("#priority-open")).to_contain_text("người có công với cách mạng")
    expect(page.locator("#priority-open")).not_to_contain_text("phụ nữ mang thai")
    page.locator("#priority-open").click()
    choices = page.locator(".k-choice")
    expect(choices).to_have_count(2)
    expect(choices).to_have_text(["Người có công với cách mạng", "Trẻ em dưới 6 tuổi"])
    assert [choices.nth(i).get_attribute("data-category") for i in range(2)] == ["veteran", "child_under_6"]
    check_fit(page, "priority choices")

    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/api/v1/tickets") else None)
    page.locator('.k-choice[data-category="veteran"]').click()
    expect(page.locator("#priority-chosen")).to_have_text("Số ưu tiên: Người có công với cách mạng")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/tickets") and r.request.method == "POST") as answer:
        tile(page, "HT").click()
    assert answer.value.status == 201, answer.value.text()
    issued = answer.value.json()["ticket"]
    assert sent[-1]["priority"] == "veteran"
    assert (issued["priority"], issued["priority_category"]) == (True, "veteran")
    expect(page.locator("#t-number")).to_have_text(issued["number"])
    expect(page.locator("#t-priority")).to_contain_text("Người có công với cách mạng")

    page.locator("#t-done").click()  # the English names too
    page.locator("#lang").click()
    expect(page.locator("#priority-open")).to_contain_text("people with merit to the revolution")
    page.locator("#priority-open").click()
    expect(page.locator(".k-choice")).to_have_text(["People with merit to the revolution", "Children under six"])


# -- 22 services: pages, groups ------------------------------------------------------------

def codes_on_screen(page) -> list[str]:
    return page.locator(".k-service").evaluate_all("tiles => tiles.map(t => t.dataset.code)")


@pytest.mark.slow
@pytest.mark.parametrize("name,width,height", SIZES)
def test_twenty_two_services_without_groups_are_all_reachable_in_pages(new_page, start_hall, name, width, height):
    hall = start_hall(twenty_two(groups=False))
    page = open_kiosk(new_page, hall, width, height)
    expect(page.locator(".k-group")).to_have_count(0)   # no groups set: services straight away
    seen: list[str] = []
    while True:
        page.evaluate("document.fonts.ready")
        check_fit(page, f"{name} page {len(seen)}")
        shown = codes_on_screen(page)
        seen += shown
        if page.locator("#page-next").is_disabled():
            break
        page.locator("#page-next").click()
        expect(page.locator(".k-service").first).not_to_have_attribute("data-code", shown[0])
    assert seen == ALL_CODES  # in config order
    tile(page, "TTRA").click()  # the last page's service gives a ticket
    expect(page.locator("#t-number")).to_have_text(re.compile(r"^8\d{3}$"))


@pytest.mark.slow
@pytest.mark.parametrize("name,width,height", SIZES)
def test_twenty_two_services_in_groups(new_page, start_hall, shots, name, width, height):
    hall = start_hall(twenty_two(groups=True))
    for _ in range(3):
        hall.issue("YT")
    page = open_kiosk(new_page, hall, width, height)
    groups = page.locator(".k-group")
    # The groups first, in config order; a service without a group stands on its own.
    expect(groups).to_have_count(4)
    expect(groups.locator(".k-group__name")).to_have_text([vi for vi, _ in GROUPS])
    expect(page.locator(".k-service")).to_have_count(1)
    expect(tile(page, "TK")).to_be_visible()
    expect(groups.nth(3)).to_contain_text("10 lĩnh vực")
    page.evaluate("document.fonts.ready")
    check_fit(page, f"{name} groups")
    page.screenshot(path=str(shots / f"kiosk-groups-{name}.png"))

    reached: list[str] = ["TK"]
    for i, ((vi, _en), codes) in enumerate(GROUPS.items()):
        page.locator(".k-group").nth(i).click()
        expect(page.locator("#group-title")).to_have_text(vi)
        expect(page.locator(".k-group")).to_have_count(0)
        seen: list[str] = []
        while True:
            expect(page.locator(".k-service").first).to_be_visible()
            check_fit(page, f"{name} group {vi} page {len(seen)}")
            shown = codes_on_screen(page)
            seen += shown
            if page.locator("#pager").is_hidden() or page.locator("#page-next").is_disabled():
                break
            page.locator("#page-next").click()
            expect(page.locator(".k-service").first).not_to_have_attribute("data-code", shown[0])
        in_config_order = [c for c in ALL_CODES if c in codes]
        assert seen == in_config_order, f"group {vi}: {seen}"
        reached += seen
        page.locator("#group-back").click()  # the clear way back
        expect(page.locator(".k-group")).to_have_count(4)
    assert sorted(reached) == sorted(ALL_CODES)

    # A ticket from inside a group; after it, the kiosk starts again at the groups.
    page.locator(".k-group").nth(3).click()
    tile(page, "YT").click()
    expect(page.locator("#t-service")).to_have_text("Y tế")
    page.locator("#t-done").click()
    expect(page.locator(".k-group")).to_have_count(4)
    assert page.js_errors == []


# -- estimates -----------------------------------------------------------------------------

def test_no_estimate_before_a_counter_opens_then_a_real_one(new_page, start_hall):
    hall = start_hall(browser_hall(capped=False))
    hall.issue("TP")
    hall.issue("TP")
    page = open_kiosk(new_page, hall)
    stats = tile(page, "TP").locator(".k-service__stats")
    expect(stats).to_contain_text("Đang chờ: 2")
    expect(stats).to_contain_text("Chưa có quầy mở")
    expect(stats).not_to_contain_text("Dự kiến")
    expect(stats).not_to_contain_text("Không phải chờ")
    expect(tile(page, "XD")).to_contain_text("Chưa có quầy mở")  # nobody waits, nobody serves either
    tile(page, "XD").click()  # the ticket says the same, never "0 người · Không phải chờ"
    expect(page.locator("#t-ahead")).to_have_text("0 người")
    expect(page.locator("#t-wait")).to_have_text("Chưa có quầy mở")
    page.locator("#t-done").click()

    assert hall.counter(7, "take").status_code == 200  # counter 7 serves TP first; 360 s each
    expect(stats).to_contain_text("Dự kiến: ~12 phút")   # live, without a reload
    expect(tile(page, "XD")).to_contain_text("Chưa có quầy mở")
    assert hall.counter(7, "pause", json={"reason": "break"}).status_code == 200
    expect(stats).to_contain_text("Chưa có quầy mở")
    page.locator("#lang").click()
    expect(stats).to_contain_text("No counter open yet")
