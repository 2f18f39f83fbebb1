"""Two server processes share a room through the Redis channel layer.

Runs only with REDIS_URL set and on PostgreSQL (the server processes need a database they can
reach: the test database pytest-django created). CI sets both on its PostgreSQL run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups.models import Meeting, RoomMessage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (Redis layer)"),
]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start_servers(count: int, extra_env: dict[str, str] | None = None) -> Iterator[list[int]]:
    """Start ``count`` uvicorn processes against the test database and Redis; yield ports."""
    prefix = f"phtest{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerhaven.settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "CHANNEL_PREFIX": prefix,
        # Rate-limit windows (and cache entries) of this run only.
        "CACHE_KEY_PREFIX": prefix,
        "PYTHONPATH": str(ROOT / "src"),
        **(extra_env or {}),
    }
    env.pop("PEERHAVEN_TESTING", None)
    procs, ports = [], []
    for _ in range(count):
        port = _free_port()
        ports.append(port)
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "peerhaven.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
        )
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("server did not start") from None
                    time.sleep(0.2)
        yield ports
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture
def servers() -> Iterator[list[int]]:
    if connection.vendor != "postgresql":
        pytest.skip("the server processes need a shared PostgreSQL database (set DATABASE_URL)")
    yield from start_servers(2)


@pytest.fixture
def limited_servers() -> Iterator[list[int]]:
    """Two processes with a small room flood limit: 5 frames per person in 10 s."""
    if connection.vendor != "postgresql":
        pytest.skip("the server processes need a shared PostgreSQL database (set DATABASE_URL)")
    yield from start_servers(2, {"GROUPS_ROOM_RATE_COUNT": "5", "GROUPS_ROOM_RATE_WINDOW": "10"})


def session_cookie(user: User) -> str:
    client = login(Client(), user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def _recv_until(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if frame.get("type") == kind:
            return frame


@pytest.mark.django_db(transaction=True)
def test_member_on_one_process_sees_a_message_sent_through_the_other(
    servers: list[int],
    meeting: Meeting,
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
) -> None:
    import websockets

    first, second = servers
    cookies = {member.pk: session_cookie(member), facilitator.pk: session_cookie(facilitator)}
    path = f"/ws/groups/rooms/{meeting.pk}/"

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with (
            websockets.connect(
                f"ws://127.0.0.1:{first}{path}",
                additional_headers={"Cookie": cookies[member.pk]},
                origin=f"http://127.0.0.1:{first}",  # type: ignore[arg-type]
                proxy=None,
            ) as a,
            websockets.connect(
                f"ws://127.0.0.1:{second}{path}",
                additional_headers={"Cookie": cookies[facilitator.pk]},
                origin=f"http://127.0.0.1:{second}",  # type: ignore[arg-type]
                proxy=None,
            ) as b,
        ):
            await a.send(json.dumps({"type": "hello"}))
            await _recv_until(a, "state")
            await b.send(json.dumps({"type": "hello"}))
            await _recv_until(b, "state")
            await b.send(json.dumps({"type": "message", "body": "Across processes"}))
            ack = await _recv_until(b, "ack")
            got = await _recv_until(a, "message")
            return ack, got

    ack, got = asyncio.run(scenario())
    assert got["message"]["body"] == "Across processes"
    assert got["message"]["id"] == ack["id"]
    assert RoomMessage.objects.filter(pk=ack["id"], meeting=meeting).exists()


@pytest.mark.django_db(transaction=True)
def test_an_idle_member_stays_connected_on_the_redis_layer(
    servers: list[int], meeting: Meeting, member: User
) -> None:
    import websockets

    port = servers[0]
    cookie = session_cookie(member)

    async def scenario() -> dict[str, Any]:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/groups/rooms/{meeting.pk}/",
            additional_headers={"Cookie": cookie},
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            proxy=None,
        ) as ws:
            await ws.send(json.dumps({"type": "hello"}))
            await _recv_until(ws, "state")
            await asyncio.sleep(20)  # quiet: several BZPOPMIN rounds
            await ws.send(json.dumps({"type": "ping"}))
            return await _recv_until(ws, "pong")

    assert asyncio.run(scenario())["type"] == "pong"


@pytest.mark.django_db(transaction=True)
def test_one_persons_connections_to_two_processes_share_one_flood_limit(
    limited_servers: list[int], meeting: Meeting, member: User, facilitator: User
) -> None:
    import websockets

    first, second = limited_servers
    cookies = {member.pk: session_cookie(member), facilitator.pk: session_cookie(facilitator)}
    path = f"/ws/groups/rooms/{meeting.pk}/"

    def open_ws(port: int, user: User) -> Any:
        return websockets.connect(
            f"ws://127.0.0.1:{port}{path}",
            additional_headers={"Cookie": cookies[user.pk]},
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            proxy=None,
        )

    async def scenario() -> tuple[dict[str, Any], int | None, dict[str, Any]]:
        async with (
            open_ws(first, member) as a,
            open_ws(second, member) as b,
            open_ws(second, facilitator) as f,
        ):
            for ws in (a, b, f):
                await ws.send(json.dumps({"type": "hello"}))
                await _recv_until(ws, "state")
            # The member has sent 2 frames; 3 more (split over both processes) reach the limit.
            for ws in (a, b, a):
                await ws.send(json.dumps({"type": "ping"}))
                await _recv_until(ws, "pong")
            await b.send(json.dumps({"type": "ping"}))  # the 6th: each process saw only 3
            error = await _recv_until(b, "error")
            with contextlib.suppress(websockets.ConnectionClosed):
                while True:
                    await asyncio.wait_for(b.recv(), timeout=10)
            # The facilitator, on the same process, is not affected.
            await f.send(json.dumps({"type": "message", "body": "Let's take a breath."}))
            ack = await _recv_until(f, "ack")
            return error, b.close_code, ack

    error, code, ack = asyncio.run(scenario())
    assert error["code"] == "rate_limited"
    assert code == 4429
    assert RoomMessage.objects.filter(pk=ack["id"], author=facilitator).exists()
