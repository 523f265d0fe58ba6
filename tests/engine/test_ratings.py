"""Ratings are saved at the tap and amended briefly: a low score is never lost for want of a reason."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.queueing.errors import Conflict, Invalid
from server.queueing.models import Rating, Ticket
from server.reports.facts import ticket_facts
from server.reports.summary import summarize
from tests.engine.test_engine import act, issue

TABLET = "device:r3"


def served(db, engine, now, counter=3):
    ticket = issue(db, engine, now)
    act(db, engine, "call_next", counter, now + timedelta(seconds=10))
    act(db, engine, "start", counter, now + timedelta(seconds=20))
    act(db, engine, "finish", counter, now + timedelta(seconds=60))
    return ticket, now + timedelta(seconds=60)


def rating(db, ticket_id):
    return db.read(lambda s: s.get(Rating, ticket_id))


def test_a_score_alone_is_a_rating_and_a_reason_amends_it_once(db, engine, config, noon):
    ticket, done = served(db, engine, noon)
    db.write(lambda s: engine.rate_at_counter(s, 3, score=1, reason=None, comment=None, actor=TABLET,
                                              now=done + timedelta(seconds=3)))
    saved = rating(db, ticket.id)
    assert (saved.score, saved.reason, saved.comment) == (1, None, None)  # the citizen may walk away now

    db.write(lambda s: engine.amend_at_counter(s, 3, actor=TABLET, now=done + timedelta(seconds=40),
                                               number=ticket.number, reason="long_wait", comment="Chờ lâu"))
    amended = rating(db, ticket.id)
    assert (amended.score, amended.reason, amended.comment) == (1, "long_wait", "Chờ lâu")
    assert amended.at == saved.at  # the rating's time is the tap's
    assert db.read(lambda s: s.execute(select(func.count()).select_from(Rating)).scalar_one()) == 1
    day = ticket.business_day
    rows = db.read(lambda s: summarize(list(ticket_facts(s, day, day)), config))
    assert sum(r["rating_n"] for r in rows.values()) == 1 and sum(r["rating_1"] for r in rows.values()) == 1


def test_a_second_thought_changes_the_score_of_the_same_rating(db, engine, noon):
    ticket, done = served(db, engine, noon)
    db.write(lambda s: engine.rate_at_counter(s, 3, score=2, reason=None, comment=None, actor=TABLET, now=done))
    db.write(lambda s: engine.amend_at_counter(s, 3, actor=TABLET, now=done + timedelta(seconds=5), score=3))
    assert rating(db, ticket.id).score == 3


def test_only_the_same_tablet_within_the_grace_may_amend(db, engine, config, noon):
    ticket, done = served(db, engine, noon)
    db.write(lambda s: engine.rate_at_counter(s, 3, score=1, reason=None, comment=None, actor=TABLET, now=done))
    grace = config.rating.grace_seconds
    with pytest.raises(Conflict) as other:
        db.write(lambda s: engine.amend_at_counter(s, 3, actor="device:r4", now=done, reason="attitude"))
    with pytest.raises(Conflict) as late:
        db.write(lambda s: engine.amend_at_counter(s, 3, actor=TABLET, now=done + timedelta(seconds=grace + 1),
                                                   reason="attitude"))
    with pytest.raises(Conflict) as wrong_ticket:
        db.write(lambda s: engine.amend_at_counter(s, 3, actor=TABLET, now=done, number="9999", reason="attitude"))
    with pytest.raises(Conflict) as phone:  # the holder's phone did not give this rating
        db.write(lambda s: engine.amend_rating(s, s.get(Ticket, ticket.id), actor="anonymous", now=done, comment="x"))
    with pytest.raises(Invalid):
        db.write(lambda s: engine.amend_at_counter(s, 3, actor=TABLET, now=done, reason="no_such_reason"))
    assert {e.value.code for e in (other, late, wrong_ticket, phone)} == {"nothing_to_amend"}
    assert rating(db, ticket.id).reason is None


def test_the_phone_adds_a_comment_to_its_own_rating(db, engine, noon):
    ticket, done = served(db, engine, noon)
    db.write(lambda s: engine.rate(s, s.get(Ticket, ticket.id), score=2, comment=None, actor="anonymous", now=done))
    db.write(lambda s: engine.amend_rating(s, s.get(Ticket, ticket.id), actor="anonymous", now=done + timedelta(seconds=30),
                                           comment="Phải photo thêm giấy tờ"))
    assert (rating(db, ticket.id).score, rating(db, ticket.id).comment) == (2, "Phải photo thêm giấy tờ")
    with pytest.raises(Conflict):  # v1: one rating a ticket, as before
        db.write(lambda s: engine.rate(s, s.get(Ticket, ticket.id), score=4, comment=None, actor="anonymous", now=done))
