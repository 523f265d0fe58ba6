"""Text a person types into the hall (a full name, the boards' notice): one line, stored one way."""
from __future__ import annotations

import unicodedata

#: Control and format characters (hidden ones), lone surrogates, line and paragraph breaks.
NOT_IN_A_LINE = ("Cc", "Cf", "Cs", "Zl", "Zp")


def one_line(value: str, maximum: int) -> str:
    """NFC (a phone's decomposed accents stored as a PC's), trimmed.

    Raises ValueError past `maximum` characters, or for anything that breaks the line or hides.
    """
    text = unicodedata.normalize("NFC", value).strip()
    if len(text) > maximum or any(unicodedata.category(c) in NOT_IN_A_LINE for c in text):
        raise ValueError(f"up to {maximum} characters, no control characters")
    return text
