"""Reports over a year of history: stats, exports and the daily close on 3,000 tickets a day.

Run from the repository root:
    .venv/bin/python bench/bench_reports.py [--days 365] [--per-day 3000] [--postgres] [--no-write]

Builds a year of synthetic history with bulk inserts (tickets, their events, ratings, the
numbering rows), summarizes each closed day with the daily close's own code, leaves today
half done (summarized live), then times, against the same database:
stats for a day, a month and a year, the dashboard, and the CSV / XLSX exports of a month,
both as functions and through a real `hallq serve` over HTTP. SQLite always; PostgreSQL too
with --postgres (a throwaway database on the test server, HALLQ_TEST_POSTGRES_URL).
Writes the "bench_reports" section of docs/benchmarks.md unless --no-write.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import yaml
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.closing import run_close  # noqa: E402
from server.config import parse_config  # noqa: E402
from server.queueing.clock import business_day  # noqa: E402
from server.reports import dashboard, stats, summary_xlsx, tickets_csv, tickets_xlsx  # noqa: E402
from server.reports.facts import ticket_facts  # noqa: E402
from server.storage import Database  # noqa: E402
from tests.reports.history import build  # noqa: E402

START, END = "<!-- bench_reports:start -->", "<!-- bench_reports:end -->"
PASSWORD = "pw12345678"


def hall_config(folder: Path) -> Path:
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for svc in data["services"]:
        svc["hours"], svc["daily_cap"] = ["00:00-24:00"], 999
        svc["numbers"] = "A###" if svc["code"] == "TK" else svc["numbers"].split("-")[0][:1] + "###"
        svc["numbers"] = svc["numbers"] if svc["code"] == "TK" else {"DD": "D###", "HT": "H###", "DKKD": "K###",
                                                                       "XD": "X###", "TP": "P###", "LD": "L###"}[svc["code"]]
    data.setdefault("server", {})["async_mode"] = "eventlet"
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """Median wall time of `repeat` runs (the first one, cold, included)."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure(db: Database, config: Any, today: date, now: datetime, days: int) -> dict[str, Any]:
    month_start = today - timedelta(days=29)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    out: dict[str, Any] = {}
    for label, start, end in (("stats, today (live)", today, today),
                              ("stats, yesterday (closed)", today - timedelta(days=1), today - timedelta(days=1)),
                              ("stats, last 30 days incl. today", month_start, today),
                              (f"stats, a year ({days} closed days + today)", today - timedelta(days=days), today)):
        t, body = timed(lambda: db.read(lambda s: stats(s, config, start, end, today=today)))
        out[label] = (t, f"{body['total']['tickets']:,} tickets")
    t, body = timed(lambda: db.read(lambda s: dashboard(s, config, now, [])))
    out["dashboard (today so far, uncached)"] = (t, f"{body['today']['tickets']:,} tickets today")
    facts_t, facts = timed(lambda: db.read(lambda s: list(ticket_facts(s, last_month, last_month_end))), 3)
    out["month's tickets read (export query)"] = (facts_t, f"{len(facts):,} tickets")
    t, data = timed(lambda: tickets_csv(facts, config), 3)
    out["CSV of a month, written"] = (facts_t + t, f"{len(data) / 1e6:.1f} MB")
    t, data = timed(lambda: tickets_xlsx(facts, config), 1)
    out["XLSX of a month, written"] = (facts_t + t, f"{len(data) / 1e6:.1f} MB")
    report = db.read(lambda s: stats(s, config, today - timedelta(days=365), today, today=today))
    t, data = timed(lambda: summary_xlsx(report, config.center.name.vi), 3)
    out["summary XLSX of a year (from the stats)"] = (t, f"{len(data) / 1e3:.0f} KB")
    return out


def over_http(config_path: Path, database_url: str | None, today: date) -> dict[str, Any]:
    """The same reads through `hallq serve` (eventlet), as a supervisor's browser makes them."""
    from tests.support.auth import HallAuth
    from tests.support.server import LiveServer

    server = LiveServer(config_path, database_url=database_url, name="bench-reports").start(timeout=300)
    try:
        token = HallAuth(server).supervisor("boss")
        month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        month_end = today.replace(day=1) - timedelta(days=1)
        out = {}
        for label, path in (("GET /stats, a day", f"stats?from={today}&to={today}"),
                            ("GET /stats, 30 days", f"stats?from={today - timedelta(days=29)}&to={today}"),
                            ("GET /stats, a year", f"stats?from={today - timedelta(days=365)}&to={today}"),
                            ("GET /dashboard", "dashboard"),
                            ("GET /reports/tickets.csv, a month", f"reports/tickets.csv?from={month}&to={month_end}"),
                            ("GET /reports/tickets.xlsx, a month", f"reports/tickets.xlsx?from={month}&to={month_end}"),
                            ("GET /reports/summary.xlsx, a year",
                             f"reports/summary.xlsx?from={today - timedelta(days=365)}&to={today}")):
            repeat = 1 if "xlsx, a month" in label else 3
            t, resp = timed(lambda: server.get(path, token=token, timeout=300), repeat)
            assert resp.status_code == 200, (path, resp.status_code, resp.text[:200])
            out[label] = (t, f"{len(resp.content) / 1e3:,.0f} KB")
        return out
    finally:
        server.stop()


def machine() -> str:
    import sqlite3

    from _sections import machine_line

    return machine_line(f"SQLite {sqlite3.sqlite_version}")


def run(label: str, folder: Path, database_url: str | None, days: int, per_day: int,
        http: bool) -> dict[str, Any]:
    config_path = hall_config(folder)
    config = parse_config(yaml.safe_load(config_path.read_text(encoding="utf-8")))
    url = database_url or f"sqlite:///{folder / 'hallq.db'}"
    db = Database(url, synchronous="normal")
    db.migrate()
    db.ensure_counters([c.number for c in config.counters])
    tz = config.center.tz
    now = datetime.combine(datetime.now(tz).date(), dtime(12, 30), tzinfo=tz).astimezone(timezone.utc)
    today = business_day(now, tz, config.center.day_start)
    print(f"[{label}] building {days} days x {per_day} tickets ...", flush=True)
    built = build(db, config, days, per_day, today, now)
    print(f"[{label}] built: {built}", flush=True)
    results = measure(db, config, today, now, days)
    for k, (t, note) in results.items():
        print(f"[{label}] {k}: {t * 1000:.0f} ms ({note})", flush=True)
    # A close on the next morning: today's open tickets expire, today is summarized.
    from types import SimpleNamespace

    class Quiet:
        def publish(self, events):
            pass

    tomorrow = datetime.combine(today + timedelta(days=1), dtime(6, 0), tzinfo=tz)
    t0 = time.perf_counter()
    closed = run_close(SimpleNamespace(config=config, db=db, hub=Quiet(), clock=lambda: tomorrow), tomorrow)
    close_s = time.perf_counter() - t0
    print(f"[{label}] next morning's close: {close_s * 1000:.0f} ms, {closed}", flush=True)
    web = over_http(config_path, database_url, today + timedelta(days=1)) if http else {}
    for k, (t, note) in web.items():
        print(f"[{label}] {k}: {t * 1000:.0f} ms ({note})", flush=True)
    version = db.read(lambda s: s.execute(text("SELECT version()" if database_url else "SELECT sqlite_version()"))
                      .scalar_one())
    return {"built": built, "results": results, "close_s": close_s, "expired": closed.expired, "web": web,
            "version": " ".join(str(version).split()[:2]) if database_url else f"SQLite {version}"}


def section(runs: dict[str, dict[str, Any]], days: int, per_day: int) -> str:
    names = list(runs)
    first = runs[names[0]]
    lines = [
        "## Reports over a year of history: `bench/bench_reports.py`", "",
        f"Machine: {machine()}"
        + "".join(f"; {runs[n]['version']}" for n in names if runs[n].get("version") and n != "SQLite") + ".", "",
        f"{days} closed business days of synthetic history at {per_day:,} tickets a day "
        f"({first['built']['tickets']:,} tickets, {first['built']['events']:,} events, ratings for ~40 % of "
        "those served), plus today half done, built with bulk inserts; each closed day summarized with the "
        "daily close's own code. Median of 5 runs (3 for exports, 1 for the month's XLSX), the first cold. "
        "Target: every report under 1 s.", "",
        "| measure | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for key in first["results"]:
        cells = []
        for name in names:
            t, note = runs[name]["results"][key]
            cells.append(f"{t * 1000:,.0f} ms ({note})")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    if any(r["web"] for r in runs.values()):
        lines.append("| *through `hallq serve` (eventlet), HTTP on loopback:* |" + " |" * len(names))
        for key in first["web"]:
            cells = []
            for name in names:
                t, note = runs[name]["web"].get(key, (float("nan"), ""))
                cells.append(f"{t * 1000:,.0f} ms ({note})")
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines.append("| one day summarized by the close (median) | " + " | ".join(
        f"{runs[n]['built']['summarize_day_ms']:,.0f} ms" for n in names) + " |")
    lines.append("| the next morning's close (expire today's open tickets, summarize today) | " + " | ".join(
        f"{runs[n]['close_s'] * 1000:,.0f} ms ({runs[n]['expired']} expired)" for n in names) + " |")
    lines.append("| building the history (bulk inserts / summarizing every day) | " + " | ".join(
        f"{runs[n]['built']['insert_s']:,.0f} s / {runs[n]['built']['summarize_s']:,.0f} s" for n in names) + " |")
    lines += [
        "",
        "How: closed days are read from per-day and per-month summaries (`daily_summaries`, `monthly_summaries`: "
        "one row per day or month × service × counter × staff member, every column a count or a sum, hours of day "
        "and 77-bucket histograms of wait and service time included), summed in SQL: the whole months of a range "
        "from the monthly rows, the rest from the daily ones, plus one `GROUP BY day` for the chart by day; days "
        "not closed yet (today) are summarized on the fly from their tickets by the same code. Medians and p90 are "
        "interpolated in the histograms (15 s buckets up to 10 min, 1 min to 30, 5–10 min beyond); means, counts "
        "and shares are exact. Exports read the range's tickets, their call/finish/transfer and expiry events and "
        "ratings in three set-based queries, and are written off the eventlet hub (the CSV a month at a time, the "
        "XLSX by a small streaming SpreadsheetML writer; openpyxl took ~31 s for the same month). `GET /dashboard` "
        "is cached while the hall's `seq` is unchanged (at most 5 s); the uncached figure is the row above it.",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    from _sections import write_section

    write_section(START, END, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=3000)
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL database")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run on one database only")
    parser.add_argument("--save", type=Path, help="keep this run's figures in a JSON file")
    parser.add_argument("--load", type=Path, help="add the figures of an earlier --save (this run's win)")
    parser.add_argument("--no-http", dest="http", action="store_false", help="skip the runs through hallq serve")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    runs: dict[str, Any] = json.loads(args.load.read_text()) if args.load else {}
    fresh: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hallq-bench-reports-") as tmp:
        if args.only in (None, "sqlite"):
            folder = Path(tmp) / "sqlite"
            folder.mkdir()
            fresh["SQLite"] = run("SQLite", folder, None, args.days, args.per_day, args.http)
        if args.only == "postgresql" or (args.only is None and args.postgres):
            from tests.support.postgres import create_database, drop_database

            url = create_database("hallq_bench")
            try:
                folder = Path(tmp) / "pg"
                folder.mkdir()
                fresh["PostgreSQL"] = run("PostgreSQL", folder, url, args.days, args.per_day, args.http)
            finally:
                drop_database(url)
    fresh = json.loads(json.dumps(fresh, default=str))  # the same shape as a loaded file
    if args.save:
        args.save.write_text(json.dumps(fresh, indent=1), encoding="utf-8")
    runs.update(fresh)
    runs = {name: runs[name] for name in ("SQLite", "PostgreSQL") if name in runs}
    text = section(runs, args.days, args.per_day)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
