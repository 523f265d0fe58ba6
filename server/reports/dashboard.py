"""GET /dashboard: the supervisors' live view of the hall now and of today so far."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..config import HallConfig
from ..queueing.models import WAITING, CounterState, Hall, Ticket
from ..people import full_names
from ..printing import condition as printer_condition
from .facts import person, ticket_facts
from .summary import Row, add, empty_row, figures, summarize

WARN_SHARE = 0.8  # a service's longest wait past this share of its target shows a warning


#: A printer's condition (server/printing.py, as its kiosks are told it) -> its alert: kind, level.
PRINTER_ALERTS = {"paper_out": ("printer_paper_out", "danger"), "cover_open": ("printer_cover_open", "danger"),
                  "offline": ("printer_offline", "danger"), "failed": ("printer_failed", "danger"),
                  "near_end": ("printer_paper_near_end", "warn")}


def dashboard(s: Session, config: HallConfig, now: datetime, printers: list[dict[str, Any]]) -> dict[str, Any]:
    """Services, counters, printers and alerts; today's figures from today's tickets."""
    day = config.center.business_day(now)
    seq = s.execute(select(Hall.seq).where(Hall.id == 1)).scalar_one()
    rows = summarize(ticket_facts(s, day, day), config)
    by_service: dict[str, Row] = {}
    by_counter: dict[int, Row] = {}
    total = empty_row()
    for (_, service, counter, _), row in rows.items():
        add(total, row)
        add(by_service.setdefault(service, empty_row()), row)
        add(by_counter.setdefault(counter, empty_row()), row)
    queues = dict(s.execute(
        select(Ticket.service, func.count())
        .where(Ticket.status == WAITING, Ticket.business_day == day).group_by(Ticket.service)).all())
    oldest = {}  # the longest-waiting ticket of each queue (an aggregate MIN loses the column type)
    for service in queues:
        t = s.execute(select(Ticket.number, Ticket.queued_at).where(
            Ticket.status == WAITING, Ticket.business_day == day, Ticket.service == service)
            .order_by(Ticket.queued_at, Ticket.id).limit(1)).first()
        if t:
            oldest[service] = t
    states = {c.number: c for c in s.execute(select(CounterState)).scalars()}
    local = config.center.local(now)
    stuck = dict(s.execute(  # tickets sent to one counter, per service: no other counter calls them
        select(Ticket.service, func.count()).where(Ticket.status == WAITING, Ticket.business_day == day,
                                                   Ticket.target_counter.is_not(None)).group_by(Ticket.service)).all())

    services = []
    alerts = []
    for svc in config.services:
        n = queues.get(svc.code, 0)
        first = oldest.get(svc.code)
        longest = int((now - first.queued_at).total_seconds()) if first else 0
        f = figures(by_service.get(svc.code) or empty_row())
        counters_open = [c.number for c in config.counters
                         if svc.code in c.services and states.get(c.number) and states[c.number].status == "open"]
        level = "over" if n and longest > svc.target_wait_s else "near" if n and longest > WARN_SHARE * svc.target_wait_s else "ok"
        services.append({
            "code": svc.code, "name": svc.name.model_dump(), "open": svc.closed_at(local) is None,
            "waiting": n, "longest_wait_s": longest if n else None, "oldest_number": first.number if first else None,
            "target_wait_s": svc.target_wait_s, "level": level, "counters_open": counters_open,
            "tickets": f["tickets"], "served": f["served"], "no_shows": f["no_shows"],
            "wait_mean_s": f["wait_s"]["mean"], "service_mean_s": f["service_s"]["mean"],
            "within_target_share": f["within_target"]["share"], "rating_mean": f["rating"]["mean"],
        })
        if level == "over":
            alerts.append({"kind": "wait_over_target", "level": "danger", "service": svc.code,
                           "name": svc.name.model_dump(), "longest_wait_s": longest,
                           "target_wait_s": svc.target_wait_s, "waiting": n,
                           # Nobody can call them: the supervisor must open a counter, not hurry one.
                           "no_counter_open": not counters_open and n > stuck.get(svc.code, 0)})
    alerts += _sent_to_closed(s, config, day, now, states)

    counters = []
    names = full_names(s)
    for conf in config.counters:
        state = states.get(conf.number)
        current = s.get(Ticket, state.current_ticket_id) if state and state.current_ticket_id else None
        status = state.status if state else "closed"
        f = figures(by_counter.get(conf.number) or empty_row())
        counters.append({
            "number": conf.number, "name": conf.name.model_dump(), "services": list(conf.services),
            "status": status, "pause_reason": state.pause_reason if state else None,
            "since": config.center.iso(state.since) if state else None,
            "staff": person(state.staff) if state else None,
            "staff_name": names.get(person(state.staff) or "") if state else None,
            "current": {"number": current.number, "service": current.service, "status": current.status,
                        "called_at": config.center.iso(current.called_at),
                        "started_at": config.center.iso(current.started_at)} if current else None,
            "idle_since": config.center.iso(state.since) if state and status == "open" and current is None else None,
            "served": f["served"], "service_mean_s": f["service_s"]["mean"], "rating_mean": f["rating"]["mean"],
        })

    for p in printers:
        # One alert per printer, its worst state first. A printer's error holds until it has really
        # recovered (server/printing.py); an unknown status alone is no alert.
        who = {"printer": p.get("name"), "kiosk": p.get("kiosk"), "url": p.get("url"), "error": p.get("last_error")}
        if p.get("error_code") == "agent_offline":  # what its printer last said is stale: the agent is away
            alerts.append({"kind": "printer_agent_offline", "level": "danger", **who})
        elif (kind := PRINTER_ALERTS.get(printer_condition(p))) is not None:  # the kiosks' word for it
            alerts.append({"kind": kind[0], "level": kind[1], **who})

    f = figures(total)
    return {
        "seq": seq, "server_time": config.center.iso(now), "day": day.isoformat(),
        "center": {"name": config.center.name.model_dump(), "timezone": config.center.timezone},
        "today": {"tickets": f["tickets"], "served": f["served"], "no_shows": f["no_shows"],
                  "waiting": sum(queues.values()), "wait_mean_s": f["wait_s"]["mean"],
                  "service_mean_s": f["service_s"]["mean"], "within_target_share": f["within_target"]["share"],
                  "rating_mean": f["rating"]["mean"]},
        "services": services, "counters": counters, "printers": printers, "alerts": alerts,
        "pause_reasons": {c.code: c.name.model_dump() for c in _pause_reasons(config)},
    }


def _sent_to_closed(s: Session, config: HallConfig, day, now: datetime,
                    states: dict[int, CounterState]) -> list[dict[str, Any]]:
    """Tickets transferred to a counter that is closed or paused, waiting past their service's target."""
    alerts = []
    for number, service, counter, queued_at in s.execute(
        select(Ticket.number, Ticket.service, Ticket.target_counter, Ticket.queued_at)
        .where(Ticket.status == WAITING, Ticket.business_day == day, Ticket.target_counter.is_not(None))
        .order_by(Ticket.queued_at)
    ):
        state = states.get(counter)
        status = state.status if state else "closed"
        svc = config.service(service)
        target = svc.target_wait_s if svc else 1800
        waited = int((now - queued_at).total_seconds())
        if status != "open" and waited > target:
            alerts.append({"kind": "sent_to_closed_counter", "level": "danger", "number": number, "service": service,
                           "name": svc.name.model_dump() if svc else {"vi": service, "en": service},
                           "counter": counter, "counter_status": status, "waited_s": waited,
                           "target_wait_s": target})
    return alerts


def _pause_reasons(config: HallConfig) -> list:
    console = getattr(config, "console", None)
    return list(getattr(console, "pause_reasons", []) or [])
