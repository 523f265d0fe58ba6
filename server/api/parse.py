"""Reading fields out of a JSON body, with the contract's errors."""
from __future__ import annotations

from typing import Any

from ..queueing.errors import Invalid


def required_str(data: dict[str, Any], name: str, max_len: int = 200) -> str:
    if name not in data or data[name] in (None, ""):
        raise Invalid("missing_field", field=name)
    return optional_str(data, name, max_len) or ""


def optional_str(data: dict[str, Any], name: str, max_len: int = 200) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise Invalid("invalid_value", field=name, allowed=f"text up to {max_len} characters")
    return value


def optional_bool(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise Invalid("invalid_value", field=name, allowed="true, false")
    return value


def int_between(data: dict[str, Any], name: str, low: int, high: int) -> int:
    value = data.get(name)
    if name not in data:
        raise Invalid("missing_field", field=name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid("invalid_value", field=name, allowed=f"{low}..{high}")
    return value
