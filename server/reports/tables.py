"""Per-day summaries written by the daily close, so a year's report never reads a year of tickets.

One row per business day × service (as issued) × counter × staff member who served last.
Every column is a count or a sum, so any range and any grouping is a plain SQL SUM:
hours of day and the wait / service time histograms are columns too (`h07`, `w12`, `s03`).
`monthly_summaries` holds the same sums per calendar month (rebuilt from the days whenever
one of its days is summarized or purged): a year's report reads twelve months' rows plus the
days of the months it only partly covers.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table

from ..queueing.models import Base, UtcDateTime

# Histogram buckets, by their lower edge in seconds: fine where most waits and services fall
# (15 s up to 10 min), coarser beyond; the last bucket is open-ended (its top is the max seen).
EDGES: tuple[int, ...] = (
    tuple(range(0, 600, 15)) + tuple(range(600, 1800, 60)) + tuple(range(1800, 3600, 300))
    + tuple(range(3600, 7200, 600)) + tuple(range(7200, 14400, 1800)) + (14400,)
)
HOURS = tuple(f"h{h:02d}" for h in range(24))
WAIT_BUCKETS = tuple(f"w{i:02d}" for i in range(len(EDGES)))
SERVICE_BUCKETS = tuple(f"s{i:02d}" for i in range(len(EDGES)))
SCALARS = (
    "tickets", "served", "no_shows", "cancelled", "expired", "transferred", "priority",
    "called", "wait_sum", "within_target", "target_base", "service_n", "service_sum",
    "rating_n", "rating_sum", "rating_1", "rating_2", "rating_3", "rating_4",
)
MAXIMA = ("wait_max", "service_max")  # combined with MAX, not SUM
SUMMED = SCALARS + HOURS + WAIT_BUCKETS + SERVICE_BUCKETS
KEYS = ("day", "service", "counter", "staff")
NO_COUNTER, NO_STAFF = 0, ""  # never called: no counter, nobody served it


def _count(name: str) -> Column:
    big = name.endswith("_sum")
    return Column(name, BigInteger if big else Integer, nullable=False, server_default="0", default=0)


daily_summaries = Table(
    "daily_summaries", Base.metadata,
    Column("day", Date, primary_key=True),
    Column("service", String(16), primary_key=True),
    Column("counter", Integer, primary_key=True, autoincrement=False),
    Column("staff", String(80), primary_key=True),
    *(_count(name) for name in SUMMED + MAXIMA),
)

monthly_summaries = Table(
    "monthly_summaries", Base.metadata,
    Column("month", Date, primary_key=True),  # the month's first day
    Column("service", String(16), primary_key=True),
    Column("counter", Integer, primary_key=True, autoincrement=False),
    Column("staff", String(80), primary_key=True),
    *(_count(name) for name in SUMMED + MAXIMA),
)

closed_days = Table(
    "closed_days", Base.metadata,
    Column("day", Date, primary_key=True),
    Column("closed_at", UtcDateTime, nullable=False),
    Column("tickets", Integer, nullable=False, default=0),
    Column("expired", Integer, nullable=False, default=0),
)


def bucket(seconds: float) -> int:
    """The histogram bucket a duration falls in."""
    lo, hi = 0, len(EDGES) - 1
    if seconds >= EDGES[hi]:
        return hi
    while lo < hi:  # the last edge <= seconds
        mid = (lo + hi + 1) // 2
        if EDGES[mid] <= seconds:
            lo = mid
        else:
            hi = mid - 1
    return lo


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_range(start: date, end: date) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """The day spans of months only partly in start..end, and the first and last whole months."""
    first_whole = start if start.day == 1 else next_month(start)
    after_whole = month_of(end + timedelta(days=1))  # the whole months end before this
    if first_whole >= after_whole:
        return [(start, end)], None
    spans = []
    if start < first_whole:
        spans.append((start, first_whole - timedelta(days=1)))
    if after_whole <= end:
        spans.append((after_whole, end))
    last_whole = month_of(after_whole - timedelta(days=1))
    return spans, (first_whole, last_whole)
