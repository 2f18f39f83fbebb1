"""A small fixed-window rate limiter on the shared cache (Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event for ``key`` in ``scope``; False once ``limit`` is passed in ``window`` s."""
    bucket = int(time.time() // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    # add() is atomic: only the first caller in a window creates the counter.
    if cache.add(cache_key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 1)
        return True
    return count <= limit


def retry_after(window: int) -> int:
    return window - int(time.time()) % window
