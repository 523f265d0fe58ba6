"""What the hall says when it calls a ticket: the sentence, and the voice-pack clips that say it.

Pure functions: no Flask, no files. The server calls `announce()` for every call and recall
and puts the result in `ticket_called.announce`; the display plays the clips in order.
"""

from __future__ import annotations

import re

from .clips import (
    CHIME,
    DEFAULT_TEMPLATES,
    EN_LETTER_CLIPS,
    EN_WORD_CLIPS,
    LANGS,
    VI_LETTER_CLIPS,
    VI_LETTER_NAMES,
    VI_WORD_CLIPS,
    letter_clip,
    phrase_clip,
    template_parts,
    word_clips,
)
from .numbers import (
    MAX_NUMBER,
    digit_tokens,
    digit_words_vi,
    number_tokens_en,
    number_tokens_vi,
    number_words_en,
    number_words_vi,
)

__all__ = [
    "announce", "counter_clips", "digit_words_vi", "number_words_en", "number_words_vi",
    "ticket_clips", "DEFAULT_TEMPLATES", "READINGS",
]

READINGS = ("words", "digits")
# A ticket number is read run by run: each letter by its name, each run of digits as a number.
_RUN = re.compile(r"[0-9]+|[^\W\d_]")
_PACK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

# What each clip says, for the `speech` field that Web Speech reads on TVs without the pack.
_CLIP_TEXT = {
    **{clip: word for word, clip in VI_WORD_CLIPS.items()},
    **{clip: VI_LETTER_NAMES[ch] for ch, clip in VI_LETTER_CLIPS.items()},
    **{clip: word for word, clip in EN_WORD_CLIPS.items()},
    **{clip: ch for ch, clip in EN_LETTER_CLIPS.items()},
}


def _number_words(n: int, lang: str, linh: str, thousand: str) -> list[str]:
    if lang == "vi":
        return number_tokens_vi(n, linh=linh, thousand=thousand)
    return number_tokens_en(n)


def ticket_clips(
    number: str, *, lang: str = "vi", reading: str = "words", linh: str = "linh",
    thousand: str = "nghìn",
) -> list[str]:
    """The clip names that say a ticket number: 'A023' → chu_a, hai, muoi, ba (words)."""
    if reading not in READINGS:
        raise ValueError(f"reading must be one of {READINGS}, not {reading!r}")
    runs = _RUN.findall(number)
    if not runs:
        raise ValueError(f"ticket number {number!r} has nothing to read")
    clips: list[str] = []
    for run in runs:
        if not run.isdigit():
            clips.append(letter_clip(run, lang))
        elif reading == "digits" or int(run) > MAX_NUMBER:
            clips += word_clips(digit_tokens(run, lang), lang)
        else:
            # Leading zeros are not said in words: "A023" is "a, hai mươi ba".
            clips += word_clips(_number_words(int(run), lang, linh, thousand), lang)
    return clips


def counter_clips(
    counter: int, *, lang: str = "vi", linh: str = "linh", thousand: str = "nghìn"
) -> list[str]:
    """The clip names that say a counter's number, always as words ('quầy số mười hai')."""
    if not isinstance(counter, int) or isinstance(counter, bool) or counter < 0:
        raise ValueError(f"counter must be a whole number ≥ 0, not {counter!r}")
    return word_clips(_number_words(counter, lang, linh, thousand), lang)


def announce(
    number: str,
    counter: int,
    *,
    lang: str = "vi",
    template: str | None = None,
    reading: str = "words",
    pack: str = "vi-espeak",
    base_url: str = "/display/static/voice",
    linh: str = "linh",
    thousand: str = "nghìn",
    ext: str = "ogg",
    chime: bool = True,
) -> dict:
    """The sentence that calls ticket `number` to `counter`, and the clip URLs that say it."""
    # {"text", "clips", "speech"}: text shows the number as printed; clips are the pack's
    # files in playing order, chime first; speech is the sentence as the clips say it, for
    # Web Speech. A bad language, reading, template or pack name raises ValueError, so the
    # server can try its configured wording once at start-up rather than at the first call.
    if lang not in LANGS:
        raise ValueError(f"no voice for language {lang!r}; choose one of {LANGS}")
    if not _PACK.fullmatch(pack) or ".." in pack:
        raise ValueError(f"bad voice pack name {pack!r}")
    template = DEFAULT_TEMPLATES[lang] if template is None else template
    names: list[str] = [CHIME] if chime else []
    spoken: list[str] = []
    for kind, phrase in template_parts(template):
        if kind == "phrase":
            names.append(phrase_clip(phrase, lang))
            spoken.append(phrase)
            continue
        if kind == "number":
            said = ticket_clips(number, lang=lang, reading=reading, linh=linh, thousand=thousand)
        else:
            said = counter_clips(counter, lang=lang, linh=linh, thousand=thousand)
        names += said
        spoken += [_CLIP_TEXT[name] for name in said]
    prefix = f"{base_url.rstrip('/')}/{pack}/"
    return {
        "text": template.format(number=number, counter=counter),
        "clips": [f"{prefix}{name}.{ext}" for name in names],
        "speech": " ".join(spoken),
    }
