"""How a command gives up: one line on stderr, exit status 1 (shared by cli.py and commands.py)."""
from __future__ import annotations

import sys
from typing import NoReturn


def fail(reason: str) -> NoReturn:
    """End the command with `hallq: reason` on stderr and exit status 1."""
    print(f"hallq: {reason}", file=sys.stderr)
    raise SystemExit(1)
