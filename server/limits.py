"""Rate limits shared by every process of a hall, through Redis (with `--message-queue`).

The same token bucket as server/auth.py's RateLimiter (`per_minute`, bursts up to `burst`),
kept in one Redis hash per key and updated by one Lua script, so the check and the take are
atomic across processes; Redis's own clock is used, so the processes' clocks do not matter.
When Redis cannot be reached the process falls back on its own in-memory bucket (logged
once, retried after a pause): a hall keeps issuing tickets, each process within the limit.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any

from .auth import RateLimiter

log = logging.getLogger(__name__)
RETRY_S = 2.0  # after Redis failed, the local bucket alone for this long

# KEYS[1] the bucket; ARGV rate per second, burst, seconds to keep an idle bucket. 1: allowed.
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if tokens == nil or at == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', now))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return ok
"""


class SharedRateLimiter(RateLimiter):
    """A RateLimiter whose buckets live in Redis under `prefix` (one hall's, one limit's)."""

    def __init__(self, client: Any, prefix: str, per_minute: int, burst: int | None = None) -> None:
        super().__init__(per_minute, burst)
        self.client = client
        self.prefix = prefix
        self.keep_s = max(2, math.ceil(self.burst / self.rate) + 1)
        self._take = client.register_script(TAKE)
        self._local_until = 0.0
        self._logged = False

    def allow(self, key: str) -> bool:
        if time.monotonic() >= self._local_until:
            try:
                ok = bool(self._take(keys=[self.prefix + key], args=[repr(self.rate), repr(self.burst), self.keep_s]))
            except Exception as err:  # noqa: BLE001 - any Redis or network failure: count here alone
                self._local_until = time.monotonic() + RETRY_S
                if not self._logged:
                    self._logged = True
                    log.warning("rate limit %s: Redis unreachable (%s); counting in this process until it is back",
                                self.prefix, str(err).splitlines()[0] if str(err) else type(err).__name__)
            else:
                if self._logged:
                    self._logged = False
                    log.info("rate limit %s: shared through Redis again", self.prefix)
                return ok
        return super().allow(key)
