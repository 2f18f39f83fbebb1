"""A WebSocket client for the live group room and the helpers the room's tests share.

The isolation these tests need is ``isolated_sockets`` (used by the
``fresh_connections_and_layers`` fixture in tests/groups/conftest.py and by
``no_periodic_rechecks`` in standing_sockets).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter

from peerhaven.routing import websocket_urlpatterns

APP = URLRouter(websocket_urlpatterns)


@contextmanager
def isolated_sockets() -> Iterator[None]:
    """What a test driving consumers needs around it.

    database_sync_to_async runs in a worker thread whose connection would outlive the test
    (CONN_MAX_AGE) and keep PostgreSQL from dropping the test database. Each test runs in its
    own event loop, and a Redis layer's connections belong to one loop. A consumer the test
    left running may still have a query in that thread (a heartbeat cancelled by a close, say):
    the test ends, and its database is flushed, only once the thread is idle (once seen as a
    deadlock between such a query and the flush on PostgreSQL).
    """
    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers
    from django.db import connections

    conf = connections.settings["default"]
    previous = conf.get("CONN_MAX_AGE", 0)
    conf["CONN_MAX_AGE"] = 0
    channel_layers.backends.clear()
    try:
        yield
    finally:
        SyncToAsync.single_thread_executor.submit(lambda: None).result(timeout=30)
        channel_layers.backends.clear()
        conf["CONN_MAX_AGE"] = previous


class WebsocketCommunicator(ApplicationCommunicator):
    """channels.testing's communicator, inlined: importing channels.testing needs daphne."""

    def __init__(self, application: Any, path: str) -> None:
        self.scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": [],
            "subprotocols": [],
        }
        super().__init__(application, self.scope)

    async def connect(self, timeout: float = 10) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            # A server answers a refused handshake with websocket.disconnect, which ends the
            # consumer; without it the consumer would wait on the channel layer until the
            # event loop is torn down (seen hanging that teardown once on the Redis layer).
            await self.send_input({"type": "websocket.disconnect", "code": response.get("code")})
            await self.wait(timeout)
            return False, response.get("code", 1000)
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_to(json.dumps(data))

    async def receive_json_from(self, timeout: float = 10) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 10) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


async def connect(user: Any, meeting_id: int) -> tuple[WebsocketCommunicator, bool, Any]:
    comm = WebsocketCommunicator(APP, f"/ws/groups/rooms/{meeting_id}/")
    comm.scope["user"] = user
    ok, code = await comm.connect(timeout=10)
    return comm, ok, code


async def until(comm: WebsocketCommunicator, kind: str, timeout: float = 10) -> dict[str, Any]:
    """Read frames until one of ``kind`` arrives (others, like presence, are skipped)."""
    for _ in range(50):
        frame = await comm.receive_json_from(timeout=timeout)
        if frame.get("type") == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


async def message(comm: WebsocketCommunicator, message_id: int) -> dict[str, Any]:
    """Read until the ``message`` frame about ``message_id``; return its message."""
    for _ in range(50):
        frame = await until(comm, "message")
        if frame["message"]["id"] == message_id:
            return dict(frame["message"])
    raise AssertionError(f"no message {message_id}")


async def frames_until_pong(comm: WebsocketCommunicator, timeout: float = 10) -> list[Any]:
    """Ping, then read every frame up to the pong: what the connection was sent meanwhile.

    (Waiting for a frame that never comes would time out and cancel the application.)
    """
    await comm.send_json_to({"type": "ping"})
    frames = [await comm.receive_json_from(timeout=timeout)]
    while frames[-1]["type"] != "pong":
        frames.append(await comm.receive_json_from(timeout=timeout))
    return frames


async def joined(user: Any, meeting_id: int, last_seen: int | None = None) -> Any:
    comm, ok, _code = await connect(user, meeting_id)
    assert ok
    await comm.send_json_to({"type": "hello", "last_seen_id": last_seen})
    state = await until(comm, "state")
    return comm, state


async def closed_with(comm: WebsocketCommunicator) -> int:
    """The close code, once the connection has ended as behind a server.

    A server answers the application's close with ``websocket.disconnect`` and the application
    then finishes; waiting for that keeps its last queries inside the test, not racing the
    database flush after it (seen once as a deadlock on PostgreSQL).
    """
    for _ in range(50):
        out = await comm.receive_output(timeout=10)
        if out["type"] == "websocket.close":
            code = int(out.get("code", 1000))
            await comm.disconnect(code)
            return code
    raise AssertionError("not closed")
