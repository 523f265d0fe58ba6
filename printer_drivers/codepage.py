"""Vietnamese to printer code pages, encoded here: TCVN-3 (two pages) and CP1258 (base + tone marks)."""

from __future__ import annotations

import unicodedata

ESC_T = b"\x1bt"

# TCVN 5712:1993 VN3, small letters: the same bytes as glibc's TCVN5712-1 and python-escpos's
# "TCVN-3-1" table. Order: each vowel with no tone, grave, hook, tilde, acute, dot below.
_TCVN3_VOWELS = {
    "a": "61 b5 b6 b7 b8 b9", "ă": "a8 bb bc bd be c6", "â": "a9 c7 c8 c9 ca cb",
    "e": "65 cc ce cf d0 d1", "ê": "aa d2 d3 d4 d5 d6", "i": "69 d7 d8 dc dd de",
    "o": "6f df e1 e2 e3 e4", "ô": "ab e5 e6 e7 e8 e9", "ơ": "ac ea eb ec ed ee",
    "u": "75 ef f1 f2 f3 f4", "ư": "ad f5 f6 f7 f8 f9", "y": "79 fa fb fc fd fe",
}
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
TCVN3_SMALL: dict[str, int] = {"đ": 0xAE}
for _base, _codes in _TCVN3_VOWELS.items():
    for _tone, _code in zip(_TONES, _codes.split()):
        _char = unicodedata.normalize("NFC", _base + _tone)
        if ord(_char) >= 0x80:
            TCVN3_SMALL[_char] = int(_code, 16)

# The capitals page puts each capital where its small letter sits, except Ă, Â, Đ, which keep the
# VN3 capital slots A1, A2, A7. python-escpos's "TCVN-3-2" table agrees, but lists U+00D0 (Ð, Icelandic
# eth) at A7 instead of U+0110 (Đ), so its own encoder cannot print Đ; we do not use it.
TCVN3_CAPITAL: dict[str, int] = {char.upper(): code for char, code in TCVN3_SMALL.items()}
TCVN3_CAPITAL.update({"Ă": 0xA1, "Â": 0xA2, "Đ": 0xA7})

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ASCII_STAND_INS = {"–": "-", "—": "-", "·": "-", "•": "*", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'}


def ascii_fallback(char: str) -> bytes:
    """Best ASCII stand-in for a character no page holds: strip marks, else '?'."""
    if char in _ASCII_STAND_INS:
        return _ASCII_STAND_INS[char].encode()
    base = unicodedata.normalize("NFD", char)[0]
    if base == "đ" or base == "Đ":
        base = "d" if base == "đ" else "D"
    return base.encode("ascii") if base.isascii() else b"?"


class CodepageEncoder:
    """Encode text for one printer, emitting ESC t only when the page must change."""

    def __init__(self, codepage: str, slot: int, upper_slot: int | None = None) -> None:
        self.codepage = codepage
        self.slot = slot
        self.upper_slot = upper_slot
        self.current: int | None = None

    def select(self, slot: int) -> bytes:
        """Return ESC t slot unless that page is already selected."""
        if self.current == slot:
            return b""
        self.current = slot
        return ESC_T + bytes((slot,))

    def encode(self, text: str) -> bytes:
        """Encode NFC text; page switches are part of the returned bytes."""
        text = unicodedata.normalize("NFC", text)
        out = bytearray()
        for char in text:
            if char.isascii():
                out += char.encode("ascii")  # the same on every page
            elif self.codepage == "tcvn3":
                out += self._tcvn3(char)
            else:
                out += self._cp1258(char)
        return bytes(out)

    def _tcvn3(self, char: str) -> bytes:
        if char in TCVN3_SMALL:
            return self.select(self.slot) + bytes((TCVN3_SMALL[char],))
        if char in TCVN3_CAPITAL:
            if self.upper_slot is not None:
                return self.select(self.upper_slot) + bytes((TCVN3_CAPITAL[char],))
            return self.select(self.slot) + bytes((TCVN3_SMALL[char.lower()],))  # no capitals page: fold case
        return ascii_fallback(char)

    def _cp1258(self, char: str) -> bytes:
        prefix = self.select(self.slot)
        try:
            return prefix + char.encode("cp1258")
        except UnicodeEncodeError:
            pass
        # CP1258 has the letters with circumflex, breve and horn, but most tones only as combining marks.
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        try:
            return prefix + (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            return prefix + ascii_fallback(char)


def decode_tcvn3(data: bytes, upper_pages: frozenset[int] = frozenset({31}), start_page: int = 30) -> str:
    """Decode our TCVN-3 output back to text (used by tests and the bench, not by printing)."""
    small = {code: char for char, code in TCVN3_SMALL.items()}
    capital = {code: char for char, code in TCVN3_CAPITAL.items()}
    page, out, i = start_page, [], 0
    while i < len(data):
        if data[i : i + 2] == ESC_T and i + 2 < len(data):
            page, i = data[i + 2], i + 3
            continue
        byte = data[i]
        out.append(chr(byte) if byte < 0x80 else (capital if page in upper_pages else small).get(byte, "\ufffd"))
        i += 1
    return "".join(out)
