"""The live moderation queue over WebSockets."""

from __future__ import annotations

import sys
import types
from collections.abc import AsyncIterator
from typing import Any

import pytest

try:
    import daphne.testing  # noqa: F401
except ImportError:
    # channels.testing's __init__ imports its live-server test case, which needs daphne (not a
    # dependency here); the WebsocketCommunicator itself does not. Stand in for the import only.
    _stub = types.ModuleType("daphne.testing")
    _stub.DaphneProcess = object  # type: ignore[attr-defined]
    sys.modules.setdefault("daphne", types.ModuleType("daphne"))
    sys.modules["daphne.testing"] = _stub
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connections

from peerhaven.accounts.models import Role, User
from peerhaven.routing import websocket_urlpatterns
from peerhaven.safety import services
from peerhaven.safety.gate import screen_user_text

PATH = "/ws/moderation/queue/"


@pytest_asyncio.fixture(autouse=True)
async def _close_worker_connections() -> AsyncIterator[None]:
    # The consumer's database work runs in a worker thread whose connection would outlive the
    # test (CONN_MAX_AGE on PostgreSQL) and block dropping the test database.
    yield
    await database_sync_to_async(connections.close_all)()


pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(user: Any) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), PATH)
    communicator.scope["user"] = user
    connected, _code = await communicator.connect()
    return communicator, connected


def _raise_imminent(author: User) -> int:
    outcome = screen_user_text(text="I am going to overdose on my pills tonight", kind="x")
    alert = services.raise_alert(
        author=author, source="screening", kind="forums.post", obj=None, url="",
        level=outcome.level, evidence=outcome.evidence, held=outcome.hold,
    )  # fmt: skip
    from peerhaven.safety import live

    live.broadcast(live.alert_event(alert, "created"))
    return alert.pk


async def test_a_moderator_on_the_live_queue_receives_new_alerts(
    moderator: User, member: User
) -> None:
    communicator, connected = await _connect(moderator)
    assert connected
    alert_id = await sync_to_async(_raise_imminent)(member)
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "created"
    assert message["alert"]["id"] == alert_id and message["alert"]["level"] == "imminent"
    # Ids and levels only: never the member's words.
    assert "overdose" not in str(message)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()


async def test_outsiders_and_anonymous_visitors_are_refused(outsider: User) -> None:
    for user in (outsider, AnonymousUser()):
        communicator, connected = await _connect(user)
        assert not connected
        await communicator.disconnect()


async def test_a_moderator_without_two_factor_is_refused(make_user: Any) -> None:
    person = await sync_to_async(make_user)(roles=(Role.MODERATOR,), two_factor=False)
    communicator, connected = await _connect(person)
    assert not connected
    await communicator.disconnect()
