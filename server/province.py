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

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .config import HallConfig
from .queueing.errors import Conflict, Forbidden, NotFound
from .queueing.models import CANCELLED, DONE, NO_SHOW, WAITING
from .reports.facts import EXPIRED
from .reports.site_summary import mark_days, take_services
from .sites import Site, SiteTicket

ONLINE_S = 300  # a center seen within 5 minutes is online; longer is the "offline" alert
BATCH_TICKETS_MAX = 20000  # a daily close expires every open ticket at one seq, and a seq is never split
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
    expired_from: str | None = Field(default=None, max_length=12)  # expired by the close from this status


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
        values = fact.model_dump(exclude={"id", "expired_from"})
        if fact.outcome == EXPIRED and fact.expired_from == NO_SHOW:
            values["outcome"] = NO_SHOW  # the hall's reports count a no-show the close expired as a no-show
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


def _wait_s(dialect: str) -> Any:
    """A fact's wait, issue → first call, in seconds (never below 0: the center's clock may have been set back)."""
    if dialect == "sqlite":  # naive UTC text there
        wait = (func.julianday(SiteTicket.called_at) - func.julianday(SiteTicket.issued_at)) * 86400.0
    else:
        wait = func.extract("epoch", SiteTicket.called_at - SiteTicket.issued_at)
    return case((wait < 0, 0.0), else_=wait)


def day_figures(s: Session, day: date, by: Any, *where: Any) -> dict[Any, dict[str, Any]]:
    """Centers' days from their facts, counted in the database, per value of `by` (a site, a service):
    issued, served, no-shows, cancelled, waiting, average wait, ratings and the share satisfied or better."""
    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    rows = s.execute(select(
        by, func.count(), count(SiteTicket.status == DONE), count(SiteTicket.status == NO_SHOW),
        count(SiteTicket.status == CANCELLED), count(SiteTicket.status == WAITING),
        func.avg(_wait_s(s.get_bind().dialect.name)), func.count(SiteTicket.score), func.avg(SiteTicket.score),
        count(SiteTicket.score >= SATISFIED),
    ).where(SiteTicket.business_day == day, *where).group_by(by)).all()
    out = {}
    for key, issued, served, no_shows, cancelled, waiting, wait, rated, mean, satisfied in rows:
        out[key] = {
            "issued": issued, "served": int(served or 0), "no_shows": int(no_shows or 0),
            "cancelled": int(cancelled or 0), "waiting": int(waiting or 0),
            "avg_wait_s": round(float(wait)) if wait is not None else None, "rated": rated,
            "rating_mean": round(float(mean), 2) if rated else None,
            "satisfaction": round(int(satisfied) / rated, 3) if rated else None,
        }
    return out


NO_DAY = {"issued": 0, "served": 0, "no_shows": 0, "cancelled": 0, "waiting": 0, "avg_wait_s": None, "rated": 0,
          "rating_mean": None, "satisfaction": None}


def today_figures(s: Session, site_id: int, day: date) -> dict[str, Any]:
    """A center's day from its facts: issued, served, waiting, average wait, satisfaction (share satisfied)."""
    return day_figures(s, day, SiteTicket.site_id, SiteTicket.site_id == site_id).get(site_id, dict(NO_DAY))


SKEW_SHOWN_S = 60  # a center's clock this far from ours is shown on /admin/sites: its facts' times are its own
LIVE_KEYS = ("day", "issued", "waiting", "longest_wait_s", "served", "no_shows", "avg_wait_s", "rating_mean",
             "satisfaction", "counters_open")
COUNTER_STATES = ("open", "serving", "called", "idle", "paused", "closed")


def _number(value: Any) -> int | float | None:
    """A figure a center sent, if it is one (live figures are kept as sent, so read them with care)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(value: Any, limit: int = 80) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _live_summary(live: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: _number(live.get(key)) for key in LIVE_KEYS if key != "day"}
    out["day"] = _text(live.get("day"), 10)
    counters = live.get("counters")
    out["counters"] = ({key: _number(counters.get(key)) for key in COUNTER_STATES}
                       if isinstance(counters, dict) else None)
    return out


def _live_services(live: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Per service, as the center's dashboard counts it; None from a center too old to send them."""
    services = live.get("services")
    if not isinstance(services, list):
        return None
    out = []
    for svc in services[:200]:
        if not isinstance(svc, dict) or not _text(svc.get("code"), 16):
            continue
        name = svc.get("name") if isinstance(svc.get("name"), dict) else {}
        out.append({
            "code": _text(svc["code"], 16), "name": {lang: _text(name.get(lang), 120) for lang in ("vi", "en")},
            **{key: _number(svc.get(key)) for key in ("waiting", "longest_wait_s", "target_wait_s", "served",
                                                      "wait_mean_s")},
            "oldest_number": _text(svc.get("oldest_number"), 16),
            "counters_open": [n for n in svc.get("counters_open") or [] if isinstance(n, int)][:100]
            if isinstance(svc.get("counters_open"), list) else [],
        })
    return out


def site_alerts(site: dict[str, Any], targets: dict[str, Any]) -> list[dict[str, Any]]:
    """A center's alerts: offline more than 5 minutes (or never seen), its wait past the province's target."""
    if site["revoked"]:
        return []
    alerts: list[dict[str, Any]] = []
    if site["last_seen"] is None:
        alerts.append({"kind": "never_seen", "level": "warn"})
    elif not site["online"]:
        alerts.append({"kind": "offline", "level": "danger", "last_seen": site["last_seen"],
                       "seen_ago_s": site["seen_ago_s"]})
    live, target = site["live"], targets["wait_s"]
    if site["online"] and live and (live["longest_wait_s"] or 0) > target:
        alerts.append({"kind": "wait_over_target", "level": "danger", "longest_wait_s": live["longest_wait_s"],
                       "waiting": live["waiting"], "target_wait_s": target})
    avg = site["today"]["avg_wait_s"]
    if avg is not None and avg > target:
        alerts.append({"kind": "avg_wait_over_target", "level": "warn", "avg_wait_s": avg, "target_wait_s": target})
    return alerts


def _site_row(config: HallConfig, site: Site, today: dict[str, Any], day: date, now: datetime) -> dict[str, Any]:
    live = site.live or {}
    ago = round((now - site.last_seen_at).total_seconds()) if site.last_seen_at else None
    online = site.revoked_at is None and ago is not None and ago <= ONLINE_S
    targets = {"wait_s": config.sites.wait_target_s, "satisfaction": config.sites.satisfaction_target}
    row = {
        "name": site.name, "online": online, "last_seen": config.center.iso(site.last_seen_at),
        "today": today,
        "revoked": site.revoked_at is not None, "revoked_at": config.center.iso(site.revoked_at),
        "seen_ago_s": ago, "clock_skew_s": site.clock_skew_s,
        "clock_skewed": site.clock_skew_s is not None and abs(site.clock_skew_s) >= SKEW_SHOWN_S,
        "acked_seq": site.acked_seq, "live": _live_summary(live) if live else None,
        "live_at": config.center.iso(site.live_at), "targets": targets, "day": day.isoformat(),
    }
    avg, share = row["today"]["avg_wait_s"], row["today"]["satisfaction"]
    judged = site.revoked_at is None  # a revoked center is shown, no longer judged
    row["misses"] = {"wait": judged and avg is not None and avg > targets["wait_s"],
                     "satisfaction": judged and share is not None and share < targets["satisfaction"]}
    row["alerts"] = site_alerts(row, targets)
    return row


def sites_view(s: Session, config: HallConfig, now: datetime) -> list[dict[str, Any]]:
    """GET /sites: every center, online or when last seen, its day so far (the province's business day), its alerts."""
    day = config.center.business_day(now)
    figures = day_figures(s, day, SiteTicket.site_id)  # one grouped query for all: polled every few seconds
    return [_site_row(config, site, figures.get(site.id, dict(NO_DAY)), day, now)
            for site in s.execute(select(Site).order_by(Site.name)).scalars()]


def by_service(s: Session, site_id: int, day: date) -> list[dict[str, Any]]:
    """A center's day per service (as issued) from its facts: issued, served, waiting, average wait, satisfaction."""
    figures = day_figures(s, day, SiteTicket.service, SiteTicket.site_id == site_id)
    return [{"service": code, **figures[code]} for code in sorted(figures)]


def site_view(s: Session, config: HallConfig, name: str, now: datetime) -> dict[str, Any]:
    """GET /sites/NAME: one center as GET /sites shows it, with its dashboard's figures per service and counter."""
    site = s.execute(select(Site).where(Site.name == name)).scalar_one_or_none()
    if site is None:
        raise NotFound("not_found", what=name)
    day = config.center.business_day(now)
    row = _site_row(config, site, today_figures(s, site.id, day), day, now)
    live = site.live or {}
    row["services"] = _live_services(live)
    row["by_service"] = by_service(s, site.id, day)
    return row
