"""The hall board's call animation keeps every text readable: at least 4.5:1 (WCAG AA) between
text and its background at every moment of the flash, in Chromium against a real server.

The animations a call starts are paused and stepped through their whole length with the
Web Animations API; at each step the computed colours of every text in a flashing element
are read against the background behind it, and the newest number's box is photographed
and its two main colours measured from the pixels.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from PIL import Image
from playwright.sync_api import expect

from tests.browser.display_support import display_hall, open_screen, sound_browser  # noqa: F401  (fixtures)

MIN_CONTRAST = 4.5
STEPS = 48

# For every element that is flashing: each text in it, its colour, and the opaque background
# behind it (the nearest ancestor's background colour, blended down to the page's).
COLOURS = """() => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3])).concat(1);
  function background(el) {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const s = getComputedStyle(node);
      const c = parse(s.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  }
  const out = [];
  for (const root of document.querySelectorAll('.is-flash')) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (!el.offsetParent || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const s = getComputedStyle(el);
      const ink = parse(s.color);
      const bg = background(el);
      out.push({ where: (el.id || el.className || el.tagName) + ' in ' + (root.id || root.className),
                 ink: over([ink[0], ink[1], ink[2], ink[3] * parseFloat(s.opacity)], bg), bg });
    }
  }
  return out;
}"""

PAUSE = """() => {
  const flashing = [...document.querySelectorAll('.is-flash')];
  const animations = flashing.flatMap((el) => el.getAnimations({ subtree: true }));
  for (const a of animations) a.pause();
  window.__flash = animations;
  return Math.max(0, ...animations.map((a) => a.effect.getComputedTiming().endTime));
}"""

SEEK = "(t) => { for (const a of window.__flash) a.currentTime = t; return window.__flash.length; }"

# How far the newest number's glyphs reach past its card at this moment (the pulse scales it).
SPILL = """() => {
  const card = document.getElementById('hero').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(document.getElementById('hero-number'));
  const r = range.getBoundingClientRect();
  return Math.max(card.left - r.left, r.right - card.right, card.top - r.top, r.bottom - card.bottom);
}"""


def luminance(rgb) -> float:
    def channel(v: float) -> float:
        v = v / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def pixel_contrast(png: bytes) -> float:
    """The contrast between the two commonest colours of a picture of big text: its ink and its ground."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = getattr(image, "get_flattened_data", image.getdata)()  # Pillow 12 and 13 both
    (ground, _), (ink, _) = Counter(pixels).most_common(2)
    return contrast(ground, ink)


def test_every_frame_of_the_call_animation_keeps_the_text_readable(display_hall, open_screen):
    board = open_screen(f"{display_hall.url}/display?voice=off")
    display_hall.clear(5)
    display_hall.call(5, "DKKD")
    number = display_hall.call(5, "DKKD")  # a second call: the recent-calls row flashes too
    page = board.page
    expect(page.locator("#hero-number")).to_have_text(number)
    expect(page.locator("#hero")).to_have_class(re.compile(r"\bis-flash\b"))
    page.evaluate("document.fonts.ready")

    end = page.evaluate(PAUSE)
    assert end > 0, "a call starts an animation"
    box = page.locator("#hero-number").bounding_box()
    worst: list[tuple[float, float, str]] = []
    pixels: list[tuple[float, float]] = []
    for i in range(STEPS + 1):
        t = end * i / STEPS
        assert page.evaluate(SEEK, t) > 0
        spill = page.evaluate(SPILL)
        assert spill <= 0, f"the number spills {spill:.0f} px out of its card at {t:.0f} ms"
        for sample in page.evaluate(COLOURS):
            worst.append((contrast(sample["ink"], sample["bg"]), t, sample["where"]))
        if i % 6 == 0:  # photographed too: what a camera in the hall would see
            pixels.append((pixel_contrast(page.screenshot(clip=box, animations="allow")), t))
    lowest = min(worst)
    assert lowest[0] >= MIN_CONTRAST, f"{lowest[2]} at {lowest[1]:.0f} ms of the animation: {lowest[0]:.2f}:1"
    low_pixels = min(pixels)
    assert low_pixels[0] >= MIN_CONTRAST, f"the number's pixels at {low_pixels[1]:.0f} ms: {low_pixels[0]:.2f}:1"
    # Every kind of flashing element was checked: the hero, the counter's tile, the recent row.
    where = {w for _, _, w in worst}
    assert any("in hero" in w for w in where) and any("b-counter" in w for w in where) \
        and any("b-recent" in w for w in where), sorted(where)
