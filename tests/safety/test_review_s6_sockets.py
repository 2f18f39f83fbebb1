"""Review session 6: the live queue refuses a banned moderator at the handshake."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.db import connections
from room_sockets import WebsocketCommunicator

from peerhaven.accounts.models import User
from peerhaven.routing import websocket_urlpatterns
from peerhaven.safety import services

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest_asyncio.fixture(autouse=True)
async def _close_worker_connections() -> AsyncIterator[None]:
    yield
    await database_sync_to_async(connections.close_all)()


async def test_a_banned_moderator_cannot_open_the_live_queue(
    moderator: User, second_moderator: User
) -> None:
    await sync_to_async(services.take_action)(
        member=moderator, moderator=second_moderator, kind="ban", reason="Misused the queue"
    )
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/moderation/queue/")
    communicator.scope["user"] = moderator
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4403
    await communicator.disconnect()
