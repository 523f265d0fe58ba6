"""A ticket on paper: what it shows (decided at issue time), its print-job rows, the sample ticket.

The rows are written in the same transaction as their ticket (server/api/tickets.py); the
printers (server/printing.py) and the agents (server/agents.py) print them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import printer_drivers as drivers
from printer_drivers.errors import PrinterConfigError
from printer_drivers.settings import resolve_printer

from .config import HallConfig
from .messages import message
from .queueing.estimate import Place
from .queueing.models import Ticket
from .records import PrintJob

STATUS_WORDS = {"pending": "queued", "sent": "queued", "done": "printed", "failed": "failed"}
#: What a kiosk is told, by the driver's error code: a few stable codes its catalog knows.
CITIZEN_CODES = {
    "paper_out": "paper_out", "cover_open": "cover_open", "printer_offline": "offline",
    "printer_unavailable": "offline", "printer_timeout": "timeout", "printer_fault": "fault",
    "server_restarted": "server_restarted",
}


def priority_name(config: HallConfig, category: str | None, lang: str) -> str:
    """A priority category's name in lang, from config; "" for a priority ticket without one."""
    for choice in config.priority_categories:
        if choice.code == category:
            return choice.name.get(lang)
    return ""


def ticket_view(config: HallConfig, ticket: Ticket, place: Place, base_url: str) -> dict[str, Any]:
    """What a printed ticket shows, decided at issue time (JSON, stored on the job); `place` is the domain's."""
    lang = ticket.lang
    svc = config.service(ticket.service)
    footer = config.center.ticket_footer.get(lang) if config.center.ticket_footer else ""
    return {
        "center_name": config.center.name.get(lang), "service_name": svc.name.get(lang), "number": ticket.number,
        "issued_at": ticket.issued_at.astimezone(config.center.tz).isoformat(), "people_ahead": place.ahead,
        "estimated_wait_s": place.wait_s, "counters": [c.number for c in config.counters if ticket.service in c.services],
        "qr_url": f"{base_url.rstrip('/')}/t/{ticket.token}", "footer": footer, "lang": lang,
        "priority": ticket.priority, "priority_name": priority_name(config, ticket.priority_category, lang),
        **({"appointment": ticket.ahead_at.astimezone(config.center.tz).strftime("%H:%M")} if ticket.ahead_at else {}),
    }


def view_of(data: dict[str, Any]) -> Any:
    return drivers.TicketView(**{**data, "issued_at": datetime.fromisoformat(data["issued_at"])})


def add_job(s: Session, ticket: Ticket, printer: str, view: dict[str, Any], now: datetime) -> PrintJob:
    job = PrintJob(ticket_id=ticket.id, printer=printer, status="pending", view=view, created_at=now, updated_at=now)
    s.add(job)
    s.flush()
    return job


def job_status(s: Session, ticket_id: int) -> dict[str, Any]:
    """The print state of a ticket's newest job, as a kiosk may show it to a citizen.

    A failure carries a stable `code` and that code's catalog text in the ticket's
    language; the printer's own reason goes to the log and GET /printers only.
    """
    job = s.execute(select(PrintJob).where(PrintJob.ticket_id == ticket_id).order_by(PrintJob.id.desc())
                    .limit(1)).scalar_one_or_none()
    if job is None:
        return {"status": "none"}
    body: dict[str, Any] = {"status": STATUS_WORDS[job.status]}
    if job.status == "failed":
        code = CITIZEN_CODES.get(job.error_code or "", "failed")
        ticket = s.get(Ticket, ticket_id)
        body.update(code=code, message=message(f"print_{code}", ticket.lang if ticket else "vi"))
    return body


def sample_view(config: HallConfig, lang: str, priority: str | None) -> Any:
    """The sample ticket, with the band of a priority category from config (any code it lists)."""
    name = None
    if priority is not None:
        codes = [c.code for c in config.priority_categories]
        if priority not in codes:
            raise PrinterConfigError(f"--priority must be one of {', '.join(codes)} (config priority_categories)")
        name = priority_name(config, priority, lang)
    return drivers.sample_ticket(lang, qr_url="http://hallq.local/t/print-test", priority=name)


def print_test(config: HallConfig, url: str, lang: str, priority: str | None = None) -> None:
    """`hallq print-test URL`: the sample ticket, with the settings config.yaml has for that printer."""
    target, settings = resolve_printer(url, config.printers)
    drivers.print_ticket(target, settings, sample_view(config, lang, priority))


def preview_test(config: HallConfig, url: str, lang: str, priority: str | None, path: str) -> None:
    """`hallq print-test URL --preview FILE.png`: draw the sample ticket as that printer would print it."""
    target, settings = resolve_printer(url, config.printers)
    drivers.transport_for(target, settings.flow_control)  # a URL no printer can have is an error here too
    image = drivers.render_png(sample_view(config, lang, priority), settings)
    try:
        image.save(path, format="PNG")
    except OSError as err:
        raise PrinterConfigError(f"cannot write {path}: {err.strerror or err}") from None
