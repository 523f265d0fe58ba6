"""docs/benchmarks.md is shared: each bench replaces only its own marked section."""
from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(start: str, end: str, text: str, path: Path = DOC) -> None:
    """Put `text` between the markers, keeping every other section of the file."""
    block = f"{start}\n{text.rstrip()}\n{end}"
    doc = path.read_text(encoding="utf-8") if path.exists() else (
        "# Benchmarks\n\nEach bench in `bench/` writes its own marked section of this file.\n")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    doc = pattern.sub(lambda _: block, doc, count=1) if pattern.search(doc) else doc.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
