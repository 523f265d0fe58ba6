"""Test halls: the repository's config.yaml, open all day, with small changes per test."""
from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[2]


def demo_config() -> dict[str, Any]:
    """The repository's config.yaml as data, every service open around the clock.

    The business day starts twelve hours from now, so no test run sees the numbers
    restart at midnight of the hall's day, whatever the hour it runs at.
    """
    data = copy.deepcopy(yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")))
    for svc in data["services"]:
        svc["hours"] = ["00:00-24:00"]
    center = data["center"]
    center["enforce_hours"] = True  # tests close services by their hours; the demo does not
    local = datetime.now(ZoneInfo(center.get("timezone", "Asia/Ho_Chi_Minh")))
    center["day_starts_at"] = f"{(local.hour + 12) % 24:02d}:00"
    return data


def closed_hours(timezone: str = "Asia/Ho_Chi_Minh", now: datetime | None = None) -> list[str]:
    """Opening hours that are at least ten hours away from now, so the service is closed now."""
    local = (now or datetime.now(ZoneInfo(timezone))).astimezone(ZoneInfo(timezone))
    return ["01:00-01:30"] if local.hour >= 12 else ["23:00-23:30"]


def service(code: str, *, numbers: str, hours: list[str] | None = None, daily_cap: int = 999,
            priority_allowed: bool = True, name: str | None = None) -> dict[str, Any]:
    """One extra service for a test hall."""
    return {"code": code, "name": {"vi": name or f"Lĩnh vực {code}", "en": name or f"Service {code}"},
            "numbers": numbers, "hours": hours or ["00:00-24:00"], "daily_cap": daily_cap,
            "priority_allowed": priority_allowed}


def hall_config(*, server: dict[str, Any] | None = None, services: list[dict[str, Any]] = (),
                counters: list[dict[str, Any]] = (),
                edit: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """The demo hall, open all day, no kiosk or login rate limit to speak of, plus the given changes.

    `server` updates the `server:` section, `services` and `counters` are appended,
    and `edit(data)` may change anything else in place.
    """
    data = demo_config()
    data.setdefault("server", {})
    data["server"]["kiosk_tickets_per_minute"] = 100_000
    data["server"]["login_attempts_per_minute"] = 100_000  # every test logs in from 127.0.0.1
    data["server"].update(server or {})
    data["services"].extend(copy.deepcopy(list(services)))
    data["counters"].extend(copy.deepcopy(list(counters)))
    if edit:
        edit(data)
    return data


def write_config(directory: Path, data: dict[str, Any], name: str = "config.yaml") -> Path:
    """Write a hall config as YAML and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
