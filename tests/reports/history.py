"""Synthetic history for reports: whole business days of tickets, written with bulk inserts.

Used by bench/bench_reports.py (a year at 3,000 tickets a day) and the admin screenshots.
Tickets go straight into the tables with their events, ratings and numbering rows, shaped
like the engine's own (issued → called → started → finished, some no-shows, cancellations),
so reports, exports and the daily close read them as they would a real hall's.
"""
from __future__ import annotations

import random
import secrets
import statistics
import time
from datetime import date, datetime, time as dtime, timedelta
from typing import Any

from sqlalchemy import insert, text, update

from server.closing import store_summary
from server.queueing.models import Hall, Rating, ServiceDay, Ticket, TicketEvent
from server.reports.facts import ticket_facts
from server.reports.summary import summarize
from server.storage import Database

MORNING = ("lan", "mai", "hoa", "tuan", "minh", "huong", "dung", "thao", "long", "ngoc")
AFTERNOON = ("an", "binh", "chi", "dat", "giang", "hai", "khanh", "linh", "nam", "phuong")
SHARE = {"DD": 0.2, "HT": 0.2, "DKKD": 0.1, "XD": 0.08, "TP": 0.1, "LD": 0.1, "TK": 0.22}


class History:
    """A year of tickets, written straight into the tables in large batches."""

    def __init__(self, config: Any, per_day: int, seed: int = 6) -> None:
        self.config = config
        self.per_day = per_day
        self.rng = random.Random(seed)
        self.tz = config.center.tz
        self.next_id = 1
        self.seq = 1
        self.counters = {s.code: [c.number for c in config.counters if s.code in c.services] for s in config.services}

    def day(self, day: date, count: int, until: datetime | None = None, *, opening: datetime | None = None,
            finished_only: bool = False) -> tuple[list, list, list, list]:
        """One day's rows: issued from `opening` (07:30) over 9.5 hours, stopping at `until`.

        finished_only leaves out what would still be open at `until` (for a day that goes on live).
        """
        rng, tz = self.rng, self.tz
        tickets, events, ratings, numbering = [], [], [], {}
        opening = opening or datetime.combine(day, dtime(7, 30), tzinfo=tz)
        span = 9.5 * 3600
        issued = sorted(opening + timedelta(seconds=rng.random() * span) for _ in range(count))
        codes = list(SHARE)
        weights = list(SHARE.values())
        for at in issued:
            if until is not None and at >= until:
                break
            code = rng.choices(codes, weights)[0]
            svc = self.config.service(code)
            ordinal = numbering[code] = numbering.get(code, 0) + 1
            tid = self.next_id
            self.next_id += 1
            counter = rng.choice(self.counters[code])
            staff = f"user:{(AFTERNOON if at.astimezone(tz).hour >= 13 else MORNING)[(counter - 1) % 10]}"
            wait = rng.expovariate(1 / 900)
            service_s = max(30.0, rng.gauss(svc.default_service_time_s, svc.default_service_time_s / 3))
            called = at + timedelta(seconds=wait)
            started = called + timedelta(seconds=rng.uniform(10, 90))
            finished = started + timedelta(seconds=service_s)
            fate = rng.random()
            row = {"id": tid, "token": secrets.token_hex(8), "number": svc.number_format.format(ordinal),
                   "ordinal": ordinal, "service_issued": code, "service": code, "business_day": day,
                   "priority": rng.random() < 0.08, "priority_category": None, "lang": "vi", "issued_at": at,
                   "queued_at": at, "called_at": None, "started_at": None, "finished_at": None, "counter": None,
                   "call_count": 0, "issued_by": "device:k1", "target_counter": None, "idempotency_key": None}
            ev = [("issued", at, "device:k1", None)]
            if finished_only and until is not None and finished + timedelta(minutes=3) >= until:
                continue
            if until is not None and called >= until:
                row["status"] = "waiting"
            elif fate < 0.05:  # no-show; on a closed day, expired by that night's close
                row.update(status="no_show", called_at=called, call_count=2)
                ev += [("called", called, staff, counter), ("recalled", called + timedelta(seconds=60), staff, counter),
                       ("no_show", called + timedelta(seconds=180), staff, counter)]
                if until is None:
                    row["status"] = "cancelled"
                    ev.append(("expired", datetime.combine(day + timedelta(days=1), dtime(5, 0), tzinfo=tz),
                               "system:close", None))
            elif fate < 0.07:  # cancelled while waiting
                row.update(status="cancelled", finished_at=called)
                ev += [("cancelled", called, "user:boss", None)]
            elif until is not None and finished >= until:
                row.update(status="serving", called_at=called, started_at=started, counter=counter, call_count=1)
                ev += [("called", called, staff, counter), ("started", started, staff, counter)]
            else:
                row.update(status="done", called_at=called, started_at=started, finished_at=finished,
                           counter=counter, call_count=1)
                ev += [("called", called, staff, counter), ("started", started, staff, counter)]
                if fate < 0.09:  # sent to another counter's service first, served there
                    ev.append(("transferred", started + timedelta(seconds=30), staff, counter))
                ev.append(("finished", finished, staff, counter))
                if fate > 0.6:
                    score = rng.choices((1, 2, 3, 4), (0.03, 0.07, 0.3, 0.6))[0]
                    ratings.append({"ticket_id": tid, "score": score, "comment": None, "reason": None,
                                    "counter": counter, "staff": staff, "at": finished + timedelta(seconds=20),
                                    "by": "device:rating"})
            tickets.append(row)
            for kind, moment, actor, n in ev:
                events.append({"seq": self.seq, "ticket_id": tid, "kind": kind, "at": moment, "actor": actor,
                               "counter": n, "service": code,
                               "data": {"from": "no_show"} if kind == "expired"
                               else {"origin": code} if kind == "transferred" else None})
                self.seq += 1
        numbering_rows = [{"service": k, "day": day, "last_ordinal": v} for k, v in numbering.items()]
        return tickets, events, ratings, numbering_rows


def _insert(s: Any, model: Any, rows: list[dict]) -> None:
    s.execute(insert(model), rows)


def _copy(s: Any, model: Any, rows: list[dict]) -> None:
    """PostgreSQL's COPY: ~10× the rows a second of multi-row INSERTs."""
    from psycopg.types.json import Json

    names = list(rows[0])
    cursor = s.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {model.__tablename__} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Json(v) if isinstance(v, dict) else v for v in row.values()])
    if "id" in names:  # the next ids handed out by the table go on after ours
        s.execute(text(f"SELECT setval(pg_get_serial_sequence('{model.__tablename__}', 'id'), "
                       f"(SELECT MAX(id) FROM {model.__tablename__}))"))


def build(db: Database, config: Any, days: int, per_day: int, today: date, now: datetime, *,
          summarize_days: bool = True, with_today: bool = True, today_opening: datetime | None = None,
          today_finished_only: bool = False) -> dict[str, float]:
    """Insert `days` closed days plus (with_today) today up to `now`; summarize the closed ones; time both."""
    history = History(config, per_day)
    t0 = time.perf_counter()
    batch: dict[str, list] = {"t": [], "e": [], "r": [], "n": []}

    def flush() -> None:
        def write(s):
            for model, rows in ((Ticket, batch["t"]), (TicketEvent, batch["e"]), (Rating, batch["r"]),
                                (ServiceDay, batch["n"])):
                if rows:
                    (_copy if s.get_bind().dialect.name == "postgresql" else _insert)(s, model, rows)
        db.write(write)
        for v in batch.values():
            v.clear()

    last = 0 if with_today else 1
    for i in range(days, last - 1, -1):
        day = today - timedelta(days=i)
        if i == 0:
            t, e, r, n = history.day(day, per_day, until=now, opening=today_opening, finished_only=today_finished_only)
        else:
            t, e, r, n = history.day(day, per_day)
        batch["t"] += t
        batch["e"] += e
        batch["r"] += r
        batch["n"] += n
        if len(batch["t"]) >= 30000 or i == last:
            flush()
    if db.dialect == "postgresql":  # as autovacuum would soon: plans need the new tables' statistics
        db.write(lambda s: s.execute(text("ANALYZE")))
    inserted = time.perf_counter() - t0

    db.write(lambda s: s.execute(update(Hall).where(Hall.id == 1).values(seq=history.seq)))
    # The close's own summarizing, day by day (what a hall upgrading with old history would run).
    t0 = time.perf_counter()
    per_day_times = [0.0]
    for i in range(days, 0, -1) if summarize_days else ():
        day = today - timedelta(days=i)
        t1 = time.perf_counter()
        rows = db.read(lambda s, day=day: summarize(ticket_facts(s, day, day), config))
        db.write(lambda s, day=day, rows=rows: store_summary(s, day, rows, now))
        per_day_times.append(time.perf_counter() - t1)
    summarized = time.perf_counter() - t0
    return {"tickets": history.next_id - 1, "events": history.seq - 1, "insert_s": inserted,
            "summarize_s": summarized, "summarize_day_ms": statistics.median(per_day_times) * 1000}
