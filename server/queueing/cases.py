"""Case files: what a finished ticket became in the one-stop office's own software.

At finish, staff may give the case-file code (mã hồ sơ, e.g. `000.00.12.H41-261201-0001`, typed
or scanned from the receipt's barcode), what came of the visit and a note. They are kept beside
the ticket in `ticket_cases` (one row per ticket, only when something was given; migration 0014)
and in the `finished` event's data, so the hall's event log (webhooks, the province) carries them.

The word "outcome" already names how a ticket ended (done, no_show, expired: server/reports/facts.py);
what came of the case is its `case_outcome`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .errors import Invalid
from .models import Base, UtcDateTime

#: What came of a visit, as stable codes; their names are the catalog's `case_outcome.<code>`.
CASE_OUTCOMES = ("received", "returned", "guidance", "incomplete")
CASE_CODE_MAX = 64
NOTE_MAX = 500
# Letters and digits (ASCII), and the separators case-file numbers use: . - _ /
CASE_CODE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?$")


class TicketCase(Base):
    """A finished ticket's case file: its code, what came of it, the staff's note."""

    __tablename__ = "ticket_cases"
    __table_args__ = (Index("ix_ticket_cases_code", "case_code"),)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True, autoincrement=False)
    case_code: Mapped[str | None] = mapped_column(String(CASE_CODE_MAX))
    case_outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))


@dataclass(frozen=True, slots=True)
class Case:
    """What staff gave at finish, checked; each part may be None."""

    code: str | None = None
    outcome: str | None = None
    note: str | None = None

    def __bool__(self) -> bool:
        return any((self.code, self.outcome, self.note))

    def data(self) -> dict[str, str]:
        """The parts given, for the `finished` event's data."""
        return {k: v for k, v in (("case_code", self.code), ("case_outcome", self.outcome), ("note", self.note)) if v}


def check_case_code(value: str | None) -> str | None:
    """A case-file code as kept: trimmed (a scanner may add spaces); None when blank.

    Refused with `invalid_case_code` (422): longer than CASE_CODE_MAX, or characters other than
    ASCII letters, digits and . - _ / (a separator neither first nor last)."""
    if value is None:
        return None
    code = value.strip()
    if not code:
        return None
    if len(code) > CASE_CODE_MAX or not CASE_CODE.match(code):
        raise Invalid("invalid_case_code", maximum=CASE_CODE_MAX)
    return code


def check_case(code: str | None, outcome: str | None, note: str | None) -> Case:
    """The parts of a case as given at finish, checked (nothing is changed when one is refused)."""
    code = check_case_code(code)
    if outcome is not None and outcome != "" and outcome not in CASE_OUTCOMES:
        raise Invalid("invalid_value", field="outcome", allowed=", ".join(CASE_OUTCOMES))
    if note is not None:
        # One line of text: control characters (a scanner's tab, a pasted newline) become spaces.
        note = " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in note).split())
        if len(note) > NOTE_MAX:
            raise Invalid("invalid_value", field="note", allowed=f"text up to {NOTE_MAX} characters")
    return Case(code=code, outcome=outcome or None, note=note or None)
