"""Who a token belongs to, cached briefly: shared by the REST API and the live hub.

Below both: it takes the hall (its database, clock and caches) as an argument, so neither
the API nor the hub needs the other, nor the request's app context, to know who calls.
"""
from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Callable, Protocol

from .auth import Principal, device_seen, resolve, token_hash
from .sites import SITE_TOKEN_PREFIX, site_principal
from .storage import Database

PRINCIPAL_CACHE_S = 10.0  # a revoked token stops working within this long
SEEN_EVERY_S = 60.0


class Keeper(Protocol):
    """What of the hall this needs (server/context.py's Hall)."""

    db: Database
    clock: Callable[[], datetime]
    principals: dict[str, Any]  # token hash -> (principal, until)
    seen: dict[int, float]  # device id -> monotonic time last recorded


def principal_for(h: Keeper, token: str, via_cookie: bool) -> Principal | None:
    """The person or device of a token (None: no such live token); a device's last contact is noted."""
    digest = token_hash(token)
    cached = h.principals.get(digest)
    if cached and cached[1] > time.monotonic():
        principal = cached[0]
    else:
        principal = h.db.read(lambda s: site_principal(s, token) if token.startswith(SITE_TOKEN_PREFIX)
                              else resolve(s, token, h.clock()))
        h.principals[digest] = (principal, time.monotonic() + PRINCIPAL_CACHE_S)
        if len(h.principals) > 5000:
            h.principals.clear()
    if principal is not None and principal.device_id is not None:
        last = h.seen.get(principal.device_id, 0.0)
        if time.monotonic() - last > SEEN_EVERY_S:
            h.seen[principal.device_id] = time.monotonic()
            # Bookkeeping never makes a request wait behind the write lock.
            h.db.write_later(lambda s: device_seen(s, principal.device_id, h.clock()))
    if principal is not None and via_cookie:
        principal = Principal(**{**principal.__dict__, "via_cookie": True})
    return principal
