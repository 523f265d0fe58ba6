"""Hall.change, the one unit of work: change, stamp, render, commit, then publish."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.context import Hall
from server.queueing.errors import Conflict, NotFound
from server.queueing.models import Hall as HallRow, Ticket, TicketEvent
from server.state import Event


class Hub:
    """Records what is published, and whether the change was committed when it was."""

    def __init__(self, db) -> None:
        self.db = db
        self.published: list[list[Event]] = []
        self.committed_seq: list[int] = []

    def publish(self, events) -> None:
        self.published.append(list(events))
        self.committed_seq.append(self.db.read(lambda s: s.execute(select(HallRow.seq)).scalar_one()))


@pytest.fixture
def hall(config, db, engine, noon):
    h = Hall(config=config, config_path=Path("config.yaml"), db=db, engine=engine, hub=None,  # type: ignore[arg-type]
             printers=None, agents=None, issue_limiter=None, login_limiter=None, login_total=None,  # type: ignore[arg-type]
             hasher=None, clock=lambda: noon)  # type: ignore[arg-type]
    h.hub = Hub(db)
    return h


def seq_of(db) -> int:
    return db.read(lambda s: s.execute(select(HallRow.seq)).scalar_one())


def count(db, model) -> int:
    return db.read(lambda s: s.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_change_that_fails_commits_nothing_and_publishes_nothing(hall, db, engine, noon):
    before = seq_of(db)

    def work(s):
        engine.issue(s, service="DD", actor="user:an", now=noon)  # a real change first...
        raise Conflict("service_closed", service="DD", hours="")  # ...then the domain says no

    with pytest.raises(Conflict):
        hall.change(work)
    with pytest.raises(NotFound):
        hall.change(lambda s: engine.issue(s, service="NOPE", actor="user:an", now=noon))
    assert hall.hub.published == []
    assert (seq_of(db), count(db, Ticket), count(db, TicketEvent)) == (before, 0, 0)


def test_an_answer_that_fails_undoes_the_change_too(hall, db, engine, noon):
    def answer(view, out):
        raise Conflict("no_printer")

    with pytest.raises(Conflict):
        hall.change(lambda s: engine.issue(s, service="DD", actor="user:an", now=noon), answer)
    assert hall.hub.published == [] and count(db, Ticket) == 0 and seq_of(db) == 0


def test_published_events_have_consecutive_seqs_and_come_after_the_commit(hall, db, engine, noon):
    hall.change(lambda s: engine.issue(s, service="DD", actor="user:an", now=noon))
    reply = hall.change(lambda s: engine.call_next(s, 1, actor="user:an", now=noon),
                        lambda view, out: view.ticket(out.ticket, with_token=False))
    hall.change(lambda s: engine.finish(s, 1, actor="user:an", now=noon))
    assert reply["status"] == "called"

    seqs = [e.seq for batch in hall.hub.published for e in batch]
    assert seqs == list(range(1, len(seqs) + 1))
    assert [[e.name for e in batch] for batch in hall.hub.published] == [
        ["queue_changed"], ["ticket_called", "queue_changed", "counter_changed"],
        ["counter_changed", "ticket_finished"]]
    assert all(e.payload["seq"] == e.seq for batch in hall.hub.published for e in batch)
    # Each batch was published once its change was committed: the database already had its last seq.
    assert hall.hub.committed_seq == [batch[-1].seq for batch in hall.hub.published]
    # The event rows carry the seq of their change's first event.
    rows = db.read(lambda s: s.execute(select(TicketEvent.kind, TicketEvent.seq).order_by(TicketEvent.id)).all())
    assert rows == [("issued", 1), ("called", 2), ("finished", 5)]


def test_events_say_which_ticket_they_concern(hall, engine, noon):
    hall.change(lambda s: engine.issue(s, service="DD", actor="user:an", now=noon))
    hall.change(lambda s: engine.call_next(s, 1, actor="user:an", now=noon))
    issued, called = hall.hub.published
    assert issued[0].about["status"] == "waiting" and issued[0].about["service"] == "DD"
    assert {e.about["id"] for e in called} == {issued[0].about["id"]}
    assert called[0].about["counter"] == 1 and called[0].about["status"] == "called"


def test_a_replayed_issue_publishes_nothing(hall, engine, noon):
    first = hall.change(lambda s: engine.issue(s, service="DD", actor="device:k", now=noon, idempotency_key="x"))
    again = hall.change(lambda s: engine.issue(s, service="DD", actor="device:k", now=noon, idempotency_key="x"))
    assert again.replayed and again.ticket.id == first.ticket.id
    assert [len(batch) for batch in hall.hub.published] == [1, 0]


def test_the_printed_place_is_the_domains(hall, engine, noon):
    """What the paper says comes from the engine's outcome, and the answer shows the same."""
    hall.change(lambda s: engine.issue(s, service="DD", actor="user:an", now=noon))
    out, shown = hall.change(lambda s: engine.issue(s, service="DD", actor="user:an", now=noon),
                             lambda view, out: (out, view.ticket(out.ticket, with_token=False, place=out.place)))
    assert out.place.ahead == 1
    assert (shown["waiting_ahead"], shown["estimated_wait_s"]) == (out.place.ahead, out.place.wait_s)
