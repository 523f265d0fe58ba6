"""Bytes per ticket and transfer time per text mode; writes the "Printing" section of docs/benchmarks.md.

Run from the repository root: .venv/bin/python bench/bench_print.py [--no-measure]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from printer_drivers import PrinterSettings, print_ticket, render_escpos, sample_ticket  # noqa: E402
from tests.printers.virtual_printer import PtyPrinter  # noqa: E402

BAUDS = (9600, 38400, 115200)
MODES = {
    "bitmap": {},
    "codepage TCVN-3": {"text_mode": "codepage", "codepage": "tcvn3"},
    "codepage CP1258": {"text_mode": "codepage", "codepage": "cp1258"},
}
PAPERS = {"80 mm": 576, "58 mm": 384}
START, END = "<!-- bench_print:start -->", "<!-- bench_print:end -->"
QR_URL = "http://192.168.10.20:5000/t/Zx8qLmR2vT0pWc6yNb4sKa"  # a realistic LAN address and 22-char token


def machine() -> str:
    """Describe the machine the numbers come from."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {model}, Python {platform.python_version()}, {platform.system()}"


TICKETS = {"vi": ("vi", None), "en": ("en", None), "vi, priority band": ("vi", "Người khuyết tật")}


def sizes() -> list[tuple[str, str, str, int]]:
    """Return (mode, paper, ticket, bytes) for every combination."""
    rows = []
    for mode, extra in MODES.items():
        for paper, dots in PAPERS.items():
            for label, (lang, priority) in TICKETS.items():
                settings = PrinterSettings(paper_width_dots=dots, **extra)
                ticket = sample_ticket(lang, QR_URL, priority=priority)
                rows.append((mode, paper, label, len(render_escpos(ticket, settings))))
    return rows


def render_ms(extra: dict, runs: int = 20) -> float:
    """Median time to render one ticket (fonts already loaded)."""
    ticket, settings = sample_ticket("vi", QR_URL), PrinterSettings(**extra)
    render_escpos(ticket, settings)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_escpos(ticket, settings)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measured(extra: dict, baud: int | None) -> float:
    """Seconds for print_ticket through a pty printer, read at the baud rate (None: as fast as it can)."""
    printer = PtyPrinter(baud or 115200, throttle=baud is not None)
    try:
        started = time.perf_counter()
        print_ticket(printer.url, PrinterSettings(**extra), sample_ticket("vi", QR_URL))
        return time.perf_counter() - started
    finally:
        printer.close()


def report(measure: bool) -> str:
    """Build the markdown section."""
    out = [START, "## Printing", "", f"Machine: {machine()}.", ""]
    out += ["Bytes per ticket (the sample ticket of `hallq print-test`, QR to a LAN address) and the time "
            "they need on a serial line at 10 bits per byte. Budgets: 8 KB bitmap, 400 B code page; "
            "a priority ticket, whose band adds about 1.6 KB or 60 B, 8.5 KB and 450 B.", ""]
    out += ["| mode | paper | ticket | bytes | " + " | ".join(f"{b} baud" for b in BAUDS) + " |",
            "|---|---|---|---:|" + "---:|" * len(BAUDS)]
    for mode, paper, lang, size in sizes():
        times = " | ".join(f"{size * 10 / baud:.2f} s" for baud in BAUDS)
        out.append(f"| {mode} | {paper} | {lang} | {size} | {times} |")
    out += ["", "Render time (median of 20, 80 mm, vi): " + ", ".join(
        f"{mode} {render_ms(extra):.1f} ms" for mode, extra in MODES.items()) + "."]
    if measure:
        out += ["", "Measured: `print_ticket` end to end (status before, ticket, status after) to the virtual "
                "serial printer on a pty whose reader takes bytes no faster than the baud rate; "
                "\"pty\" reads as fast as it can, so it shows the fixed cost of the two status checks.", "",
                "| mode | " + " | ".join(f"{b} baud" for b in BAUDS) + " | pty |",
                "|---|" + "---:|" * (len(BAUDS) + 1)]
        for mode in ("bitmap", "codepage TCVN-3"):
            cells = [f"{measured(MODES[mode], baud):.2f} s" for baud in (*BAUDS, None)]
            out.append(f"| {mode} | " + " | ".join(cells) + " |")
        out += ["", "At 9600 baud a bitmap ticket takes about 7 s of the 10 s print deadline (a priority "
                "ticket nearly 9 s): use 38400 baud or more, or code-page mode, on such printers."]
    out.append(END)
    return "\n".join(out)


def update_doc(section: str, path: Path) -> None:
    """Replace our section between the markers, or append it; other benches' sections stay."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Print the report and write it into docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-measure", action="store_true", help="skip the pty transfer measurements (~15 s)")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    section = report(measure=not args.no_measure)
    print(section)
    update_doc(section, args.doc)


if __name__ == "__main__":
    main()
