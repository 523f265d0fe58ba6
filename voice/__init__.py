"""What the hall says when it calls a ticket: the wording, the numbers, and the voice-pack clips.

Pure code below both the server (which puts `announce()` in every ticket_called event) and
the display station (whose voicepack tools build the clips): it imports nothing of hallq.
"""
from __future__ import annotations

from .announce import announce, counter_clips, ticket_clips

__all__ = ["announce", "counter_clips", "ticket_clips"]
