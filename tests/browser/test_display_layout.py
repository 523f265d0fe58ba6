"""The hall board's layout on the TVs it meets: landscape 1920×1080, 1366×768 and 3840×2160,
and portrait 1080×1920, in Chromium against a real server in mid-morning.

Nothing is clipped or spills out of its panel, no panel is mostly empty, and the secondary
text (the waiting list, the counter tiles, the recent calls) is at least 40 px on a
1080-pixel screen, the same share of any other (readable from 10 m on a 55-inch TV).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.display_support import (  # noqa: F401  (fixtures)
    display_hall, open_screen, sound_browser, stage_scene,
)

SIZES = [("landscape", 1920, 1080), ("portrait", 1080, 1920), ("small", 1366, 768), ("4k", 3840, 2160)]
SECONDARY = (".b-services .b-panel__title, .b-service__name, .b-service__wait, .b-service__count, "
             ".b-counter__name, .b-counter__value, .b-recent__number, .b-recent__counter, .b-recent .b-panel__title")
PANELS = ["#hero", ".b-recent", ".b-counters", ".b-services"]

MEASURE = """(selectors) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; };
  const shown = (el) => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
  const panels = selectors.panels.map((s) => ({ sel: s, ...box(document.querySelector(s)) }));
  const texts = [];
  for (const el of document.querySelectorAll('header *, main *')) {
    if (!shown(el) || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(el);
    const panel = el.closest('#hero, .b-panel, header');
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].map((r) => ({ x: r.left, y: r.top, w: r.width, h: r.height }));
    texts.push({ text: el.textContent.trim().slice(0, 40), cls: el.className || el.id || el.tagName,
                 font: parseFloat(s.fontSize), rects, panel: panel ? box(panel) : null,
                 cut: s.overflow !== 'visible' && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1),
                 secondary: el.matches(selectors.secondary) });
  }
  const pagesOf = (label) => (!label || label.hidden ? 1 : Number(label.textContent.split('/')[1]));
  const main = box(document.querySelector('main'));
  const hero = box(document.querySelector('#hero')), number = box(document.querySelector('#hero-number'));
  const list = document.querySelector('#services');
  const rows = [...list.children].filter(shown);
  const rowsHeight = rows.length ? rows.at(-1).getBoundingClientRect().bottom - rows[0].getBoundingClientRect().top : 0;
  const tiles = [...document.querySelectorAll('.b-counter')].filter(shown).map(box);
  const chips = [...document.querySelectorAll('.b-recent__row')].filter(shown).map(box);
  return { vw: innerWidth, vh: innerHeight, scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
           panels, texts, main, hero, number, listHeight: list.clientHeight, rowsHeight, rows: rows.length,
           servicePages: pagesOf(document.getElementById('services-page')),
           tiles, chips, counters: box(document.querySelector('.b-counters')), recent: box(document.querySelector('.b-recent')) };
}"""


def inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + slack)


def overlap(a: dict, b: dict) -> float:
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(0.0, w) * max(0.0, h)


@pytest.fixture(scope="module")
def busy_board(display_hall):
    stage_scene(display_hall)
    return display_hall


@pytest.mark.parametrize("name,width,height", SIZES)
def test_the_board_fits_every_tv_and_reads_from_ten_metres(busy_board, open_screen, shots, name, width, height):
    board = open_screen(f"{busy_board.url}/display?voice=off", width, height)
    page = board.page
    expect(page.locator(".b-counter")).to_have_count(10)
    page.evaluate("document.fonts.ready")
    page.evaluate("() => { for (const el of document.querySelectorAll('.is-flash')) el.classList.remove('is-flash'); }")
    page.wait_for_timeout(300)  # a frame for the pages of the waiting list to be measured again
    m = page.evaluate(MEASURE, {"panels": PANELS, "secondary": SECONDARY})
    where = f"{width}×{height}"
    scale = min(width, height) / 1080

    assert m["scroll"][0] <= width and m["scroll"][1] <= height, f"{where}: the page scrolls {m['scroll']}"
    viewport = {"x": 0, "y": 0, "w": width, "h": height}
    for panel in m["panels"]:
        assert inside(panel, viewport), f"{where}: {panel['sel']} is off screen: {panel}"
    for i, a in enumerate(m["panels"]):
        for b in m["panels"][i + 1:]:
            assert overlap(a, b) < 1, f"{where}: {a['sel']} and {b['sel']} overlap"

    # Nothing clipped: every text inside its panel, none cut by its own box (an ellipsis).
    for t in m["texts"]:
        assert not t["cut"], f"{where}: {t['cls']} {t['text']!r} is cut off"
        for r in t["rects"]:
            assert inside(r, t["panel"] or viewport, 1.5), f"{where}: {t['cls']} {t['text']!r} spills out of its panel"

    # Readable from 10 m: 40 px at 1080 pixels, in proportion elsewhere.
    small = [(t["cls"], t["text"], t["font"]) for t in m["texts"] if t["secondary"] and t["font"] < 40 * scale - 0.5]
    assert not small, f"{where}: under {40 * scale:.0f} px: {small}"
    assert {t["cls"] for t in m["texts"] if t["secondary"]} >= {"b-service__name", "b-service__count", "b-counter__name",
                                                                  "b-counter__value", "b-recent__number"}

    # No huge empty areas: the panels fill the main area, and what is in them fills the panels.
    main_area = m["main"]["w"] * m["main"]["h"]
    assert sum(p["w"] * p["h"] for p in m["panels"]) >= 0.75 * main_area, f"{where}: the panels leave the screen empty"
    assert m["number"]["h"] >= 0.4 * m["hero"]["h"], f"{where}: the newest number is small in its card"
    assert m["rowsHeight"] >= 0.7 * m["listHeight"] or m["servicePages"] == 1, \
        f"{where}: the waiting list fills {m['rowsHeight']:.0f} of {m['listHeight']} px"
    assert m["rows"] >= 4, f"{where}: only {m['rows']} services at a time"
    tiles = sum(t["w"] * t["h"] for t in m["tiles"])
    assert tiles >= 0.45 * m["counters"]["w"] * m["counters"]["h"], f"{where}: the counter tiles are lost in their panel"
    chips = sum(c["w"] * c["h"] for c in m["chips"])
    assert len(m["chips"]) == 4 and chips >= 0.45 * m["recent"]["w"] * m["recent"]["h"], f"{where}: recent calls: {m['chips']}"
    assert board.errors == []
    if name in ("landscape", "portrait"):
        page.screenshot(path=str(shots / ("display-board.png" if name == "landscape" else "display-board-portrait.png")))


@pytest.mark.slow
def test_every_service_shows_in_turn_when_they_do_not_fit_at_once(busy_board, open_screen):
    """Pages of the waiting list turn by themselves; every service is on one of them."""
    board = open_screen(f"{busy_board.url}/display?voice=off", 1920, 1080)
    page = board.page
    page.evaluate("document.fonts.ready")
    pages = page.locator("#services-page")
    expect(pages).to_have_text("1/2")
    names = set()
    for expected in ("1/2", "2/2", "1/2"):
        expect(pages).to_have_text(expected, timeout=15000)
        names |= set(page.locator(".b-service:visible .b-service__name").all_text_contents())
    assert names == {"Đất đai", "Hộ tịch", "Đăng ký kinh doanh", "Xây dựng", "Tư pháp",
                     "Lao động – Thương binh và Xã hội", "Tiếp nhận và trả kết quả"}
