"""Held room text over the real consumer: its author reads it, facilitators only hear it was held.

In-memory channel layer, real RoomConsumer: what each connection is actually sent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.layers import get_channel_layer
from room_sockets import WebsocketCommunicator, frames_until_pong, joined, message, until

from peerhaven.accounts.models import User
from peerhaven.groups import live
from peerhaven.groups.models import (
    Meeting,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("fresh_connections_and_layers"),
]

HELD = "I am going to overdose on my pills tonight"


async def _frames_through(comm: WebsocketCommunicator, kind: str) -> list[dict[str, Any]]:
    """Every frame up to the first of ``kind``, then every frame up to a pong."""
    frames = [await comm.receive_json_from()]
    while frames[-1]["type"] != kind:
        frames.append(await comm.receive_json_from())
    return frames + await frames_until_pong(comm)


async def test_facilitators_hear_a_message_was_held_and_only_its_author_reads_it(
    meeting: Meeting, member: User, other: User, facilitator: User, co_facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    co, _ = await joined(co_facilitator, meeting.pk)
    oth, _ = await joined(other, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json_to({"type": "message", "body": HELD})
    ack = await until(mem, "ack")
    assert ack["held"] is True
    mine = await message(mem, ack["id"])
    assert (mine["held"], mine["body"]) == (True, HELD)

    for sock in (fac, co):
        frames = await _frames_through(sock, "risk_alert")
        alert = next(f for f in frames if f["type"] == "risk_alert")
        assert (alert["message_id"], alert["held"]) == (ack["id"], True)
        assert member.display_name in alert["notice"]
        assert HELD not in json.dumps(frames)
    frames = await frames_until_pong(oth)
    assert HELD not in json.dumps(frames)
    assert "risk_alert" not in {f["type"] for f in frames}

    # Reconnecting, a facilitator gets the alert again, still without the text.
    again, state = await joined(facilitator, meeting.pk)
    assert [a["message_id"] for a in state["alerts"]] == [ack["id"]]
    assert HELD not in json.dumps(state)
    for sock in (fac, co, oth, mem, again):
        await sock.disconnect()


async def test_a_held_welcome_reaches_no_other_facilitator(
    meeting: Meeting, member: User, facilitator: User, co_facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    co, _ = await joined(co_facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await fac.send_json_to({"type": "welcome", "body": HELD})
    frames = await _frames_through(co, "risk_alert")
    assert (
        facilitator.display_name in next(f for f in frames if f["type"] == "risk_alert")["notice"]
    )
    assert HELD not in json.dumps(frames)
    assert HELD not in json.dumps(await frames_until_pong(mem))
    own = await until(fac, "message")
    assert (own["message"]["kind"], own["message"]["held"], own["message"]["body"]) == (
        "welcome",
        True,
        HELD,
    )
    for sock in (fac, co, mem):
        await sock.disconnect()


async def test_an_event_for_an_audience_the_room_does_not_know_reaches_nobody_else(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    """The consumer fails closed: only ``ALL`` and the facilitators' audience widen delivery."""
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    layer = get_channel_layer()
    assert layer is not None
    for audience in ("someone-new", live.AUTHOR):
        event = {"type": "message", "message": {"id": 0, "body": f"for {audience}"}}
        await layer.group_send(
            live.room_group(meeting.pk), live.envelope(event, audience=audience, also_user=None)
        )
    for sock in (fac, mem):
        assert "message" not in {f["type"] for f in await frames_until_pong(sock)}
    event = {"type": "message", "message": {"id": 0, "body": "for the author"}}
    await layer.group_send(
        live.room_group(meeting.pk), live.envelope(event, audience=live.AUTHOR, also_user=member.pk)
    )
    assert (await until(mem, "message"))["message"]["body"] == "for the author"
    assert "message" not in {f["type"] for f in await frames_until_pong(fac)}
    for sock in (fac, mem):
        await sock.disconnect()
