"""One business day in the demo hall, played through the real engine, with its known answers.

26/11/2026 in Asia/Ho_Chi_Minh (UTC+7). Land (DD, target 30 min) gets 11 tickets, one every
ten minutes from 08:00, taken alternately by counter 1 (lan) and counter 2 (mai); civil
status (HT, target 10 min here) gets three. Waits are in seconds, chosen by hand:

  DD i:    0   1    2    3    4    5    6    7    8    9    10
  wait:   30  75  120  150  200  250  310  400  480  590   45
  service 120 180 240  300  360  420  480  540  600   -  (200 after a transfer)

ticket 9 is a no-show; ticket 10 is transferred to HT at counter 1 and served at counter 3
(hoa). HT: h0 waits 900 s and is served 300 s at counter 3 (hoa, rated 2); h1 is cancelled
before any call; h2 is still waiting at the day's end (expired by the close).
Ratings: DD 0..3 → 4, 4, 3, 1 (the first with a Vietnamese comment).
"""
from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta, timezone
from typing import Any

from server.queueing.engine import Engine
from server.queueing.models import Ticket
from server.storage import Database

DAY = date(2026, 11, 26)
OPENING = datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hanoi
DD_WAITS = [30, 75, 120, 150, 200, 250, 310, 400, 480, 590, 45]
DD_SERVICE = [120, 180, 240, 300, 360, 420, 480, 540, 600]
TRANSFERRED_SERVICE = 200
HT_WAIT, HT_SERVICE = 900, 300
COMMENT = "Cán bộ nhiệt tình, hướng dẫn rõ ràng — cảm ơn quầy số 1!"
SCORES = [4, 4, 3, 1]


def at(minutes: float, seconds: float = 0) -> datetime:
    return OPENING + timedelta(minutes=minutes, seconds=seconds)


def play(db: Database, engine: Engine) -> dict[str, Any]:
    """Run the day; returns the tickets' numbers by name (dd0…dd10, h0…h2)."""
    numbers: dict[str, str] = {}

    def w(fn):
        return db.write(fn)

    def issue(name: str, service: str, when: datetime) -> None:
        out = w(lambda s: engine.issue(s, service=service, actor="device:k1", now=when))
        numbers[name] = out.ticket.number

    def ticket(s, name: str) -> Ticket:
        return s.query(Ticket).filter_by(number=numbers[name], business_day=DAY).one()

    # Everything in time order, as a hall would see it.
    plan: list[tuple[datetime, Any]] = []
    for i in range(11):
        plan.append((at(10 * i), lambda i=i: issue(f"dd{i}", "DD", at(10 * i))))
    plan.append((at(5), lambda: issue("h0", "HT", at(5))))
    plan.append((at(10, 1), lambda: issue("h1", "HT", at(10, 1))))
    plan.append((at(60, 1), lambda: issue("h2", "HT", at(60, 1))))
    for i in range(11):
        counter, staff = (1, "user:lan") if i % 2 == 0 else (2, "user:mai")
        call = at(10 * i, DD_WAITS[i])
        plan.append((call, lambda c=counter, a=staff, t=call: w(lambda s: engine.call_next(s, c, actor=a, now=t))))
        if i < 9:
            start, finish = call + timedelta(seconds=15), call + timedelta(seconds=15 + DD_SERVICE[i])
            plan.append((start, lambda c=counter, a=staff, t=start: w(lambda s: engine.start(s, c, actor=a, now=t))))
            plan.append((finish, lambda c=counter, a=staff, t=finish: w(lambda s: engine.finish(s, c, actor=a, now=t))))
        elif i == 9:
            gone = call + timedelta(minutes=2)
            plan.append((gone, lambda t=gone: w(lambda s: engine.no_show(s, 2, actor="user:mai", now=t))))
        else:
            moved = call + timedelta(minutes=1)
            plan.append((moved, lambda t=moved: w(lambda s: engine.transfer(s, 1, service="HT", actor="user:lan", now=t))))
    # Counter 3 (hoa): h0 first, then the transferred DD ticket by its number.
    h0_call = at(5, HT_WAIT)
    plan.append((h0_call, lambda: w(lambda s: engine.call_next(s, 3, actor="user:hoa", now=h0_call))))
    plan.append((h0_call + timedelta(seconds=10),
                 lambda: w(lambda s: engine.start(s, 3, actor="user:hoa", now=h0_call + timedelta(seconds=10)))))
    h0_end = h0_call + timedelta(seconds=10 + HT_SERVICE)
    plan.append((h0_end, lambda: w(lambda s: engine.finish(s, 3, actor="user:hoa", now=h0_end))))
    plan.append((at(20, 30), lambda: w(lambda s: engine.cancel(s, ticket(s, "h1"), actor="user:boss", now=at(20, 30)))))
    t_call = at(105)
    plan.append((t_call, lambda: w(lambda s: engine.call_ticket(s, 3, number=numbers["dd10"], actor="user:hoa", now=t_call))))
    plan.append((t_call + timedelta(seconds=5),
                 lambda: w(lambda s: engine.start(s, 3, actor="user:hoa", now=t_call + timedelta(seconds=5)))))
    t_end = t_call + timedelta(seconds=5 + TRANSFERRED_SERVICE)
    plan.append((t_end, lambda: w(lambda s: engine.finish(s, 3, actor="user:hoa", now=t_end))))
    for i, score in enumerate(SCORES):
        when = at(10 * i, DD_WAITS[i] + 15 + DD_SERVICE[i] + 20)
        plan.append((when, lambda i=i, score=score, when=when: w(lambda s: engine.rate(
            s, ticket(s, f"dd{i}"), score=score, comment=COMMENT if i == 0 else None, actor="device:rating", now=when))))
    h0_rated = h0_end + timedelta(seconds=30)
    plan.append((h0_rated, lambda: w(lambda s: engine.rate(s, ticket(s, "h0"), score=2, comment=None,
                                                           actor="device:rating", now=h0_rated))))
    for _, step in sorted(plan, key=lambda p: p[0]):
        step()
    return numbers


def dd_waits() -> list[int]:
    return list(DD_WAITS)


def dd_services() -> list[int]:
    return DD_SERVICE + [TRANSFERRED_SERVICE]


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


MEDIAN = statistics.median
