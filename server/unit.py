"""One unit of work on a hall: the change, its seqs, its events, the commit, then the clients.

Every write path (issuing, rating, cancelling, a counter's actions, the daily close) goes
through `change`, so none can forget a step. It stands below the hall's context
(server/context.py) and the daily close, which both use it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, TypeVar

from sqlalchemy.orm import Session

from .queueing.engine import Outcome, stamp
from .state import Event, HallView

T = TypeVar("T")


def change(hall: Any, work: Callable[[Session], Outcome], answer: Callable[[HallView, Outcome], T] | None = None,
           *, now: datetime | None = None, base_url: str = "") -> T | Outcome:
    """One unit of work: change the hall, stamp seqs, commit, then tell the clients.

    In one write transaction: `work` makes the domain change and returns its Outcome;
    each of its changes gets the next hall seq; the events are rendered; `answer`
    renders the reply (and may write more of the same change, a print job, say).
    After the commit the events go to the live hub, and the answer (or the Outcome)
    is returned. A change that raises commits nothing and publishes nothing. The
    database layer's retries, busy and dropped-connection answers apply to it whole.
    `hall` is a Hall, or anything with its config, db, hub and clock.
    """
    now = now or hall.clock()

    def op(s: Session) -> tuple[Any, list[Event]]:
        out = work(s)
        seqs = stamp(s, out)  # last but for rendering: the hall row stays locked only until commit
        view = HallView(s, hall.config, now, base_url)
        events = view.events(out, seqs)
        return (answer(view, out) if answer is not None else out), events

    result, events = hall.db.write(op)
    hall.hub.publish(events)
    if poke := getattr(hall, "poke_webhooks", None):  # the webhooks' threads, idle, send it now
        poke()
    return result
