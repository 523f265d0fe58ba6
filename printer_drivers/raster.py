"""Vietnamese text to compact 1-bit line images with the bundled font (what GS v 0 prints)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from printer_drivers import osthreads
from printer_drivers.ticket import Style

#: Bitmap style -> (font weight, size in dots). Sized for 203 dpi: 22 dots ~ the printer's Font A
#: (12 x 24 cell), and small enough that a ticket stays under 8 KB.
STYLES: dict[str, tuple[int, int]] = {
    "title": (700, 22),
    "service": (700, 28),
    "label": (700, 20),
    "body": (500, 22),
    "small": (500, 20),
    "date": (500, 22),
    "band": (700, 22),
}
BAND_PAD = 6  # black rows above and below the band's text
BAND_SIDE = 16  # black dots left and right of it
#: FreeType faces are not safe to share between threads; printer workers render under this lock.
#: A real lock (osthreads): the workers are OS threads, whatever eventlet has patched. Not reentrant.
RENDER_LOCK = osthreads.Lock()
#: Anti-aliased coverage darker than this becomes a dot; a little bolder than 50 % suits thermal heads.
INK_THRESHOLD = 150


@dataclass(frozen=True)
class Bitmap:
    """One printed line: the ink rows as a 1-bit image whose width is whole bytes, and white rows around it."""

    image: Image.Image  # mode "1", 0 = dot (black), 255 = paper
    gap_above: int
    gap_below: int

    @property
    def width_bytes(self) -> int:
        """Bytes per raster row."""
        return self.image.width // 8


def _font_dir():
    return resources.files("printer_drivers") / "fonts"


@functools.cache
def _vietnamese_codepoints() -> frozenset[int]:
    ranges = json.loads((_font_dir() / "unicode.json").read_text(encoding="utf-8"))["vietnamese"]
    points: set[int] = set()
    for part in ranges.split(","):
        first, _, last = part.strip()[2:].partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


@functools.cache
def _face(subset: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    path = _font_dir() / f"be-vietnam-pro-{subset}-{weight}-normal.woff"
    # BASIC layout: the same glyph positions with or without libraqm installed.
    return ImageFont.truetype(path.open("rb"), size, layout_engine=ImageFont.Layout.BASIC)


def _runs(text: str, weight: int, size: int) -> list[tuple[ImageFont.FreeTypeFont, str]]:
    """Split text into runs that one subset file can draw."""
    vietnamese = _vietnamese_codepoints()
    runs: list[tuple[str, str]] = []
    for char in text:
        subset = "vietnamese" if ord(char) in vietnamese else "latin"
        if runs and runs[-1][0] == subset:
            runs[-1] = (subset, runs[-1][1] + char)
        else:
            runs.append((subset, char))
    return [(_face(subset, weight, size), chunk) for subset, chunk in runs]


def text_width(text: str, style: Style) -> float:
    """Return the advance width of text in dots."""
    weight, size = STYLES[style]
    return sum(face.getlength(chunk) for face, chunk in _runs(text, weight, size))


def wrap(text: str, style: Style, max_width: int) -> list[str]:
    """Greedy word wrap by measured width; words longer than a line break between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, style) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, style) > max_width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and text_width(current[:cut], style) > max_width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines or [""]


def render_line(text: str, style: Style) -> Bitmap:
    """Draw one line and crop it to its ink, so white paper costs feed commands, not raster bytes."""
    weight, size = STYLES[style]
    box_height = round(size * 1.5)  # room for stacked marks above capitals (Ấ, Ỗ) and descenders
    baseline = round(size * 1.15)
    width = int(text_width(text, style)) + size  # slack for overhangs
    canvas = Image.new("L", (width, box_height), 255)
    draw = ImageDraw.Draw(canvas)
    x = size // 4
    for face, chunk in _runs(text, weight, size):
        draw.text((x, baseline), chunk, font=face, fill=0, anchor="ls")
        x += face.getlength(chunk)
    ink = canvas.point(lambda v: 255 if v < INK_THRESHOLD else 0)
    box = ink.getbbox()
    if box is None:  # blank line: just paper
        return Bitmap(Image.new("1", (8, 1), 255), 0, box_height - 1)
    left, top, right, bottom = box
    width_bytes = (right - left + 7) // 8
    crop = canvas.crop((left, top, left + width_bytes * 8, bottom))
    mono = crop.point(lambda v: 0 if v < INK_THRESHOLD else 255, mode="1")
    return Bitmap(mono, gap_above=top, gap_below=box_height - bottom)


def render_text(text: str, style: Style, max_width: int) -> list[Bitmap]:
    """Wrap and draw text; one Bitmap per printed line."""
    return [render_line(line, style) for line in wrap(text, style, max_width)]


def render_band(text: str, max_width: int) -> Bitmap:
    """White text on a black band: the priority mark, unmistakable on paper.

    As wide as its text plus a margin, not the whole paper: a raster costs its area in bytes,
    and a ticket must stay quick to send on a 9600-baud line."""
    lines = [render_line(line, "band") for line in wrap(text, "band", max_width - 2 * BAND_SIDE)]
    width = min(max_width // 8, (max(b.image.width for b in lines) + 2 * BAND_SIDE + 7) // 8) * 8
    top = min(b.gap_above for b in lines)  # the letters' own white rows count as the band's padding
    height = BAND_PAD * 2 + sum(b.gap_above + b.image.height + b.gap_below for b in lines) - top - lines[-1].gap_below
    band = Image.new("1", (width, height), 0)
    y = BAND_PAD - top
    for line in lines:
        ink = line.image.convert("L").point(lambda v: 255 - v)  # the letters, as a mask
        band.paste(255, ((width - line.image.width) // 2, y + line.gap_above), ink)
        y += line.gap_above + line.image.height + line.gap_below
    return Bitmap(band, gap_above=10, gap_below=6)


def load_logo(path: str, max_width: int, max_height: int = 120) -> Image.Image:
    """Load a logo, fit it in the box, dither to 1 bit, pad to whole bytes."""
    with Image.open(path) as source:
        image = source.convert("RGBA")
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    image = Image.alpha_composite(background, image).convert("L")
    image.thumbnail((max_width, max_height))
    mono = image.convert("1")  # Floyd-Steinberg
    padded = Image.new("1", ((mono.width + 7) // 8 * 8, mono.height), 255)
    padded.paste(mono, (0, 0))
    return padded
