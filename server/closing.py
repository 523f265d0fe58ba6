"""The daily close: at the business-day start, open tickets expire and numbering restarts."""
from __future__ import annotations

from typing import Any


def start_daily_close(hall: Any, socketio: Any) -> None:
    """Schedule the daily close in the server process (filled in with the reports work)."""
