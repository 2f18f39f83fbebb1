"""Helpers for the tests that a change of standing reaches open sockets at once.

Those tests turn the periodic re-checks off (``no_periodic_rechecks``), make the change through
the service, and then only listen: the socket must close within ``PROMPT`` seconds without the
client sending a frame or a heartbeat running.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from room_sockets import APP, WebsocketCommunicator, isolated_sockets

# Seconds within which a socket must close after the service call returned.
PROMPT = 2.0

# Longer than any test: the frame-driven and heartbeat re-checks never come due.
NEVER = 3600


@pytest.fixture
def no_periodic_rechecks(settings: Any) -> Iterator[None]:
    """Only a standing event can make a socket re-check; channel layers and worker-thread
    connections are fresh for each test (each runs in its own event loop)."""
    settings.SAFETY_SOCKET_RECHECK_SECONDS = NEVER
    settings.GROUPS_ROOM_RECHECK_SECONDS = NEVER
    settings.GROUPS_ROOM_HEARTBEAT_SECONDS = NEVER
    with isolated_sockets():
        yield


def signed_in(user: Any) -> tuple[Any, Any]:
    """A browser signed in as ``user`` (a test Client) and the session store its sockets carry."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client, SessionStore(session_key=client.session.session_key)


async def open_socket(
    path: str, user: Any, session: Any = None
) -> tuple[WebsocketCommunicator, bool]:
    """Connect to ``path`` as ``user`` (with ``session``, as Channels' AuthMiddleware would)."""
    comm = WebsocketCommunicator(APP, path)
    comm.scope["user"] = user
    if session is not None:
        comm.scope["session"] = session
    ok, _code = await comm.connect(timeout=10)
    return comm, ok


async def open_with_browser(path: str, user: Any) -> tuple[WebsocketCommunicator, Any]:
    """A socket opened from a signed-in browser; returns it and the browser (a Client)."""
    client, session = await sync_to_async(signed_in)(user)
    comm, ok = await open_socket(path, user, session)
    assert ok
    return comm, client


async def closed_promptly(comm: WebsocketCommunicator) -> tuple[list[dict[str, Any]], int]:
    """Listen only (send nothing): the frames sent before the close, and the close code.

    Fails (a timeout) unless the socket closes within ``PROMPT`` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PROMPT
    frames: list[dict[str, Any]] = []
    while True:
        out = await comm.receive_output(timeout=max(deadline - loop.time(), 0.01))
        if out["type"] == "websocket.close":
            code = int(out.get("code", 1000))
            await comm.disconnect(code)  # as a server does (see room_sockets.closed_with)
            return frames, code
        frames.append(json.loads(out["text"]))


async def frame_promptly(comm: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    """Listen only: the next frame of type ``kind`` (others, like presence, are skipped), which
    must arrive within ``PROMPT`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PROMPT
    while True:
        frame = await comm.receive_json_from(timeout=max(deadline - loop.time(), 0.01))
        if frame["type"] == kind:
            return dict(frame)


async def still_open(comm: WebsocketCommunicator) -> list[dict[str, Any]]:
    """Nothing closed it: a ping is answered. Returns what was sent before the pong."""
    await comm.send_json_to({"type": "ping"})
    frames = [await comm.receive_json_from(timeout=5)]
    while frames[-1]["type"] != "pong":
        frames.append(await comm.receive_json_from(timeout=5))
    return frames[:-1]
