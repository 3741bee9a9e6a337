"""Sliding-window rate limits for the chat, per customer and per IP.

In memory by default (one process); `rate_limit_backend="redis"` shares the windows between
processes through Redis sorted sets, checked and updated atomically by one Lua script.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from typing import Any

from kcrm.config import Settings
from kcrm.core.errors import RateLimited


class RateLimiter(ABC):
    """Allows at most `limit` hits per key within any `window` seconds."""

    @abstractmethod
    def hit(self, key: str, *, limit: int, window: float) -> float:
        """Count one hit; 0.0 when allowed, else the seconds until one is allowed again."""

    def check(self, key: str, *, limit: int, window: float, what: str) -> None:
        """Count one hit or raise RateLimited (429) with a Retry-After hint."""
        wait = self.hit(key, limit=limit, window=window)
        if wait > 0:
            raise RateLimited(
                f"too many chat requests {what}; try again in {math.ceil(wait)} s",
                retry_after=math.ceil(wait),
            )


class MemoryRateLimiter(RateLimiter):
    """A sliding log of hit times per key, in this process only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float) -> float:
        """Count one hit; refused hits are not counted, so a blocked client recovers."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return hits[0] + window - now
            hits.append(now)
            return 0.0


# KEYS[1]: the window's sorted set. ARGV: now (ms), window (ms), limit, a unique member.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
"""


class RedisRateLimiter(RateLimiter):
    """The same sliding window in Redis, shared by every process of the service."""

    def __init__(self, url: str, *, prefix: str = "kcrm:ratelimit:") -> None:
        import redis

        self._redis: Any = redis.Redis.from_url(url)
        self._script: Any = self._redis.register_script(_SLIDING_WINDOW)
        self.prefix = prefix

    def hit(self, key: str, *, limit: int, window: float) -> float:
        """Count one hit atomically in Redis."""
        now_ms = int(time.time() * 1000)
        wait_ms = self._script(
            keys=[self.prefix + key],
            args=[now_ms, int(window * 1000), limit, f"{now_ms}:{uuid.uuid4().hex}"],
        )
        return max(0.0, float(wait_ms) / 1000)


def build_rate_limiter(settings: Settings) -> RateLimiter:
    """The limiter the settings name ("memory" or "redis")."""
    if settings.rate_limit_backend == "memory":
        return MemoryRateLimiter()
    if settings.rate_limit_backend == "redis":
        return RedisRateLimiter(settings.redis_url)
    raise ValueError(
        f"unknown rate_limit_backend {settings.rate_limit_backend!r}; choose memory or redis"
    )


def limiter_for(state: Any, settings: Settings) -> RateLimiter:
    """The app's one limiter, built on first use and kept on the app state."""
    limiter: RateLimiter | None = getattr(state, "chat_rate_limiter", None)
    if limiter is None:
        limiter = build_rate_limiter(settings)
        state.chat_rate_limiter = limiter
    return limiter


def enforce(limiter: RateLimiter, settings: Settings, *, ip: str, customer_id: int | None) -> None:
    """Count one chat request against the caller's IP and, when logged in, their customer."""
    window = settings.chat_rate_window_seconds
    limiter.check(
        f"chat:ip:{ip}", limit=settings.chat_rate_per_ip, window=window, what="from your address"
    )
    if customer_id is not None:
        limiter.check(
            f"chat:customer:{customer_id}",
            limit=settings.chat_rate_per_customer,
            window=window,
            what="for your account",
        )
