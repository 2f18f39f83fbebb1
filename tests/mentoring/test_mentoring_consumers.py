"""Live 1:1 messages over WebSockets: both people receive them; nobody else can listen."""

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

from peerhaven.accounts.models import User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import Mentorship
from peerhaven.routing import websocket_urlpatterns


@pytest_asyncio.fixture(autouse=True)
async def _close_worker_connections() -> AsyncIterator[None]:
    yield
    await database_sync_to_async(connections.close_all)()


pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(user: Any, mentorship_id: int) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/mentoring/{mentorship_id}/"
    )
    communicator.scope["user"] = user
    connected, _code = await communicator.connect()
    return communicator, connected


def _start(mentee: User, mentor: User) -> Mentorship:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    return services.accept_request(req=req, mentor=mentor)


async def test_both_people_receive_a_message_as_it_is_sent(mentee: User, mentor: User) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor, ok1 = await _connect(mentor, m.pk)
    to_mentee, ok2 = await _connect(mentee, m.pk)
    assert ok1 and ok2
    await sync_to_async(services.send_message)(mentorship=m, sender=mentee, body="Hello, live")
    received = await to_mentor.receive_json_from(timeout=5)
    assert received["type"] == "message"
    assert received["message"]["body"] == "Hello, live" and not received["message"]["mine"]
    echoed = await to_mentee.receive_json_from(timeout=5)
    assert echoed["message"]["mine"]
    await to_mentor.send_json_to({"type": "ping"})
    assert await to_mentor.receive_json_from(timeout=5) == {"type": "pong"}
    await to_mentor.disconnect()
    await to_mentee.disconnect()


async def test_a_held_message_reaches_only_its_sender(mentee: User, mentor: User) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor, _ok = await _connect(mentor, m.pk)
    to_mentee, _ok = await _connect(mentee, m.pk)
    held = await sync_to_async(services.send_message)(
        mentorship=m, sender=mentee, body="I am going to overdose on my pills tonight"
    )
    assert held.held
    assert (await to_mentee.receive_json_from(timeout=5))["message"]["held"]
    assert await to_mentor.receive_nothing(timeout=0.5)
    await to_mentor.disconnect()
    await to_mentee.disconnect()


async def test_outsiders_and_anonymous_visitors_cannot_listen(
    mentee: User, mentor: User, outsider: User
) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    for user in (outsider, AnonymousUser()):
        communicator, connected = await _connect(user, m.pk)
        assert not connected
        await communicator.disconnect()


# --- Re-checking an open socket -------------------------------------------------------------


@pytest.fixture
def recheck_every_time(settings: Any) -> None:
    settings.SAFETY_SOCKET_RECHECK_SECONDS = 0


async def _closed_with(communicator: WebsocketCommunicator, code: str) -> dict[str, Any]:
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "closed" and frame["code"] == code, frame
    closing = await communicator.receive_output(timeout=5)
    assert closing["type"] == "websocket.close"
    return {"frame": frame, "close_code": closing.get("code")}


def _end(m: Mentorship, actor: User) -> None:
    services.end_mentorship(mentorship=m, actor=actor, helpfulness=4, reason="goals_met")


async def test_an_ended_mentorship_closes_the_socket_before_the_next_delivery(
    mentee: User, mentor: User, recheck_every_time: None
) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor, connected = await _connect(mentor, m.pk)
    assert connected
    await sync_to_async(services.send_message)(mentorship=m, sender=mentee, body="Before")
    assert (await to_mentor.receive_json_from(timeout=5))["message"]["body"] == "Before"
    await sync_to_async(_end)(m, mentee)
    await to_mentor.send_json_to({"type": "ping"})
    closed = await _closed_with(to_mentor, "ended")
    assert closed["close_code"] == 4410
    await to_mentor.disconnect()


async def test_a_socket_to_an_ended_mentorship_is_told_why_and_closed(
    mentee: User, mentor: User
) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    await sync_to_async(_end)(m, mentor)
    communicator, connected = await _connect(mentee, m.pk)
    assert connected  # accepted only to say why
    closed = await _closed_with(communicator, "ended")
    assert closed["close_code"] == 4410
    await communicator.disconnect()


async def test_a_ban_closes_the_socket_with_its_reason_instead_of_delivering(
    mentee: User, mentor: User, moderator: User, recheck_every_time: None
) -> None:
    from peerhaven.safety import services as safety

    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor, connected = await _connect(mentor, m.pk)
    assert connected
    await sync_to_async(safety.take_action)(
        member=mentor, moderator=moderator, kind="ban", reason="Asked a mentee for money", hours=2
    )
    await sync_to_async(services.send_message)(mentorship=m, sender=mentee, body="Are you there?")
    closed = await _closed_with(to_mentor, "banned")
    assert "Asked a mentee for money" in closed["frame"]["message"]
    assert "Are you there?" not in str(closed["frame"])
    await to_mentor.disconnect()


async def test_a_deactivated_account_is_closed_out(
    mentee: User, mentor: User, recheck_every_time: None
) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    to_mentee, connected = await _connect(mentee, m.pk)
    assert connected
    await sync_to_async(User.objects.filter(pk=mentee.pk).update)(is_active=False)
    await to_mentee.send_json_to({"type": "ping"})
    await _closed_with(to_mentee, "signed_out")
    await to_mentee.disconnect()


async def test_a_mute_does_not_close_the_socket(
    mentee: User, mentor: User, moderator: User, recheck_every_time: None
) -> None:
    from peerhaven.safety import services as safety

    m = await sync_to_async(_start)(mentee, mentor)
    to_mentee, connected = await _connect(mentee, m.pk)
    assert connected
    await sync_to_async(safety.take_action)(
        member=mentee, moderator=moderator, kind="mute", reason="Heated thread", hours=2
    )
    await sync_to_async(services.send_message)(mentorship=m, sender=mentee, body="Still talking")
    received = await to_mentee.receive_json_from(timeout=5)
    assert received["type"] == "message" and received["message"]["body"] == "Still talking"
    await to_mentee.disconnect()


async def test_a_member_who_has_not_accepted_new_guidelines_is_told_and_closed(
    mentee: User, mentor: User
) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    await sync_to_async(User.objects.filter(pk=mentee.pk).update)(
        guidelines_version="an-older-version"
    )
    mentee.guidelines_version = "an-older-version"
    communicator, connected = await _connect(mentee, m.pk)
    assert connected  # accepted only to say why
    closed = await _closed_with(communicator, "onboarding_required")
    assert closed["close_code"] == 4403
    await communicator.disconnect()
