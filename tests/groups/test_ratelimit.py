"""The live room's flood limit counts per person and room, atomically.

The in-process window is checked from many threads at once; the Redis window from many
concurrent coroutines and from two event loops (as two server processes would), when REDIS_URL
is set. No sleeping: the clock is passed in.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from peerhaven.groups import ratelimit

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


def test_the_window_allows_the_limit_then_refuses() -> None:
    window = ratelimit.LocalWindow()
    results = [window.hit((1, 1), limit=5, window=10, now=float(t)) for t in range(6)]
    assert results == [True] * 5 + [False]


def test_the_window_slides() -> None:
    window = ratelimit.LocalWindow()
    for t in range(5):
        assert window.hit((1, 1), limit=5, window=10, now=float(t))
    assert not window.hit((1, 1), limit=5, window=10, now=9.0)
    # At 11.5 s the frames sent at 0 and 1 s have left the window (the refused one at 9 s
    # still counts: a flood keeps its own window full).
    assert window.hit((1, 1), limit=5, window=10, now=11.5)


def test_people_and_rooms_have_their_own_windows() -> None:
    window = ratelimit.LocalWindow()
    for _ in range(3):
        assert window.hit((1, 1), limit=3, window=10, now=1.0)
    assert not window.hit((1, 1), limit=3, window=10, now=1.0)
    assert window.hit((1, 2), limit=3, window=10, now=1.0)  # another person
    assert window.hit((2, 1), limit=3, window=10, now=1.0)  # the same person, another room


def test_concurrent_frames_from_many_threads_lose_no_count() -> None:
    window = ratelimit.LocalWindow()
    start = threading.Barrier(8)

    def burst(_n: int) -> int:
        start.wait()
        return sum(window.hit((7, 7), limit=100, window=60, now=1.0) for _ in range(50))

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = sum(pool.map(burst, range(8)))
    assert allowed == 100  # 400 frames, exactly the limit let through


def test_windows_of_people_who_left_are_swept() -> None:
    window = ratelimit.LocalWindow()
    window.SWEEP_EVERY = 10
    for uid in range(9):
        window.hit((1, uid), limit=5, window=10, now=0.0)
    assert len(window) == 9
    window.hit((1, 99), limit=5, window=10, now=100.0)  # the 10th call sweeps
    assert len(window) == 1


@pytest.mark.asyncio
async def test_without_redis_the_process_window_is_used(settings: Any) -> None:
    settings.REDIS_URL = ""
    settings.GROUPS_ROOM_RATE_COUNT = 2
    got = [await ratelimit.allow(meeting_id=5, user_id=6, now=1.0) for _ in range(3)]
    assert got == [True, True, False]


@pytest.mark.asyncio
async def test_an_unreachable_redis_falls_back_to_the_process_window(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.GROUPS_ROOM_RATE_COUNT = 2
    got = [await ratelimit.allow(meeting_id=5, user_id=7, now=1.0) for _ in range(3)]
    assert got == [True, True, False]


@needs_redis
@pytest.mark.asyncio
async def test_concurrent_frames_on_redis_lose_no_count(settings: Any) -> None:
    settings.GROUPS_ROOM_RATE_COUNT = 20
    got = await asyncio.gather(*(ratelimit.allow(meeting_id=11, user_id=12) for _ in range(60)))
    assert sum(got) == 20
    assert len(ratelimit.LOCAL) == 0  # counted in Redis, not in this process


@needs_redis
def test_two_event_loops_share_the_redis_count(settings: Any) -> None:
    # Two server processes each have their own loop and connections; Redis holds one count.
    settings.GROUPS_ROOM_RATE_COUNT = 10

    async def burst() -> int:
        got = await asyncio.gather(*(ratelimit.allow(meeting_id=21, user_id=22) for _ in range(8)))
        return sum(got)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _n: asyncio.run(burst()), range(2)))
    assert sum(results) == 10


@needs_redis
@pytest.mark.asyncio
async def test_the_redis_window_expires(settings: Any) -> None:
    settings.GROUPS_ROOM_RATE_COUNT = 2
    settings.GROUPS_ROOM_RATE_WINDOW = 10
    at = 1_000_000.0
    got = [await ratelimit.allow(meeting_id=31, user_id=32, now=at) for _ in range(3)]
    assert got == [True, True, False]
    assert await ratelimit.allow(meeting_id=31, user_id=32, now=at + 11)
