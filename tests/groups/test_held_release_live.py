"""A held room message a moderator releases reaches members connected to the room, live.

Over the real consumer (in-memory channel layer): the moderator resolves the alert from a web
request, not from the room, and the release is fanned out after that commit.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from channels.db import database_sync_to_async
from room_sockets import frames_until_pong, joined, message, until

from peerhaven.accounts.models import User
from peerhaven.groups.models import Meeting, Membership, SupportGroup
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertOutcome, RiskAlert

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("fresh_connections_and_layers"),
]

HELD = "I am going to overdose on my pills tonight"


def _release(alert_kind: str, object_id: int, moderator: User) -> None:
    alert = RiskAlert.objects.get(kind=alert_kind, object_id=str(object_id))
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert,
        moderator=moderator,
        outcome=AlertOutcome.NO_RISK,
        note="Read it: about a film.",
        release_held=True,
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
    await mem.send_json_to({"type": "message", "body": HELD})
    ack = await until(mem, "ack")
    assert ack["held"] is True
    assert all(f.get("message", {}).get("id") != ack["id"] for f in await frames_until_pong(oth))
    await oth.send_json_to({"type": "message", "body": "Thinking of you"})
    later = (await until(oth, "ack"))["id"]

    await database_sync_to_async(_release)("groups.room", ack["id"], moderator)

    released = await message(oth, ack["id"])
    assert (released["held"], released["body"]) == (False, HELD)
    # The author, who had it as held, hears that it is released.
    assert (await message(mem, ack["id"]))["held"] is True  # as it was posted
    assert (await message(mem, ack["id"]))["held"] is False
    # The facilitator was only told it was held; the release is the first they read of it.
    first = await message(fac, ack["id"])
    assert (first["held"], first["body"]) == (False, HELD)
    # A member who resumes after a later message still gets it.
    again, state = await joined(other, meeting.pk, last_seen=later)
    assert ack["id"] in [m["id"] for m in state["messages"]]
    for sock in (fac, oth, mem, again):
        await sock.disconnect()
