"""Reading a JSON body and the fields out of it, with the contract's errors."""
from __future__ import annotations

import json
from typing import Any

from ..queueing.errors import Invalid, QueueError

MAX_DEPTH = 16  # our bodies are two levels deep; anything near this is not a client of ours


class Malformed(QueueError):
    """The body is not a JSON object we can read: 400."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_object(raw: bytes) -> dict[str, Any]:
    """Parse a request body: one JSON object, at most MAX_DEPTH deep, only well-formed Unicode.

    json.loads takes "\\ud800" (a lone surrogate) as valid, and such a string fails later in
    the database driver or the JSON encoder: refused here, once for every endpoint.
    """
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise Malformed("json_too_deep", limit=MAX_DEPTH) from None
    except (ValueError, UnicodeDecodeError):
        raise Malformed("malformed_request") from None
    if not isinstance(data, dict):
        raise Malformed("malformed_request")
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise Malformed("invalid_text") from None
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise Malformed("json_too_deep", limit=MAX_DEPTH)
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return data


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
