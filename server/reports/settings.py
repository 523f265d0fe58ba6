"""The `reports:` section of config.yaml: how long history is kept.

HallConfig.reports (server/config.py) has the same three fields; this model is the default
and what tests pass explicitly. Kept here so the reports package never imports the config's
module at import time the other way round.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReportsSettings(BaseModel):
    """reports: {history_days, summary_days, close_batch}."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Tickets, their events and ratings older than this many business days are deleted by the close.
    history_days: int = Field(default=1095, ge=30, le=36500)
    # Per-day summaries (no tokens, no comments) are kept longer: reports over years stay possible.
    summary_days: int = Field(default=3650, ge=30, le=36500)
    # Rows deleted per write transaction when purging, so the hall never waits long for the writer.
    purge_batch: int = Field(default=2000, ge=100, le=100000)


DEFAULT = ReportsSettings()


def reports_settings(config: Any) -> Any:
    """The hall's reports settings: HallConfig.reports when the config has that section."""
    found = getattr(config, "reports", None)
    return found if found is not None and hasattr(found, "history_days") else DEFAULT
