"""What the hall says for a call: the sentence and the voice-pack clips that speak it."""
from __future__ import annotations

from typing import Any

from voice import announce

from .config import HallConfig


def announcement(config: HallConfig, number: str, counter: int) -> dict[str, Any]:
    """`announce` of a ticket_called event, in Vietnamese."""
    template = config.voice.template.vi
    return announce(number, counter, lang="vi", template=template, reading=config.voice.reading,
                    pack=config.voice.pack)
