"""A province server's API: its centers push ticket facts and live figures; supervisors read every center.

On a server without `province: true` each of these answers 404 `not_a_province`, after the
caller's rights are checked as everywhere. A center's site token opens the two push views
and nothing else (`allow(sites=True)`); it names its own center, so it can push for no other.
"""
from __future__ import annotations

from flask import g, jsonify

from ..context import hall
from ..province import Facts, Live, site_view, sites_view, take_facts, take_live
from ..queueing.errors import NotFound
from . import allow, api, upload
from .parse import answers, takes
from .schemas_answers import Shape

FACTS_MAX_BYTES = 16 * 1024 * 1024  # BATCH_TICKETS_MAX facts of ~400 bytes: a huge daily close at one seq fits


class Today(Shape):
    issued: int
    served: int
    waiting: int
    avg_wait_s: int | None
    satisfaction: float | None


class SiteAnswer(Shape):
    """A center as the province sees it (GET /sites)."""

    name: str
    online: bool
    last_seen: str | None
    today: Today


class Acked(Shape):
    """What the province has of a center: every seq up to `acked_seq`."""

    acked_seq: int


def _province() -> None:
    if not hall().config.province:
        raise NotFound("not_a_province")


@api.post("/upstream/facts")
@allow(sites=True)
@upload(FACTS_MAX_BYTES)
@takes(Facts)
@answers(Acked)
def upstream_facts(body: Facts):
    """A center's batch of ticket facts for its seqs from_seq..to_seq: applied once; a replay changes nothing."""
    _province()
    h, name = hall(), g.principal.name
    now = h.clock()
    return jsonify(h.db.write(lambda s: take_facts(s, name, body, now)))


@api.post("/upstream/live")
@allow(sites=True)
@takes(Live)
@answers(Acked)
def upstream_live(body: Live):
    """A center's figures now: waiting, longest wait, served today, average wait, satisfaction."""
    _province()
    h, name = hall(), g.principal.name
    now = h.clock()
    return jsonify(h.db.write(lambda s: take_live(s, name, body, now)))


@api.get("/sites")
@allow(role="supervisor")
@answers(list[SiteAnswer])
def sites():
    """Every center: online (seen in the last 5 minutes) or when last seen, and its day so far."""
    _province()
    h = hall()
    now = h.clock()
    return jsonify(h.db.read(lambda s: sites_view(s, h.config, now)))


class SiteDetail(SiteAnswer):
    """One center (GET /sites/NAME): as in GET /sites, with its figures per service."""

    day: str


@api.get("/sites/<path:name>")
@allow(role="supervisor")
@answers(SiteDetail)
def site(name: str):
    """One center: as GET /sites shows it, with its dashboard's figures per service and counter (the drill-down)."""
    _province()
    h = hall()
    now = h.clock()
    return jsonify(h.db.read(lambda s: site_view(s, h.config, name, now)))
