"""Business days in the center's own time zone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def business_day(now: datetime, tz: ZoneInfo, day_start: time) -> date:
    """The day a moment belongs to: before the day start it still counts as yesterday."""
    local = now.astimezone(tz)
    return local.date() - timedelta(days=1) if local.time() < day_start else local.date()


def local_time(now: datetime, tz: ZoneInfo) -> time:
    return now.astimezone(tz).time()
