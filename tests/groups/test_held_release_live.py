"""A held room message a moderator releases reaches members connected to the room, live.

Over the real consumer (in-memory channel layer): the moderator resolves the alert from a web
request, not from the room, and the release is fanned out after that commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.routing import URLRouter

from peerhaven.accounts.models import User
from peerhaven.groups.models import Meeting, Membership, SupportGroup
from peerhaven.routing import websocket_urlpatterns
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertOutcome, RiskAlert

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

APP = URLRouter(websocket_urlpatterns)
HELD = "I am going to overdose on my pills tonight"


@pytest.fixture(autouse=True)
def _fresh_connections_and_layers() -> Any:
    # As in test_consumers: worker-thread connections must not outlive the test, and a channel
    # layer belongs to one event loop.
    from channels.layers import channel_layers
    from django.db import connections

    conf = connections.settings["default"]
    previous = conf.get("CONN_MAX_AGE", 0)
    conf["CONN_MAX_AGE"] = 0
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    conf["CONN_MAX_AGE"] = previous


class Socket(ApplicationCommunicator):  # type: ignore[misc]
    """A minimal WebSocket client (channels.testing needs daphne)."""

    def __init__(self, user: Any, meeting_id: int) -> None:
        scope = {
            "type": "websocket",
            "path": f"/ws/groups/rooms/{meeting_id}/",
            "query_string": b"",
            "headers": [],
            "subprotocols": [],
            "user": user,
        }
        super().__init__(APP, scope)

    async def send_json(self, data: Any) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def frame(self, timeout: float = 10) -> dict[str, Any]:
        out = await self.receive_output(timeout)
        assert out["type"] == "websocket.send", out
        return dict(json.loads(out["text"]))

    async def until(self, kind: str) -> dict[str, Any]:
        for _ in range(50):
            frame = await self.frame()
            if frame.get("type") == kind:
                return frame
        raise AssertionError(f"no {kind} frame")

    async def message(self, message_id: int) -> dict[str, Any]:
        """Read until the ``message`` frame about ``message_id`` (others are skipped)."""
        for _ in range(50):
            frame = await self.until("message")
            if frame["message"]["id"] == message_id:
                return dict(frame["message"])
        raise AssertionError(f"no message {message_id}")

    async def frames_until_pong(self) -> list[dict[str, Any]]:
        await self.send_json({"type": "ping"})
        frames = [await self.frame()]
        while frames[-1]["type"] != "pong":
            frames.append(await self.frame())
        return frames

    async def close(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(10)


async def joined(user: Any, meeting_id: int, last_seen_id: int | None = None) -> Any:
    sock = Socket(user, meeting_id)
    await sock.send_input({"type": "websocket.connect"})
    assert (await sock.receive_output(10))["type"] == "websocket.accept"
    await sock.send_json({"type": "hello", "last_seen_id": last_seen_id})
    return sock, await sock.until("state")


def _release(alert_kind: str, object_id: int, moderator: User) -> None:
    alert = RiskAlert.objects.get(kind=alert_kind, object_id=str(object_id))
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert, moderator=moderator, outcome=AlertOutcome.NO_RISK, release_held=True
    )


async def test_a_connected_member_receives_the_message_when_a_moderator_releases_it(
    meeting: Meeting,
    member: User,
    facilitator: User,
    moderator: User,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
    group: SupportGroup,
) -> None:
    other = await database_sync_to_async(make_user)()
    await database_sync_to_async(add_member)(group, other)
    fac, _ = await joined(facilitator, meeting.pk)
    oth, _ = await joined(other, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json({"type": "message", "body": HELD})
    ack = await mem.until("ack")
    assert ack["held"] is True
    assert all(f.get("message", {}).get("id") != ack["id"] for f in await oth.frames_until_pong())
    await oth.send_json({"type": "message", "body": "Thinking of you"})
    later = (await oth.until("ack"))["id"]

    await database_sync_to_async(_release)("groups.room", ack["id"], moderator)

    released = await oth.message(ack["id"])
    assert (released["held"], released["body"]) == (False, HELD)
    # The author and the facilitator, who had it as held, hear that it is released.
    for sock in (mem, fac):
        assert (await sock.message(ack["id"]))["held"] is True  # as it was posted
        assert (await sock.message(ack["id"]))["held"] is False
    # A member who resumes after a later message still gets it.
    again, state = await joined(other, meeting.pk, last_seen_id=later)
    assert ack["id"] in [m["id"] for m in state["messages"]]
    for sock in (fac, oth, mem, again):
        await sock.close()
