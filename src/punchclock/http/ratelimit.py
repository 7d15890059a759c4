"""Leaky-bucket rate limiting (00-conventions §9) as GCRA, in memory or shared through Redis.

`limits` offers fixed/moving/sliding windows but no leaky bucket, whose Retry-After the contract
defines, so the bucket is the few lines of GCRA below: a bucket is one timestamp, the "theoretical
arrival time" (TAT). A request at ``now`` is allowed when ``TAT - now <= (burst - 1) * interval``;
then ``TAT = max(TAT, now) + interval``. The Redis variant runs the same rule in one Lua script, so
every worker shares one bucket per key.

Redis down must not take the API down: `RedisLimiter` then answers from per-process buckets (a
`MemoryLimiter`), logs the change once each way, and tries Redis again at most once per
``retry_seconds``, so no request but the one probing waits on a dead or hung Redis.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("punchclock")

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

    def peek(self, key: str, rate: Rate) -> int:
        """What `hit` would answer now, without charging the bucket."""
        ...


class MemoryLimiter:
    """Per-process buckets; right for one worker only (`punchclock serve` refuses several without Redis)."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._tat: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_keys
        self._clock = clock

    def hit(self, key: str, rate: Rate) -> int:
        return self._gcra(key, rate, charge=True)

    def peek(self, key: str, rate: Rate) -> int:
        return self._gcra(key, rate, charge=False)

    def _gcra(self, key: str, rate: Rate, *, charge: bool) -> int:
        now = self._clock()
        with self._lock:
            tat = max(self._tat.get(key, now), now)
            allowance = (rate.burst - 1) * rate.interval
            if tat - now > allowance + EPSILON:
                return _whole_seconds(tat - now - allowance)
            if not charge:
                return 0
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
if ARGV[3] ~= '1' then return '0' end
tat = tat + interval
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return '0'
"""


class RedisLimiter:
    """Buckets shared by every worker; per-process buckets meanwhile when Redis fails (module docstring)."""

    def __init__(self, url: str, *, retry_seconds: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        try:
            import redis
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
            raise SystemExit("PUNCHCLOCK_REDIS_URL needs the redis package: pip install 'punchclock[redis]'") from exc
        # Short timeouts: a hung Redis must fail a request quickly, not hold it (and /health) forever.
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._client.register_script(_GCRA)
        self._errors = redis.RedisError
        self._fallback = MemoryLimiter(clock=clock)
        self._clock = clock
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0

    def hit(self, key: str, rate: Rate) -> int:
        return self._gcra(key, rate, charge=True)

    def peek(self, key: str, rate: Rate) -> int:
        return self._gcra(key, rate, charge=False)

    def ping(self) -> bool:
        return bool(self._client.ping())

    def _gcra(self, key: str, rate: Rate, *, charge: bool) -> int:
        if self._may_try_redis():
            # Keys name a credential (an API token): Redis only ever sees their SHA-256.
            name = hashlib.sha256(key.encode()).hexdigest()
            args = [rate.interval, (rate.burst - 1) * rate.interval, 1 if charge else 0]
            try:
                wait = float(self._script(keys=[f"punchclock:rl:{name}"], args=args))
            except self._errors as exc:
                self._went_down(exc)
            else:
                self._came_back()
                return 0 if wait <= 0 else _whole_seconds(wait)
        return self._fallback.hit(key, rate) if charge else self._fallback.peek(key, rate)

    def _may_try_redis(self) -> bool:
        """While down, only one caller per ``retry_seconds`` probes Redis; the others use memory at once."""
        if not self._down:
            return True
        with self._lock:
            now = self._clock()
            if now < self._retry_at:
                return False
            self._retry_at = now + self._retry_seconds
            return True

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            self._retry_at = self._clock() + self._retry_seconds
            if self._down:
                return
            self._down = True
        log.warning("rate limits: Redis unreachable (%s), using per-process buckets until it answers again",
                    type(exc).__name__)

    def _came_back(self) -> None:
        if not self._down:
            return
        with self._lock:
            # Another thread may have cleared it since the unlocked check; mypy keeps the narrowing.
            if not self._down:
                return  # type: ignore[unreachable]
            self._down = False
        log.info("rate limits: Redis answers again, using shared buckets")


class NoLimiter:
    def hit(self, key: str, rate: Rate) -> int:
        return 0

    def peek(self, key: str, rate: Rate) -> int:
        return 0


def make_limiter(enabled: bool, redis_url: str | None) -> Limiter:
    if not enabled:
        return NoLimiter()
    if redis_url:
        return RedisLimiter(redis_url)
    return MemoryLimiter()
