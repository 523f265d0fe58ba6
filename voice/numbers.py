"""Numbers as the hall says them: Vietnamese and English number words, and digit reading."""

from __future__ import annotations

DIGITS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS_EN = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen")
TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Both spellings are correct Vietnamese; halls in the north tend to say "linh" and
# "nghìn", in the south "lẻ" and "ngàn", so the hall chooses.
LINH_WORDS = ("linh", "lẻ")
THOUSAND_WORDS = ("nghìn", "ngàn")
MAX_NUMBER = 999_999_999


def _check_range(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"cannot read {n!r}: numbers go from 0 to {MAX_NUMBER}")


def _group_vi(value: int, *, full: bool, linh: str) -> list[str]:
    """Words for 1…999; `full` says the group follows a larger one, so it keeps 'không trăm'."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS_VI[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            # After a hundred the missing tens are said: "một trăm linh năm" (never "lăm"/"mốt").
            words += [linh, DIGITS_VI[units]]
        elif units:
            words.append(DIGITS_VI[units])
    elif tens == 1:
        words.append("mười")
        if units:
            # "mười lăm" but "mười một" and "mười bốn": mốt and tư need tens of 20 or more.
            words.append("lăm" if units == 5 else DIGITS_VI[units])
    else:
        words += [DIGITS_VI[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGITS_VI[units]))
    return words


def number_tokens_vi(n: int, *, linh: str = "linh", thousand: str = "nghìn") -> list[str]:
    """The Vietnamese words that say n (0…999,999,999), one syllable per item."""
    _check_range(n)
    if linh not in LINH_WORDS:
        raise ValueError(f"linh must be one of {LINH_WORDS}, not {linh!r}")
    if thousand not in THOUSAND_WORDS:
        raise ValueError(f"thousand must be one of {THOUSAND_WORDS}, not {thousand!r}")
    if n == 0:
        return [DIGITS_VI[0]]
    words: list[str] = []
    scales = ((n // 1_000_000, "triệu"), (n // 1000 % 1000, thousand), (n % 1000, ""))
    for value, scale in scales:
        if value == 0:
            # An all-zero group is left out: 1,000,500 is "một triệu năm trăm".
            continue
        words += _group_vi(value, full=bool(words), linh=linh)
        if scale:
            words.append(scale)
    return words


def number_words_vi(n: int, *, linh: str = "linh", thousand: str = "nghìn") -> str:
    """n in Vietnamese words, e.g. 1025 → 'một nghìn không trăm hai mươi lăm'."""
    return " ".join(number_tokens_vi(n, linh=linh, thousand=thousand))


def _group_en(value: int) -> list[str]:
    hundreds, rest = divmod(value, 100)
    words = [DIGITS_EN[hundreds], "hundred"] if hundreds else []
    if 10 <= rest < 20:
        words.append(TEENS_EN[rest - 10])
    elif rest:
        tens, units = divmod(rest, 10)
        words += [w for w in (TENS_EN[tens], DIGITS_EN[units] if units else "") if w]
    return words


def number_tokens_en(n: int) -> list[str]:
    """The English words that say n, one recorded word per item ('twenty', 'three')."""
    _check_range(n)
    if n == 0:
        return [DIGITS_EN[0]]
    words: list[str] = []
    for value, scale in ((n // 1_000_000, "million"), (n // 1000 % 1000, "thousand"), (n % 1000, "")):
        if value:
            words += _group_en(value) + ([scale] if scale else [])
    return words


def number_words_en(n: int) -> str:
    """n in English words, e.g. 1023 → 'one thousand twenty three'."""
    return " ".join(number_tokens_en(n))


def digit_tokens(digits: str, lang: str = "vi") -> list[str]:
    """A run of digits read one by one, e.g. '1023' → một không hai ba."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a run of digits: {digits!r}")
    names = DIGITS_VI if lang == "vi" else DIGITS_EN
    return [names[int(d)] for d in digits]


def digit_words_vi(digits: str) -> str:
    """Digits read one by one in Vietnamese, e.g. '1023' → 'một không hai ba'."""
    return " ".join(digit_tokens(digits, "vi"))
