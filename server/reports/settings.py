"""The `reports:` section of config.yaml: how long history is kept (see server/config.py)."""
from __future__ import annotations

from typing import Any

from ..config import Reports as ReportsSettings

__all__ = ["ReportsSettings", "reports_settings"]


def reports_settings(config: Any) -> ReportsSettings:
    """The hall's reports settings."""
    return config.reports
