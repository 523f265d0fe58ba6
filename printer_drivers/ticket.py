"""The ticket as plain data, and the one layout every renderer (paper, PNG, screen) follows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from printer_drivers.labels import format_wait, label

#: Text styles: the renderers map each to a bitmap font size or to printer text attributes.
Style = Literal["title", "service", "label", "body", "small", "date", "band"]


@dataclass(frozen=True)
class TicketView:
    """Everything a printed ticket shows, already decided by the server."""

    center_name: str
    service_name: str
    number: str
    issued_at: datetime
    people_ahead: int = 0
    estimated_wait_s: int | None = None
    counters: list[int] = field(default_factory=list)
    qr_url: str | None = None
    footer: str = ""
    lang: Literal["vi", "en"] = "vi"
    priority: bool = False
    priority_name: str = ""  # the category's name in the ticket's language ("" for priority without one)
    appointment: str = ""  # a booking's ticket: HH:MM from which it is called ahead of walk-ins ("" otherwise)


@dataclass(frozen=True)
class Line:
    """One element of the layout, top to bottom."""

    kind: Literal["text", "number", "qr", "rule", "gap", "band"]
    text: str = ""
    style: Style = "body"
    dots: int = 0  # for gaps

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-able description."""
        data: dict[str, object] = {"kind": self.kind}
        if self.kind in ("text", "number", "qr", "band"):
            data["text"] = self.text
        if self.kind == "text":
            data["style"] = self.style
        if self.kind == "gap":
            data["dots"] = self.dots
        return data


def nfc(text: str | None) -> str:
    """NFC-normalise and flatten whitespace, so precomposed letters reach every renderer."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def ticket_lines(view: TicketView) -> list[Line]:
    """Lay the ticket out once; render_escpos, render_png and render_html all draw this list."""
    lang = view.lang
    lines = [Line("text", nfc(view.center_name), "title"), Line("rule")]
    lines += [Line("text", label(lang, "number"), "label"), Line("number", nfc(view.number))]
    lines.append(Line("text", nfc(view.service_name), "service"))
    if view.priority:  # a band the citizen and the staff cannot miss, in every rendering
        lines.append(Line("band", band_text(view), "band"))
    if view.appointment:  # checked in from a booking (docs/appointments.md)
        lines.append(Line("text", label(lang, "appointment", t=nfc(view.appointment)), "body"))
    lines.append(Line("gap", dots=8))
    lines.append(Line("text", view.issued_at.strftime("%d/%m/%Y %H:%M"), "date"))
    lines.append(Line("text", label(lang, "ahead", n=max(0, view.people_ahead or 0)), "body"))
    if view.estimated_wait_s is not None:
        lines.append(Line("text", label(lang, "wait", t=format_wait(view.estimated_wait_s, lang)), "body"))
    if view.counters:
        key = "counter" if len(view.counters) == 1 else "counters"
        lines.append(Line("text", label(lang, key, c=", ".join(str(c) for c in view.counters)), "body"))
    has_qr = bool(view.qr_url and view.qr_url.strip())
    if has_qr:
        lines += [Line("gap", dots=12), Line("qr", view.qr_url.strip()), Line("text", label(lang, "scan"), "small")]
    footer = without_qr_hint(nfc(view.footer)) if has_qr else nfc(view.footer)
    if footer:
        lines += [Line("rule"), Line("text", footer, "small")]
    return lines


def band_text(view: TicketView) -> str:
    """The priority band: "ƯU TIÊN · Người cao tuổi", or just "ƯU TIÊN" without a category."""
    name = nfc(view.priority_name)
    word = label(view.lang, "priority")
    return f"{word} · {name}" if name else word


def without_qr_hint(footer: str) -> str:
    """The footer without sentences about the QR code: the layout prints that hint once, under the code."""
    sentences = re.split(r"(?<=[.!?])\s+", footer)
    return " ".join(s for s in sentences if "qr" not in s.lower()).strip()


def ticket_layout(view: TicketView) -> dict[str, object]:
    """Return the layout as JSON-able data for the kiosk's on-screen ticket."""
    return {"lang": view.lang, "number": nfc(view.number), "lines": [line.as_dict() for line in ticket_lines(view)]}


def sample_ticket(
    lang: str = "vi", qr_url: str = "http://hallq.local/t/sample-ticket-token", priority: str | None = None
) -> TicketView:
    """Return the ticket `hallq print-test` prints: realistic lengths, every Vietnamese feature.

    ``priority``: a category's name, to show the priority band ("" for the band without one)."""
    vi = lang != "en"
    return TicketView(
        center_name="Trung tâm Phục vụ hành chính công",
        service_name="Đăng ký kinh doanh" if vi else "Business registration",
        number="A023",
        issued_at=datetime(2025, 5, 12, 8, 31),
        people_ahead=12,
        estimated_wait_s=15 * 60,
        counters=[3, 4, 7],
        qr_url=qr_url,
        footer="Xin cảm ơn Ông/Bà!" if vi else "Thank you!",
        lang="en" if lang == "en" else "vi",
        priority=priority is not None,
        priority_name=priority or "",
    )
