"""Services' number blocks: how a number looks, which services' numbers meet, and the default
block of a service that names none.

Two services must never hand out the same number: the board would call "1001" for two
citizens. So config validation refuses blocks that meet, and a service without `numbers`
gets the k-th free thousand-block (1001-1999, 2001-2999, …) when it is the k-th without one.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict


class NumberFormat(BaseModel):
    """How a service's numbers look: a block such as 1001-1999, or a prefix such as A###."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str
    first: int
    last: int
    width: int

    @classmethod
    def parse(cls, spec: str) -> "NumberFormat":
        spec = spec.strip()
        block = re.fullmatch(r"(\d+)\s*-\s*(\d+)", spec)
        if block:
            first, last = int(block.group(1)), int(block.group(2))
            if first < 0 or last <= first:
                raise ValueError(f"{spec!r}: the block must go from a smaller to a larger number")
            return cls(prefix="", first=first, last=last, width=len(block.group(1)))
        lettered = re.fullmatch(r"([A-Z]{1,3})(#+)", spec)
        if lettered:
            width = len(lettered.group(2))
            return cls(prefix=lettered.group(1), first=1, last=10**width - 1, width=width)
        raise ValueError(f"{spec!r} is neither a block like 1001-1999 nor a prefix like A###")

    @property
    def capacity(self) -> int:
        return self.last - self.first + 1

    def shared_with(self, other: "NumberFormat") -> tuple[int, int] | None:
        """The numbers both may hand out, or None.

        Numbers with the same prefix are compared by value, whatever their width: A05 and
        A005 are printed differently but are both "A năm" to a citizen listening to the board.
        Different letter prefixes never meet ("A001" is never "AB01", nor a block's "1001").
        """
        if self.prefix != other.prefix:
            return None
        low, high = max(self.first, other.first), min(self.last, other.last)
        return (low, high) if low <= high else None

    def format(self, ordinal: int) -> str:
        """The printed number of the day's ordinal-th ticket (1-based)."""
        return f"{self.prefix}{self.first + ordinal - 1:0{self.width}d}"


def default_blocks(taken: list[NumberFormat], count: int) -> list[str]:
    """Blocks for services without `numbers`: the free thousands 1001-1999, 2001-2999, … in turn."""
    out: list[str] = []
    thousand = 0
    while len(out) < count:
        thousand += 1
        block = f"{thousand}001-{thousand}999"
        fmt = NumberFormat.parse(block)
        if not any(fmt.shared_with(other) for other in taken):
            out.append(block)
            taken = [*taken, fmt]
    return out


def with_default_numbers(services: list[Any], model: type) -> list[Any]:
    """The services (raw dicts or `model` instances), each without `numbers` given its own block."""

    def given(svc: Any) -> Any:
        if isinstance(svc, model):
            return svc.numbers if "numbers" in svc.model_fields_set else None
        return svc.get("numbers") if isinstance(svc, dict) else ""

    taken = []
    for svc in services:
        try:
            taken.append(NumberFormat.parse(given(svc)))
        except (ValueError, TypeError, AttributeError):  # absent, or wrong: reported by the field itself
            pass
    missing = [i for i, svc in enumerate(services) if given(svc) is None]
    out = list(services)
    for i, block in zip(missing, default_blocks(taken, len(missing))):
        svc = out[i]
        out[i] = svc.model_copy(update={"numbers": block}) if isinstance(svc, model) else {**svc, "numbers": block}
    return out


def overlap(services: list[tuple[str, str]]) -> tuple[str, str, str, str, str] | None:
    """The first two services (code, numbers) that would hand out the same number, and what they share."""
    formats = [(code, spec, NumberFormat.parse(spec)) for code, spec in services]
    for i, (one, one_spec, fmt) in enumerate(formats):
        for other, other_spec, other_fmt in formats[i + 1:]:
            shared = fmt.shared_with(other_fmt)
            if shared:
                spans = dict.fromkeys("…".join(f.format(n - f.first + 1) for n in shared) for f in (fmt, other_fmt))
                return one, one_spec, other, other_spec, " and ".join(spans)
    return None


def check_apart(services: list[tuple[str, str]]) -> None:
    """Refuse two services (code, numbers) that would hand out the same number, naming both."""
    if found := overlap(services):
        one, one_spec, other, other_spec, shared = found
        raise ValueError(f"services: {one} ({one_spec!r}) and {other} ({other_spec!r}) would both hand out "
                         f"{shared}; give each service its own block or prefix")
