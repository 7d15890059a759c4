"""Leaky-bucket rate limiting (00-conventions §9) as GCRA, in memory or shared through Redis.

`limits` offers fixed/moving/sliding windows but no leaky bucket, whose Retry-After the contract
defines, so the bucket is the few lines of GCRA below: a bucket is one timestamp, the "theoretical
arrival time" (TAT). A request at ``now`` is allowed when ``TAT - now <= (burst - 1) * interval``;
then ``TAT = max(TAT, now) + interval``. The Redis variant runs the same rule in one Lua script, so
every worker shares one bucket per key.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    burst: int

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second


#: Float slack for sums of intervals: 100 x 0.1 s must not come out as slightly more than 10 s.
EPSILON = 1e-6


def _whole_seconds(wait: float) -> int:
    return max(1, math.ceil(wait - EPSILON))


class Limiter(Protocol):
    def hit(self, key: str, rate: Rate) -> int:
        """0 when allowed, else the whole seconds to wait (>= 1)."""
        ...


class MemoryLimiter:
    """Per-process buckets; right for one worker only (`punchclock serve` refuses several without Redis)."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._tat: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_keys
        self._clock = clock

    def hit(self, key: str, rate: Rate) -> int:
        now = self._clock()
        with self._lock:
            tat = max(self._tat.get(key, now), now)
            allowance = (rate.burst - 1) * rate.interval
            if tat - now > allowance + EPSILON:
                return _whole_seconds(tat - now - allowance)
            self._tat[key] = tat + rate.interval
            self._tat.move_to_end(key)
            if len(self._tat) > self._max:
                self._tat.popitem(last=False)
            return 0


# One TIME call: reading seconds and microseconds from two calls could straddle a second boundary.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local allowance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
if tat - now > allowance + 0.000001 then
  return tostring(tat - now - allowance)
end
tat = tat + interval
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return '0'
"""


class RedisLimiter:
    def __init__(self, url: str) -> None:
        try:
            import redis
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
            raise SystemExit("PUNCHCLOCK_REDIS_URL needs the redis package: pip install 'punchclock[redis]'") from exc
        # Short timeouts: a hung Redis must fail a request quickly, not hold it (and /health) forever.
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._client.register_script(_GCRA)

    def hit(self, key: str, rate: Rate) -> int:
        # Keys name a credential (an API token): Redis only ever sees their SHA-256.
        name = hashlib.sha256(key.encode()).hexdigest()
        wait = float(
            self._script(keys=[f"punchclock:rl:{name}"], args=[rate.interval, (rate.burst - 1) * rate.interval])
        )
        return 0 if wait <= 0 else _whole_seconds(wait)

    def ping(self) -> bool:
        return bool(self._client.ping())


class NoLimiter:
    def hit(self, key: str, rate: Rate) -> int:
        return 0


def make_limiter(enabled: bool, redis_url: str | None) -> Limiter:
    if not enabled:
        return NoLimiter()
    if redis_url:
        return RedisLimiter(redis_url)
    return MemoryLimiter()
