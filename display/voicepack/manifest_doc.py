"""The clip table in docs/voice-pack.md, generated from a pack's manifest.json."""

from __future__ import annotations

import json
from pathlib import Path

START = "<!-- clip-table:start (generated from the manifest by display/voicepack; do not edit) -->"
END = "<!-- clip-table:end -->"
KIND_ORDER = ("chime", "phrase", "word", "letter")


def load(folder: Path) -> dict:
    """A pack's manifest.json as a dict."""
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def clip_table(manifest: dict) -> str:
    """A Markdown table of every clip: file name, language, kind, what it says, seconds."""
    rows = ["| file | lang | kind | says | seconds |", "|---|---|---|---|---|"]
    clips = sorted(
        manifest["clips"].items(),
        # Vietnamese first: a centre recording its own voice usually needs only those.
        key=lambda item: (item[1]["lang"] == "en", KIND_ORDER.index(item[1]["kind"])),
    )
    ext = manifest.get("extension", "ogg")
    for name, clip in clips:
        rows.append(
            f"| `{name}.{ext}` | {clip['lang'] or '—'} | {clip['kind']} | {clip['text']} "
            f"| {clip['duration_s']:.2f} |"
        )
    return "\n".join(rows)


def update_doc(doc: Path, manifest: dict) -> bool:
    """Replace the table between the markers in `doc`; False when the markers are missing."""
    text = doc.read_text(encoding="utf-8")
    head, sep, rest = text.partition(START)
    _old, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        return False
    new = f"{head}{START}\n{clip_table(manifest)}\n{END}{tail}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return True
