"""The clip vocabulary of a voice pack: which file says which word, letter or phrase."""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Iterable, NamedTuple

from .numbers import DIGITS_EN, TEENS_EN, TENS_EN

CHIME = "chime"
LANGS = ("vi", "en")

DEFAULT_TEMPLATES = {
    "vi": "Mời công dân có số thứ tự {number} đến quầy số {counter}",
    "en": "Ticket number {number}, please go to counter {counter}",
}

# Clip names are the word without its marks; where two words would share a name (một/mốt,
# mươi/mười) the rarer one carries its tone, so a recording booth can tell them apart.
VI_WORD_CLIPS = {
    "không": "khong", "một": "mot", "mốt": "mot_sac", "hai": "hai", "ba": "ba",
    "bốn": "bon", "tư": "tu", "năm": "nam", "lăm": "lam", "sáu": "sau", "bảy": "bay",
    "tám": "tam", "chín": "chin", "mười": "muoi_huyen", "mươi": "muoi", "trăm": "tram",
    "linh": "linh", "lẻ": "le", "nghìn": "nghin", "ngàn": "ngan", "triệu": "trieu",
}
EN_WORD_CLIPS = {
    w: f"en_{w}"
    for w in (*DIGITS_EN, *TEENS_EN, *TENS_EN[2:], "hundred", "thousand", "million")
}

# How a Vietnamese caller spells a ticket's letter prefix aloud ("A023" → "a, không, hai, ba").
VI_LETTER_NAMES = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê",
    "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ",
    "O": "o", "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u",
    "V": "vê", "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}
VI_LETTER_CLIPS = {ch: "chu_dd" if ch == "Đ" else f"chu_{ch.lower()}" for ch in VI_LETTER_NAMES}
EN_LETTER_CLIPS = {ch: f"en_letter_{ch.lower()}" for ch in string.ascii_uppercase}

WORD_CLIPS = {"vi": VI_WORD_CLIPS, "en": EN_WORD_CLIPS}
LETTER_CLIPS = {"vi": VI_LETTER_CLIPS, "en": EN_LETTER_CLIPS}


class Clip(NamedTuple):
    """One file of a voice pack: its name, language, the text it says, and its kind."""

    name: str
    lang: str
    text: str
    kind: str  # chime, phrase, word or letter


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"no voice for language {lang!r}; choose one of {LANGS}")


def slug(text: str) -> str:
    """ASCII snake_case of a text: 'Mời công dân' → 'moi_cong_dan'."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in bare if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", "_", bare.lower()).strip("_")


def phrase_text(segment: str) -> str:
    """The part of a template's fixed text that is spoken, without edge spaces and commas."""
    return segment.strip(string.whitespace + string.punctuation + "…–—")


def phrase_clip(text: str, lang: str) -> str:
    """The clip name of a template phrase: its slug, with the language ahead unless vi."""
    _check_lang(lang)
    if not slug(text):
        raise ValueError(f"phrase {text!r} has no letters to name a clip after")
    name = slug(text) if lang == "vi" else f"{lang}_{slug(text)}"
    taken = set(WORD_CLIPS[lang].values()) | set(LETTER_CLIPS[lang].values()) | {CHIME}
    # A one-word phrase such as "Mốt" must not reuse the number clip "mot" with the wrong tone.
    return f"phrase_{name}" if name in taken else name


def template_parts(template: str) -> list[tuple[str, str]]:
    """Split a template into ("phrase", text), ("number", "") and ("counter", "") parts."""
    parts: list[tuple[str, str]] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"bad voice template {template!r}: {exc}") from None
    for literal, field, _spec, _conv in parsed:
        if phrase_text(literal):
            parts.append(("phrase", phrase_text(literal)))
        if field is None:
            continue
        if field not in ("number", "counter"):
            raise ValueError(f"voice template {template!r} may use only {{number}} and {{counter}}")
        parts.append((field, ""))
    return parts


def word_clips(words: Iterable[str], lang: str) -> list[str]:
    """Clip names for number words, e.g. ['hai', 'mươi', 'mốt'] → ['hai', 'muoi', 'mot_sac']."""
    _check_lang(lang)
    try:
        return [WORD_CLIPS[lang][w] for w in words]
    except KeyError as exc:
        raise ValueError(f"no {lang} clip for the word {exc.args[0]!r}") from None


def letter_clip(letter: str, lang: str) -> str:
    """Clip name for a ticket's letter, e.g. 'A' → 'chu_a'."""
    _check_lang(lang)
    try:
        return LETTER_CLIPS[lang][letter.upper()]
    except KeyError:
        raise ValueError(f"no {lang} clip for the letter {letter!r}") from None


def vocabulary(templates: Iterable[tuple[str, str]] = ()) -> dict[str, Clip]:
    """Every clip a pack holds: the default phrases and any (lang, template) given, then words."""
    clips: dict[str, Clip] = {CHIME: Clip(CHIME, "", "(chime)", "chime")}
    for lang, template in [*DEFAULT_TEMPLATES.items(), *templates]:
        for kind, text in template_parts(template):
            if kind == "phrase":
                name = phrase_clip(text, lang)
                clips.setdefault(name, Clip(name, lang, text, "phrase"))
    for word, name in VI_WORD_CLIPS.items():
        clips[name] = Clip(name, "vi", word, "word")
    for letter, name in VI_LETTER_CLIPS.items():
        clips[name] = Clip(name, "vi", VI_LETTER_NAMES[letter], "letter")
    for word, name in EN_WORD_CLIPS.items():
        clips[name] = Clip(name, "en", word, "word")
    for letter, name in EN_LETTER_CLIPS.items():
        clips[name] = Clip(name, "en", letter, "letter")
    return clips
