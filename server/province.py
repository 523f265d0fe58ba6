"""The province's side of delivery: each center's batches of ticket facts, its live figures, the view of all.

A batch covers the center's hall seqs from_seq..to_seq and carries the current row of every
ticket changed in them. The province keeps per center `acked_seq`, everything up to which it has
applied: a batch that ends at or before it is a replay (answered with the ack, nothing changes),
one that starts after the next seq is a gap (409 `upstream_gap`: the center resends from
there), any other is applied whole in one transaction. Facts are upserted by (center, the
center's ticket id), so each ticket is stored once whatever was sent twice. Times in facts are
the center's clock; its skew against ours is measured at each push and shown, never corrected.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import HallConfig
from .queueing.errors import Conflict, Forbidden, NotFound
from .queueing.models import CANCELLED, DONE, NO_SHOW, WAITING
from .reports.site_summary import mark_days, take_services
from .sites import Site, SiteTicket

ONLINE_S = 300  # a center seen within 5 minutes is online; longer is the "offline" alert
BATCH_TICKETS_MAX = 5000  # a daily close expires every open ticket at one seq: a batch can be that big
SATISFIED = 3  # a score of 3 (satisfied) or 4 (very satisfied) counts as satisfied or better


class Fact(BaseModel):
    """One ticket as it stands at the center."""

    model_config = ConfigDict(extra="ignore")
    id: int = Field(ge=1)
    business_day: date
    number: str = Field(min_length=1, max_length=16)
    service: str = Field(min_length=1, max_length=16)
    service_now: str = Field(min_length=1, max_length=16)
    status: str = Field(max_length=12)
    outcome: str = Field(max_length=12)
    priority: bool = False
    issued_at: datetime
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counter: int | None = None
    staff: str | None = Field(default=None, max_length=80)
    score: int | None = Field(default=None, ge=1, le=4)
    transfers: int | None = Field(default=None, ge=0, le=1000)  # an older center sends none


class ServiceName(BaseModel):
    """A service as the center names it (optional in a batch: older centers send none)."""

    model_config = ConfigDict(extra="ignore")
    code: str = Field(min_length=1, max_length=16)
    name: dict[str, str | None] = Field(min_length=1)
    target_wait_s: int | None = Field(default=None, ge=0)

    @field_validator("name")
    @classmethod
    def _has_vi(cls, name: dict[str, str | None]) -> dict[str, str | None]:
        if not name.get("vi") or any(len(v or "") > 200 for v in name.values()):
            raise ValueError("name needs vi, each at most 200 characters")
        return name


class Facts(BaseModel):
    """A batch: the facts of the tickets changed in the center's seqs from_seq..to_seq."""

    model_config = ConfigDict(extra="ignore")
    from_seq: int = Field(ge=1)
    to_seq: int = Field(ge=1)
    sent_at: datetime
    facts: list[Fact] = Field(max_length=BATCH_TICKETS_MAX)
    services: list[ServiceName] | None = Field(default=None, max_length=200)


class Live(BaseModel):
    """A center's figures now (server/upstream.py `live_figures`); kept as sent."""

    model_config = ConfigDict(extra="allow")
    sent_at: datetime


def _site(s: Session, name: str) -> Site:
    site = s.execute(select(Site).where(Site.name == name).with_for_update()).scalar_one_or_none()
    if site is None:
        raise NotFound("not_found", what=name)
    if site.revoked_at is not None:  # revoked since its token was last looked up
        raise Forbidden("site_revoked", site=name)
    return site


def _seen(site: Site, sent_at: datetime, now: datetime) -> None:
    site.last_seen_at = now
    site.clock_skew_s = round((sent_at - now).total_seconds(), 1)


def take_facts(s: Session, name: str, batch: Facts, now: datetime) -> dict[str, Any]:
    """Apply one batch from center `name`, once: replays change nothing, a gap is refused."""
    if batch.to_seq < batch.from_seq:
        raise Conflict("upstream_gap", acked_seq=0, expected=batch.from_seq)
    site = _site(s, name)
    _seen(site, batch.sent_at, now)
    acked = site.acked_seq
    if batch.to_seq <= acked:
        return {"acked_seq": acked, "applied": 0, "replay": True}
    if batch.from_seq > acked + 1:
        raise Conflict("upstream_gap", acked_seq=acked, expected=acked + 1)
    facts = {f.id: f for f in batch.facts}  # one ticket once, its last fact
    stored = {row.ticket_id: row for row in s.execute(
        select(SiteTicket).where(SiteTicket.site_id == site.id, SiteTicket.ticket_id.in_(list(facts)))).scalars()
    } if facts else {}
    for ticket_id, fact in facts.items():
        values = fact.model_dump(exclude={"id"})
        row = stored.get(ticket_id)
        if row is None:
            s.add(SiteTicket(site_id=site.id, ticket_id=ticket_id, seq=batch.to_seq, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.seq = batch.to_seq
    # The province's reports summarize these days again (server/reports/site_summary.py).
    mark_days(s, site.id, {fact.business_day for fact in facts.values()})
    if batch.services:
        take_services(s, site.id, [svc.model_dump() for svc in batch.services])
    site.acked_seq = batch.to_seq
    return {"acked_seq": batch.to_seq, "applied": len(facts), "replay": False}


def take_live(s: Session, name: str, live: Live, now: datetime) -> dict[str, Any]:
    """Keep center `name`'s figures now."""
    site = _site(s, name)
    _seen(site, live.sent_at, now)
    site.live = live.model_dump(mode="json")
    site.live_at = now
    return {"acked_seq": site.acked_seq}


def today_figures(s: Session, site_id: int, day: date) -> dict[str, Any]:
    """A center's day from its facts: issued, served, waiting, average wait, satisfaction (share satisfied)."""
    rows = s.execute(select(SiteTicket.status, SiteTicket.issued_at, SiteTicket.called_at, SiteTicket.score)
                     .where(SiteTicket.site_id == site_id, SiteTicket.business_day == day)).all()
    waits = [(called - issued).total_seconds() for _, issued, called, _ in rows if called is not None]
    scores = [score for *_, score in rows if score is not None]
    return {
        "issued": len(rows),
        "served": sum(1 for status, *_ in rows if status == DONE),
        "no_shows": sum(1 for status, *_ in rows if status == NO_SHOW),
        "cancelled": sum(1 for status, *_ in rows if status == CANCELLED),
        "waiting": sum(1 for status, *_ in rows if status == WAITING),
        "avg_wait_s": round(sum(max(0.0, w) for w in waits) / len(waits)) if waits else None,
        "rated": len(scores),
        "rating_mean": round(sum(scores) / len(scores), 2) if scores else None,
        "satisfaction": round(sum(1 for x in scores if x >= SATISFIED) / len(scores), 3) if scores else None,
    }


def sites_view(s: Session, config: HallConfig, now: datetime) -> list[dict[str, Any]]:
    """GET /sites: every center, online or when last seen, and its day so far (the province's business day)."""
    day = config.center.business_day(now)
    out = []
    for site in s.execute(select(Site).order_by(Site.name)).scalars():
        live = site.live or {}
        online = (site.revoked_at is None and site.last_seen_at is not None
                  and now - site.last_seen_at <= timedelta(seconds=ONLINE_S))
        out.append({
            "name": site.name, "online": online, "last_seen": config.center.iso(site.last_seen_at),
            "today": today_figures(s, site.id, day),
            "revoked": site.revoked_at is not None, "clock_skew_s": site.clock_skew_s, "acked_seq": site.acked_seq,
            "live": {key: live.get(key) for key in ("waiting", "longest_wait_s", "served", "avg_wait_s",
                                                     "satisfaction", "counters_open")} if live else None,
            "live_at": config.center.iso(site.live_at),
        })
    return out
