"""The province bench's centers (bench/_province_data.py) are read by the real delivery as a hall's would be."""
from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from server.queueing.models import TicketEvent
from server.storage import Database
from server.upstream import batch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from _province_data import append_days  # noqa: E402

NOW = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)


def test_a_built_center_delivers_every_ticket_as_it_stands(tmp_path, config):
    url = f"sqlite:///{tmp_path / 'center.db'}"
    built = append_days(url, config, [date(2026, 11, 26)], 80, seed=3)
    again = append_days(url, config, [date(2026, 11, 27)], 80, seed=4)  # the next day goes on after it
    db = Database(url)
    events = db.read(lambda s: s.execute(select(TicketEvent.seq, TicketEvent.at).order_by(TicketEvent.id)).all())
    assert [seq for seq, _ in events] == sorted(seq for seq, _ in events)  # seqs in time order, as written
    assert [at for _, at in events] == sorted(at for _, at in events)
    assert events[-1][0] <= again["seq"] and events[0][0] == 1 and again["seq"] > built["seq"]

    last: dict[int, dict] = {}
    sent, after = 0, 0
    while (body := db.read(lambda s: batch(s, after, NOW, 40))) is not None:  # the pusher's walk
        assert body["from_seq"] == after + 1
        for fact in body["facts"]:
            last[fact["id"]] = fact
        sent += len(body["facts"])
        after = body["to_seq"]
    assert after == again["seq"]
    assert len(last) == built["tickets"] + again["tickets"] and sent > len(last)  # a ticket is in several batches
    done = [f for f in last.values() if f["status"] == "done"]
    assert done and all(f["called_at"] and f["finished_at"] and f["counter"] and f["staff"] for f in done)
    assert any(f["score"] for f in done)
    assert {f["business_day"] for f in last.values()} == {"2026-11-26", "2026-11-27"}
    assert all(f["outcome"] in ("done", "cancelled", "expired") for f in last.values())  # closed days


def test_a_batch_is_narrowed_to_its_ticket_cap_and_a_daily_close_travels_whole(tmp_path, config):
    """However many seqs a batch may span, it holds about `tickets` tickets, never splitting a seq:
    the daily close, which expires every open ticket at one seq, goes alone and whole."""
    url = f"sqlite:///{tmp_path / 'center.db'}"
    built = append_days(url, config, [date(2026, 11, 26)], 80, seed=5)
    db = Database(url)
    per_seq = dict(db.read(lambda s: s.execute(
        select(TicketEvent.seq, func.count(TicketEvent.ticket_id.distinct()))
        .where(TicketEvent.ticket_id.is_not(None)).group_by(TicketEvent.seq)).all()))
    cap = 1  # this day closes with two tickets open
    assert max(per_seq.values()) > cap  # the close: more open tickets at one seq than the cap
    seen: set[int] = set()
    after, batches = 0, 0
    while (body := db.read(lambda s: batch(s, after, NOW, 10**6, tickets=cap))) is not None:
        span = range(body["from_seq"], body["to_seq"] + 1)
        assert body["from_seq"] == after + 1
        assert len(body["facts"]) <= cap or len([q for q in span if q in per_seq]) == 1
        seen.update(f["id"] for f in body["facts"])
        after, batches = body["to_seq"], batches + 1
    assert after == built["seq"] and len(seen) == built["tickets"] and batches > 1
