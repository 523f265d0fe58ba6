"""Per-printer settings, validated with pydantic so config.yaml fails early and clearly."""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from printer_drivers.errors import PrinterConfigError

# python-escpos's own names for the Vietnamese pages in its profile tables.
_PROFILE_PAGE_NAMES = {"tcvn3": "TCVN-3-1", "tcvn3_upper": "TCVN-3-2", "cp1258": "CP1258"}


@functools.cache
def escpos_profiles() -> dict[str, dict]:
    """Return python-escpos's printer profiles (name -> capability dict)."""
    text = (resources.files("escpos") / "capabilities.json").read_text(encoding="utf-8")
    return json.loads(text)["profiles"]


def profile_page_slot(profile: str, page: str) -> int | None:
    """Return the ESC t slot of a Vietnamese page ("tcvn3", "tcvn3_upper", "cp1258") in a profile."""
    pages = escpos_profiles()[profile].get("codePages", {})
    wanted = _PROFILE_PAGE_NAMES[page]
    slots = sorted(int(slot) for slot, name in pages.items() if name == wanted)
    return slots[0] if slots else None


class PrinterSettings(BaseModel):
    """How one ticket printer is driven, beyond its connection URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper_width_dots: int = Field(576, ge=256, le=832, description="576 for 80 mm, 384 for 58 mm")
    profile: str = Field("default", description="python-escpos profile name, e.g. TM-T20II")
    text_mode: Literal["bitmap", "codepage"] = "bitmap"
    codepage: Literal["tcvn3", "cp1258"] = "tcvn3"
    codepage_slot: int | None = Field(None, ge=0, le=255, description="ESC t n; None: from the profile")
    codepage_upper_slot: int | None = Field(
        None, ge=0, le=255, description="TCVN-3 capitals page; None: from the profile, else capitals fold"
    )
    cut: bool = True
    logo_path: Path | None = None
    flow_control: Literal["none", "rtscts", "dsrdtr", "xonxoff"] = "none"
    job_timeout_s: float = Field(
        10.0, gt=0, le=60, description="a whole ticket (open, status, send, status); past it the job fails"
    )
    write_timeout_s: float = Field(5.0, gt=0, le=30)
    status_timeout_s: float = Field(0.5, gt=0, le=5, description="wait for one DLE EOT reply")
    require_status: bool | None = Field(
        None, description="refuse to print when the printer never answers; None: yes for serial/tcp/usb"
    )
    qr_module_dots: int = Field(6, ge=1, le=16)
    number_scale: int = Field(6, ge=1, le=8, description="GS ! multiplier of the big number")

    @field_validator("paper_width_dots")
    @classmethod
    def _whole_bytes(cls, value: int) -> int:
        if value % 8:
            raise ValueError("paper_width_dots must be a multiple of 8")
        return value

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        if value not in escpos_profiles():
            known = ", ".join(sorted(escpos_profiles()))
            raise ValueError(f"unknown python-escpos profile {value!r}; known: {known}")
        return value

    @model_validator(mode="after")
    def _page_known(self) -> PrinterSettings:
        if self.text_mode == "codepage" and self.page_slot() is None:
            raise ValueError(
                f"profile {self.profile!r} lists no {self.codepage} page; set codepage_slot "
                "to the number printed on the self-test page"
            )
        return self

    def page_slot(self) -> int | None:
        """Return the ESC t slot used for code-page text."""
        if self.codepage_slot is not None:
            return self.codepage_slot
        return profile_page_slot(self.profile, self.codepage)

    def upper_page_slot(self) -> int | None:
        """Return the TCVN-3 capitals slot, or None when capitals fold to small letters."""
        if self.codepage != "tcvn3":
            return None
        if self.codepage_upper_slot is not None:
            return self.codepage_upper_slot
        if self.codepage_slot is not None:
            return None  # a hand-set slot says nothing about where the capitals live
        return profile_page_slot(self.profile, "tcvn3_upper")


class PrinterEntry(PrinterSettings):
    """One entry of config.yaml ``printers:``; keyed by a name (then ``url`` is required) or by a URL."""

    url: str | None = None


def resolve_printer(key: str, entries: dict[str, PrinterEntry] | None = None) -> tuple[str, PrinterSettings]:
    """Return (url, settings) for a printer name or URL, using config entries when they match."""
    entries = entries or {}
    entry = entries.get(key)
    if entry is not None:
        url = entry.url or key
        settings = PrinterSettings(**entry.model_dump(exclude={"url"}))
        return url, settings
    if "://" not in key:
        raise PrinterConfigError(f"no printer named {key!r} in config, and it is not a URL")
    return key, PrinterSettings()
