"""From ticket facts to summary rows, and from summed rows to figures (means, medians, p90)."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping

from ..config import HallConfig
from ..queueing.models import CANCELLED, DONE, NO_SHOW
from .facts import EXPIRED, TicketFacts
from .tables import EDGES, HOURS, MAXIMA, NO_COUNTER, NO_STAFF, SERVICE_BUCKETS, SUMMED, WAIT_BUCKETS, bucket

Row = dict[str, Any]


def empty_row() -> Row:
    return dict.fromkeys(SUMMED + MAXIMA, 0)


def summarize(facts: Iterable[TicketFacts], config: HallConfig | None = None, *, tz: Any = None,
              targets: Mapping[str, int] | None = None) -> dict[tuple[date, str, int, str], Row]:
    """Summary rows keyed by (day, service as issued, last counter, staff member).

    The hall's zone and targets come from `config`; a province passes a center's own (`tz`,
    `targets` by service code) and facts of the same shape (server/reports/site_summary.py).
    """
    tz = tz or config.center.tz
    if targets is None:
        targets = {s.code: s.target_wait_s for s in config.services}
    rows: dict[tuple[date, str, int, str], Row] = {}
    for f in facts:
        key = (f.day, f.service, f.counter or NO_COUNTER, f.staff or NO_STAFF)
        row = rows.get(key)
        if row is None:
            row = rows[key] = empty_row()
        row["tickets"] += 1
        row[HOURS[f.issued_at.astimezone(tz).hour]] += 1
        row["priority"] += f.priority
        row["transferred"] += f.transfers > 0
        outcome = f.outcome
        row["served"] += outcome == DONE
        row["no_shows"] += outcome == NO_SHOW
        row["cancelled"] += outcome == CANCELLED
        row["expired"] += outcome == EXPIRED
        wait = f.wait_s
        if wait is not None:
            row["called"] += 1
            row["wait_sum"] += round(wait)
            row["wait_max"] = max(row["wait_max"], round(wait))
            row[WAIT_BUCKETS[bucket(wait)]] += 1
        # Within target: of those who waited for a call (called, or left uncalled when the day
        # closed), the share called within their service's target. A ticket cancelled before
        # any call did not wait for one.
        if wait is not None or outcome == EXPIRED:
            row["target_base"] += 1
            row["within_target"] += wait is not None and wait <= targets.get(f.service, 1800)
        service = f.service_s
        if service is not None:
            row["service_n"] += 1
            row["service_sum"] += round(service)
            row["service_max"] = max(row["service_max"], round(service))
            row[SERVICE_BUCKETS[bucket(service)]] += 1
        if f.score is not None:
            row["rating_n"] += 1
            row["rating_sum"] += f.score
            row[f"rating_{f.score}"] += 1
    return rows


def add(into: Row, row: Mapping[str, Any]) -> Row:
    """Add one summed row into another (maxima by max)."""
    for name in SUMMED:
        into[name] += row[name] or 0
    for name in MAXIMA:
        into[name] = max(into[name], row[name] or 0)
    return into


def quantile(counts: list[int], q: float, top: float) -> float | None:
    """The q-quantile of a histogram, interpolated linearly inside its bucket.

    Exact to the bucket's width: 15 s up to 10 minutes, 1 min up to 30, 5 to 10 min beyond.
    `top` (the largest value seen) closes the open last bucket and caps every estimate.
    """
    n = sum(counts)
    if n == 0:
        return None
    rank = q * n
    seen = 0
    for i, c in enumerate(counts):
        if c and seen + c >= rank:
            lo = EDGES[i]
            hi = EDGES[i + 1] if i + 1 < len(EDGES) else max(top, lo)
            value = lo + (hi - lo) * max(0.0, rank - seen) / c
            return round(float(min(value, top)), 1)
        seen += c
    return float(top)


def _times(n: int, total: int, top: int, counts: list[int]) -> dict[str, Any]:
    return {
        "count": n,
        "mean": round(total / n, 1) if n else None,
        "median": quantile(counts, 0.5, top),
        "p90": quantile(counts, 0.9, top),
        "max": top if n else None,
    }


def figures(row: Mapping[str, Any]) -> dict[str, Any]:
    """The report figures of one summed row (the contract's keys first, then more)."""
    wait_counts = [row[b] for b in WAIT_BUCKETS]
    service_counts = [row[b] for b in SERVICE_BUCKETS]
    scores = {str(k): row[f"rating_{k}"] for k in (1, 2, 3, 4)}
    base = row["target_base"]
    tickets = row["tickets"]
    return {
        "tickets": tickets,
        "served": row["served"],
        "no_shows": row["no_shows"],
        "wait_s": _times(row["called"], row["wait_sum"], row["wait_max"], wait_counts),
        "service_s": _times(row["service_n"], row["service_sum"], row["service_max"], service_counts),
        "rating": {
            "count": row["rating_n"],
            "mean": round(row["rating_sum"] / row["rating_n"], 2) if row["rating_n"] else None,
            "by_score": scores,
            # "hài lòng": scores 3 and 4 of 4
            "satisfied_share": round((scores["3"] + scores["4"]) / row["rating_n"], 4) if row["rating_n"] else None,
        },
        "cancelled": row["cancelled"],
        "expired": row["expired"],
        "transferred": row["transferred"],
        "priority": row["priority"],
        "called": row["called"],
        "within_target": {"count": row["within_target"], "of": base,
                          "share": round(row["within_target"] / base, 4) if base else None},
        "no_show_share": round(row["no_shows"] / tickets, 4) if tickets else None,
    }
