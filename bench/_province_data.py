"""A center's history for the province bench: whole business days written straight into its database.

The tickets, their events and ratings come from tests/reports/history.py (issued → called →
started → finished, no-shows expired by the night's close, cancellations, transfers; 40 % of
those served rated). What delivery reads is then made to look like what the engine writes:

- every event is in time order across the day, each with the hall `seq` the engine gives its
  change: one outcome takes one seq per broadcast (`stamp()` in server/queueing/engine.py), and
  its events all carry the first; measured with the engine: issue 1, call 3, recall 1,
  start 1, finish 2, transfer 2, no-show 1, cancel 1, rate 1, a counter taken or left 1;
- a rating is a `rated` event too (its score reaches the province with it);
- the counters are taken in the morning and left in the evening (events with no ticket);
- the night's close expires the day's open tickets at one seq.

So the real `server.upstream.batch()` / `facts()` read these databases as they would a real
hall's: a ticket appears in every batch whose seqs hold one of its changes.
"""
from __future__ import annotations

import sys
from datetime import date, datetime, time as dtime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.queueing.models import Hall, Rating, ServiceDay, Ticket, TicketEvent  # noqa: E402
from server.storage import Database  # noqa: E402
from tests.reports.history import History  # noqa: E402

STRIDE = {"issued": 1, "called": 3, "recalled": 1, "started": 1, "finished": 2, "transferred": 2, "no_show": 1,
          "cancelled": 1, "rated": 1, "taken": 1, "left": 1}
CLOSE_STRIDE = 8  # the close's one outcome: its queues and counters changed


def day_rows(history: History, day: date, per_day: int, seq: int) -> tuple[dict[str, list], int]:
    """One closed day's rows (tickets, events in seq order, ratings, numbering), seqs from `seq` + 1 on."""
    tickets, events, ratings, numbering = history.day(day, per_day)
    tz = history.tz
    for r in ratings:
        events.append({"ticket_id": r["ticket_id"], "kind": "rated", "at": r["at"], "actor": r["by"],
                       "counter": r["counter"], "service": None, "data": {"score": r["score"]}})
    services = {t["id"]: t["service"] for t in tickets}
    counters = sorted({e["counter"] for e in events if e["counter"] is not None})
    for n in counters:
        for kind, hour in (("taken", dtime(7, 25)), ("left", dtime(17, 15))):
            events.append({"ticket_id": None, "kind": kind, "at": datetime.combine(day, hour, tzinfo=tz),
                           "actor": f"user:c{n}", "counter": n, "service": None, "data": None})
    order = sorted(range(len(events)), key=lambda i: (events[i]["at"], i))
    out, close_seq = [], None
    for i in order:
        ev = events[i]
        if ev["ticket_id"] is not None and ev["service"] is None:
            ev["service"] = services[ev["ticket_id"]]
        if ev["kind"] == "expired":  # the night's close: every open ticket at one seq
            if close_seq is None:
                close_seq = seq + 1
                seq += CLOSE_STRIDE
            ev["seq"] = close_seq
        else:
            ev["seq"] = seq + 1
            seq += STRIDE[ev["kind"]]
        out.append(ev)
    return {"tickets": tickets, "events": out, "ratings": ratings, "numbering": numbering}, seq


def center_state(db: Database) -> tuple[int, int]:
    """The next ticket id and the hall's seq now."""
    def read(s: Any) -> tuple[int, int]:
        last_id = s.execute(select(func.max(Ticket.id))).scalar_one() or 0
        return last_id + 1, s.execute(select(Hall.seq).where(Hall.id == 1)).scalar_one()
    return db.read(read)


def append_days(url: str, config: Any, days: list[date], per_day: int, seed: int) -> dict[str, int]:
    """Write these closed days at the end of the center's history; its seq, tickets and events after."""
    db = Database(url, synchronous="normal")
    db.migrate()
    next_id, seq = center_state(db)
    history = History(config, per_day, seed=seed)
    history.next_id = next_id
    tickets = events = 0
    for day in days:
        rows, seq = day_rows(history, day, per_day, seq)

        def write(s: Any, rows: dict[str, list] = rows, seq: int = seq) -> None:
            for model, key in ((Ticket, "tickets"), (TicketEvent, "events"), (Rating, "ratings"),
                               (ServiceDay, "numbering")):
                if rows[key]:
                    s.execute(insert(model), rows[key])
            s.execute(update(Hall).where(Hall.id == 1).values(seq=seq))
        db.write(write)
        tickets += len(rows["tickets"])
        events += len(rows["events"])
    return {"seq": seq, "tickets": tickets, "events": events}
