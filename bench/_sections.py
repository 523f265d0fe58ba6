"""docs/benchmarks.md is shared: each bench replaces only its own marked section."""
from __future__ import annotations

import os
import platform
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


def machine_line(*extra: str) -> str:
    """The machine in one line for a section: CPUs, model, RAM, OS, Python, and what the bench adds."""
    model, mem = "unknown CPU", ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return ", ".join([f"{os.cpu_count()} CPUs (nproc), {model}{mem}, {platform.system()}, "
                      f"Python {platform.python_version()}", *extra])
