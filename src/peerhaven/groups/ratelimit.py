"""The live room's flood limit: per person and room, not per connection.

A person with several tabs open, or with connections to several server processes, shares one
budget: at most ``ROOM_RATE_COUNT`` frames in any ``ROOM_RATE_WINDOW`` seconds (a sliding
window), counted per (meeting, person).

- With ``REDIS_URL`` the window lives in Redis: one sorted set per person and room, trimmed,
  added to and counted in a single MULTI/EXEC transaction, so concurrent frames on any number of
  processes never lose a count. Redis is reached with redis-py's asyncio client (one client per
  event loop: a client's connections belong to the loop that opened them).
- Without Redis one process serves every socket (the in-memory channel layer cannot span
  processes), so the window lives in that process's memory, changed under a lock.

If Redis cannot be reached the check falls back to the process-local window (and logs it):
limiting a little too generously for a moment is better than closing everyone's connection.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
import uuid
import weakref
from collections import deque
from typing import Any

from django.conf import settings

from peerhaven.groups import conf

logger = logging.getLogger(__name__)


class LocalWindow:
    """Sliding windows in this process's memory, safe across threads and event loops."""

    SWEEP_EVERY = 1000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[tuple[int, int], deque[float]] = {}
        self._calls = 0

    def hit(self, key: tuple[int, int], *, limit: int, window: float, now: float) -> bool:
        """Count one frame; True while the key has at most ``limit`` frames in the window."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            hits.append(now)
            allowed = len(hits) <= limit
            self._calls += 1
            if self._calls % self.SWEEP_EVERY == 0:
                self._sweep(now - window)
            return allowed

    def _sweep(self, cutoff: float) -> None:
        # People who left the room: drop their windows so memory does not grow.
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= cutoff]:
            del self._hits[key]

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()

    def __len__(self) -> int:
        return len(self._hits)


LOCAL = LocalWindow()

# One asyncio Redis client per event loop (dropped with its loop).
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


def key_prefix() -> str:
    """Redis key prefix: ``GROUPS_ROOM_RATE_PREFIX`` (tests), else the cache's key prefix."""
    explicit = getattr(settings, "GROUPS_ROOM_RATE_PREFIX", None)
    if explicit:
        return str(explicit)
    cache_prefix = settings.CACHES.get("default", {}).get("KEY_PREFIX")
    return str(cache_prefix or os.environ.get("CACHE_KEY_PREFIX") or "peerhaven")


def redis_key(meeting_id: int, user_id: int) -> str:
    return f"{key_prefix()}:groups:rate:{meeting_id}:{user_id}"


def _client() -> Any:
    import redis.asyncio as aioredis

    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(redis_url(), socket_timeout=5, socket_connect_timeout=2)
        _clients[loop] = client
    return client


async def _redis_hit(key: str, *, limit: int, window: float, now: float) -> bool:
    pipe = _client().pipeline(transaction=True)
    pipe.zremrangebyscore(key, "-inf", now - window)
    # A unique member per frame: two frames in the same microsecond must both count.
    pipe.zadd(key, {f"{now:.6f}:{uuid.uuid4().hex[:12]}": now})
    pipe.zcard(key)
    pipe.expire(key, math.ceil(window) + 1)
    _trimmed, _added, count, _expiry = await pipe.execute()
    return int(count) <= limit


async def allow(*, meeting_id: int, user_id: int, now: float | None = None) -> bool:
    """Count a frame from ``user_id`` in ``meeting_id``'s room; False once over the limit."""
    limit = conf.get("ROOM_RATE_COUNT")
    window = float(conf.get("ROOM_RATE_WINDOW"))
    if redis_url():
        try:
            return await _redis_hit(
                redis_key(meeting_id, user_id),
                limit=limit,
                window=window,
                now=time.time() if now is None else now,
            )
        except Exception:
            logger.warning("Room rate limit: Redis unavailable, counting in this process")
    return LOCAL.hit(
        (meeting_id, user_id),
        limit=limit,
        window=window,
        now=time.monotonic() if now is None else now,
    )
