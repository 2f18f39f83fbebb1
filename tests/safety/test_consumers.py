"""The live moderation queue over WebSockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from room_sockets import WebsocketCommunicator

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


# --- Re-checking an open socket -------------------------------------------------------------


@pytest.fixture
def recheck_every_time(settings: Any) -> None:
    settings.SAFETY_SOCKET_RECHECK_SECONDS = 0


async def _closed_with(communicator: WebsocketCommunicator, code: str) -> dict[str, Any]:
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "closed" and frame["code"] == code, frame
    assert frame["message"]
    closing = await communicator.receive_output(timeout=5)
    assert closing["type"] == "websocket.close"
    return {"frame": frame, "close_code": closing.get("code")}


async def test_a_revoked_moderator_role_closes_the_socket_on_the_next_frame(
    moderator: User, recheck_every_time: None
) -> None:
    from peerhaven.accounts.services import revoke_role

    communicator, connected = await _connect(moderator)
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await sync_to_async(revoke_role)(user=moderator, role=Role.MODERATOR, actor=None)
    await communicator.send_json_to({"type": "ping"})
    closed = await _closed_with(communicator, "forbidden")
    assert closed["close_code"] == 4403
    await communicator.disconnect()


async def test_a_lost_authenticator_stops_alerts_before_the_next_one_is_delivered(
    moderator: User, member: User, recheck_every_time: None
) -> None:
    from allauth.mfa.models import Authenticator

    communicator, connected = await _connect(moderator)
    assert connected
    await sync_to_async(Authenticator.objects.filter(user=moderator).delete)()
    alert_id = await sync_to_async(_raise_imminent)(member)
    closed = await _closed_with(communicator, "forbidden")
    assert str(alert_id) not in str(closed["frame"])  # the alert itself never went out
    assert closed["close_code"] == 4403
    # Further alerts do not reach the closed socket either.
    await sync_to_async(_raise_imminent)(member)
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_banned_moderator_is_closed_out_with_the_reason(
    moderator: User, second_moderator: User, recheck_every_time: None
) -> None:
    communicator, connected = await _connect(moderator)
    assert connected
    await sync_to_async(services.take_action)(
        member=moderator, moderator=second_moderator, kind="ban", reason="Misused the queue"
    )
    await communicator.send_json_to({"type": "ping"})
    closed = await _closed_with(communicator, "banned")
    assert "Misused the queue" in closed["frame"]["message"]
    await communicator.disconnect()


async def test_signing_out_closes_a_socket_opened_with_the_session(
    moderator: User, recheck_every_time: None
) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    def session_for(user: User) -> Any:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client, SessionStore(session_key=client.session.session_key)

    client, session = await sync_to_async(session_for)(moderator)
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), PATH)
    communicator.scope["user"] = moderator
    communicator.scope["session"] = session
    connected, _code = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await sync_to_async(client.logout)()
    await communicator.send_json_to({"type": "ping"})
    closed = await _closed_with(communicator, "signed_out")
    assert closed["close_code"] == 4401
    await communicator.disconnect()


async def test_rechecks_are_spaced_out_by_the_configured_interval(
    moderator: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerhaven.accounts.models import RoleAssignment
    from peerhaven.safety import sockets

    settings.SAFETY_SOCKET_RECHECK_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(sockets, "clock", lambda: clock[0])
    communicator, connected = await _connect(moderator)
    assert connected
    # Not through ``revoke_role``, whose standing event would re-check at once: only the
    # periodic re-check can notice this change.
    await sync_to_async(RoleAssignment.objects.filter(user=moderator, role=Role.MODERATOR).delete)()
    clock[0] += 29  # not due yet: no database work for this frame
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    clock[0] += 2  # 31 s since connecting: due
    await communicator.send_json_to({"type": "ping"})
    await _closed_with(communicator, "forbidden")
    await communicator.disconnect()
