"""GCRA leaky bucket (00-conventions §9): exact admissions and Retry-After values on a controlled clock."""

from __future__ import annotations

import hashlib
import logging
import time

import pytest

from punchclock.http.ratelimit import MemoryLimiter, NoLimiter, Rate, RedisLimiter, make_limiter
from tests.factories import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock: Clock) -> MemoryLimiter:
    return MemoryLimiter(clock=clock)


ONE_PER_SECOND_BURST_3 = Rate(per_second=1, burst=3)


class TestMemoryLimiter:
    def test_burst_is_admitted_then_one_second_wait(self, limiter: MemoryLimiter) -> None:
        assert [limiter.hit("k", ONE_PER_SECOND_BURST_3) for _ in range(5)] == [0, 0, 0, 1, 1]

    def test_bucket_drains_at_the_rate(self, limiter: MemoryLimiter, clock: Clock) -> None:
        for _ in range(3):
            limiter.hit("k", ONE_PER_SECOND_BURST_3)
        clock.now += 0.5
        assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 1  # 0.5 s still to wait, rounded up
        clock.now += 0.5
        assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 0  # one unit drained
        assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 1

    def test_rejected_requests_do_not_fill_the_bucket(self, limiter: MemoryLimiter, clock: Clock) -> None:
        for _ in range(3):
            limiter.hit("k", ONE_PER_SECOND_BURST_3)
        for _ in range(50):
            assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 1
        clock.now += 1
        assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 0

    def test_idle_bucket_refills_to_capacity_only(self, limiter: MemoryLimiter, clock: Clock) -> None:
        limiter.hit("k", ONE_PER_SECOND_BURST_3)
        clock.now += 3600
        assert [limiter.hit("k", ONE_PER_SECOND_BURST_3) for _ in range(4)] == [0, 0, 0, 1]

    def test_slow_rate_waits_are_whole_seconds_rounded_up(self, limiter: MemoryLimiter, clock: Clock) -> None:
        every_ten_seconds = Rate(per_second=0.1, burst=1)
        assert limiter.hit("k", every_ten_seconds) == 0
        assert limiter.hit("k", every_ten_seconds) == 10
        clock.now += 2.5
        assert limiter.hit("k", every_ten_seconds) == 8  # 7.5 s left
        clock.now += 7.4
        assert limiter.hit("k", every_ten_seconds) == 1  # 0.1 s left is still "1"
        clock.now += 0.1
        assert limiter.hit("k", every_ten_seconds) == 0

    def test_reports_default_one_per_second_capacity_two(self, limiter: MemoryLimiter, clock: Clock) -> None:
        reports = Rate(per_second=1, burst=2)
        assert [limiter.hit("k", reports) for _ in range(3)] == [0, 0, 1]
        clock.now += 1
        assert [limiter.hit("k", reports) for _ in range(2)] == [0, 1]

    def test_v8_default_admits_a_hundred_at_once(self, limiter: MemoryLimiter, clock: Clock) -> None:
        v8 = Rate(per_second=10, burst=100)
        assert [limiter.hit("k", v8) for _ in range(100)] == [0] * 100
        assert limiter.hit("k", v8) == 1
        clock.now += 0.1
        assert limiter.hit("k", v8) == 0
        assert limiter.hit("k", v8) == 1

    def test_keys_are_independent(self, limiter: MemoryLimiter) -> None:
        for _ in range(3):
            limiter.hit("a", ONE_PER_SECOND_BURST_3)
        assert limiter.hit("a", ONE_PER_SECOND_BURST_3) == 1
        assert limiter.hit("b", ONE_PER_SECOND_BURST_3) == 0

    def test_oldest_key_is_forgotten_beyond_max_keys(self, clock: Clock) -> None:
        limiter = MemoryLimiter(max_keys=2, clock=clock)
        one = Rate(per_second=1, burst=1)
        assert [limiter.hit(k, one) for k in ("a", "b", "c")] == [0, 0, 0]
        assert limiter.hit("a", one) == 0  # evicted, so a fresh bucket
        assert limiter.hit("c", one) == 1  # still remembered

    def test_peek_tells_the_wait_without_charging(self, limiter: MemoryLimiter, clock: Clock) -> None:
        assert [limiter.peek("k", ONE_PER_SECOND_BURST_3) for _ in range(5)] == [0] * 5
        for _ in range(3):
            limiter.hit("k", ONE_PER_SECOND_BURST_3)
        assert limiter.peek("k", ONE_PER_SECOND_BURST_3) == 1
        clock.now += 1
        assert limiter.peek("k", ONE_PER_SECOND_BURST_3) == 0
        assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 0  # the peeks left that unit free
        assert limiter.hit("k", ONE_PER_SECOND_BURST_3) == 1

    def test_uses_monotonic_clock_by_default(self) -> None:
        limiter = MemoryLimiter()
        assert [limiter.hit("k", Rate(per_second=0.001, burst=2)) for _ in range(3)] == [0, 0, 1000]


class TestRedisLimiter:
    """Same rule in Lua on the Redis server's clock; requests here come within milliseconds."""

    def test_burst_then_wait(self, redis_url: str) -> None:
        limiter = RedisLimiter(redis_url)
        assert [limiter.hit("k", ONE_PER_SECOND_BURST_3) for _ in range(5)] == [0, 0, 0, 1, 1]

    def test_slow_rate_wait(self, redis_url: str) -> None:
        limiter = RedisLimiter(redis_url)
        every_ten_seconds = Rate(per_second=0.1, burst=1)
        assert [limiter.hit("k", every_ten_seconds) for _ in range(2)] == [0, 10]

    def test_v8_default_admits_a_hundred_at_once(self, redis_url: str) -> None:
        limiter = RedisLimiter(redis_url)
        v8 = Rate(per_second=10, burst=100)
        started = time.monotonic()
        assert [limiter.hit("k", v8) for _ in range(100)] == [0] * 100
        # Redis keeps its own clock: on a busy machine the bucket drains 10 units per second meanwhile,
        # so a few more may pass, but never more than the time spent allows.
        extra = 0
        while limiter.hit("k", v8) == 0 and extra < 1000:
            extra += 1
        assert extra <= (time.monotonic() - started) * 10 + 1

    def test_two_limiters_share_buckets(self, redis_url: str) -> None:
        a, b = RedisLimiter(redis_url), RedisLimiter(redis_url)
        assert [a.hit("k", ONE_PER_SECOND_BURST_3), b.hit("k", ONE_PER_SECOND_BURST_3),
                a.hit("k", ONE_PER_SECOND_BURST_3), b.hit("k", ONE_PER_SECOND_BURST_3)] == [0, 0, 0, 1]
        assert b.hit("other", ONE_PER_SECOND_BURST_3) == 0

    def test_peek_tells_the_wait_without_charging(self, redis_url: str) -> None:
        limiter = RedisLimiter(redis_url)
        every_ten_seconds = Rate(per_second=0.1, burst=1)
        assert [limiter.peek("k", every_ten_seconds) for _ in range(3)] == [0, 0, 0]
        assert [limiter.hit("k", every_ten_seconds) for _ in range(2)] == [0, 10]
        assert limiter.peek("k", every_ten_seconds) == 10

    def test_bucket_key_expires(self, redis_url: str) -> None:
        import redis

        RedisLimiter(redis_url).hit("t:secret-token:127.0.0.1", ONE_PER_SECOND_BURST_3)
        r = redis.Redis.from_url(redis_url)
        # Stored under the key's SHA-256: the credential never reaches Redis.
        name = "punchclock:rl:" + hashlib.sha256(b"t:secret-token:127.0.0.1").hexdigest()
        assert [k.decode() for k in r.keys("punchclock:rl:*")] == [name]
        ttl = r.pttl(name)
        assert 1000 < ttl <= 2000  # the bucket's drain time (1 s) plus one second of slack


class FlakyScript:
    """Stands in for the Lua script: counts calls, fails while ``down``, else answers ``wait``."""

    def __init__(self) -> None:
        self.calls = 0
        self.down = False

    def __call__(self, keys: list[str], args: list[object]) -> str:
        import redis

        self.calls += 1
        if self.down:
            raise redis.ConnectionError("refused")
        return "0"


class TestRedisFallback:
    """Redis failing: per-process buckets at once, one probe per retry interval, one log line each way."""

    @pytest.fixture
    def script(self) -> FlakyScript:
        return FlakyScript()

    @pytest.fixture
    def limiter(self, clock: Clock, script: FlakyScript) -> RedisLimiter:
        limiter = RedisLimiter("redis://127.0.0.1:1/0", retry_seconds=1.0, clock=clock)
        limiter._script = script  # type: ignore[assignment]
        return limiter

    def test_memory_buckets_and_one_probe_per_second(
        self, limiter: RedisLimiter, script: FlakyScript, clock: Clock, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="punchclock")
        script.down = True
        assert [limiter.hit("k", ONE_PER_SECOND_BURST_3) for _ in range(5)] == [0, 0, 0, 1, 1]
        assert limiter.peek("k", ONE_PER_SECOND_BURST_3) == 1
        assert script.calls == 1  # the first call failed; the other five never went to Redis
        clock.now += 0.99
        limiter.hit("other", ONE_PER_SECOND_BURST_3)
        assert script.calls == 1
        clock.now += 0.01
        limiter.hit("other", ONE_PER_SECOND_BURST_3)
        limiter.hit("other", ONE_PER_SECOND_BURST_3)
        assert script.calls == 2  # one probe a second
        script.down = False
        clock.now += 1
        assert [limiter.hit("k", ONE_PER_SECOND_BURST_3) for _ in range(3)] == [0, 0, 0]  # Redis's answers
        assert script.calls == 5
        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
            ("WARNING", "rate limits: Redis unreachable (ConnectionError), using per-process buckets until it "
                        "answers again"),
            ("INFO", "rate limits: Redis answers again, using shared buckets"),
        ]

    def test_against_a_closed_port(self, caplog: pytest.LogCaptureFixture) -> None:
        limiter = RedisLimiter("redis://127.0.0.1:1/0")
        assert [limiter.hit("k", ONE_PER_SECOND_BURST_3) for _ in range(4)] == [0, 0, 0, 1]
        assert len([r for r in caplog.records if "Redis unreachable" in r.getMessage()]) == 1


def test_make_limiter_choices(redis_url: str) -> None:
    assert isinstance(make_limiter(False, redis_url), NoLimiter)
    assert isinstance(make_limiter(True, None), MemoryLimiter)
    assert isinstance(make_limiter(True, redis_url), RedisLimiter)
    assert NoLimiter().hit("k", Rate(per_second=0.001, burst=1)) == 0
    assert NoLimiter().peek("k", Rate(per_second=0.001, burst=1)) == 0
