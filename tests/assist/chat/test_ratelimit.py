"""Sliding-window rate limits, in memory and in a real Redis."""

from __future__ import annotations

import uuid

import pytest

from kcrm.assist.chat.ratelimit import (
    MemoryRateLimiter,
    RedisRateLimiter,
    build_rate_limiter,
    enforce,
)
from kcrm.config import Settings
from kcrm.core.errors import RateLimited

REDIS_URL = "redis://127.0.0.1:6379/15"


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestMemoryRateLimiter:
    def test_allows_up_to_the_limit_then_waits(self) -> None:
        clock = _Clock()
        limiter = MemoryRateLimiter(clock)
        assert [limiter.hit("k", limit=3, window=60) for _ in range(3)] == [0.0, 0.0, 0.0]
        clock.now += 10
        assert limiter.hit("k", limit=3, window=60) == pytest.approx(50.0)

    def test_window_slides(self) -> None:
        clock = _Clock()
        limiter = MemoryRateLimiter(clock)
        limiter.hit("k", limit=2, window=60)
        clock.now += 30
        limiter.hit("k", limit=2, window=60)
        clock.now += 31  # the first hit has left the window, the second has not
        assert limiter.hit("k", limit=2, window=60) == 0.0
        assert limiter.hit("k", limit=2, window=60) > 0

    def test_keys_are_independent(self) -> None:
        limiter = MemoryRateLimiter(_Clock())
        limiter.hit("a", limit=1, window=60)
        assert limiter.hit("b", limit=1, window=60) == 0.0


def _redis_or_skip() -> RedisRateLimiter:
    limiter = RedisRateLimiter(REDIS_URL, prefix=f"kcrm-test:{uuid.uuid4().hex}:")
    try:
        limiter._redis.ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis at 127.0.0.1:6379")
    return limiter


class TestRedisRateLimiter:
    def test_limit_is_shared_between_instances(self) -> None:
        first = _redis_or_skip()
        second = RedisRateLimiter(REDIS_URL, prefix=first.prefix)
        assert first.hit("k", limit=2, window=30) == 0.0
        assert second.hit("k", limit=2, window=30) == 0.0
        wait = first.hit("k", limit=2, window=30)
        assert 29 < wait <= 30
        assert first._redis.pttl(first.prefix + "k") > 0  # keys expire on their own
        first._redis.delete(first.prefix + "k")


class TestEnforce:
    def test_customer_limit_raises_429(self) -> None:
        settings = Settings(chat_rate_per_customer=2, chat_rate_per_ip=100)
        limiter = MemoryRateLimiter()
        for _ in range(2):
            enforce(limiter, settings, ip="1.2.3.4", customer_id=5)
        with pytest.raises(RateLimited) as caught:
            enforce(limiter, settings, ip="1.2.3.4", customer_id=5)
        assert caught.value.status_code == 429
        assert caught.value.retry_after >= 1
        # Another customer behind the same address is not blocked.
        enforce(limiter, settings, ip="1.2.3.4", customer_id=6)

    def test_ip_limit_applies_to_anonymous_visitors(self) -> None:
        settings = Settings(chat_rate_per_ip=1)
        limiter = MemoryRateLimiter()
        enforce(limiter, settings, ip="5.6.7.8", customer_id=None)
        with pytest.raises(RateLimited):
            enforce(limiter, settings, ip="5.6.7.8", customer_id=None)


class TestBuild:
    def test_backends(self) -> None:
        assert isinstance(build_rate_limiter(Settings()), MemoryRateLimiter)
        redis = build_rate_limiter(Settings(rate_limit_backend="redis", redis_url=REDIS_URL))
        assert isinstance(redis, RedisRateLimiter)

    def test_unknown_backend(self) -> None:
        with pytest.raises(ValueError, match="rate_limit_backend"):
            build_rate_limiter(Settings(rate_limit_backend="memcached"))
