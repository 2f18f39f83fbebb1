"""A held room message is released (or kept held) by the moderator's decision on its alert.

A message describing a method is held: its author sees it, nobody else in the room does (the
facilitators only hear that it was held). The moderator reads it on the alert (they are not in the room) and resolves the alert: a
release shows it to everyone, in the room and in the resume backlog; no release keeps it held.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import live, services
from peerhaven.groups.models import Meeting, RoomMessage
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertOutcome, RiskAlert

pytestmark = pytest.mark.django_db

HELD = "I am going to overdose on my pills tonight"

Published = list[dict[str, Any]]


def _alert_on(msg: RoomMessage) -> RiskAlert:
    return RiskAlert.objects.get(kind=services.ROOM_KIND, object_id=str(msg.pk))


def _resolve(msg: RoomMessage, moderator: User, *, release: bool) -> None:
    alert = _alert_on(msg)
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert, moderator=moderator, outcome=AlertOutcome.REACHED_OUT, release_held=release
    )


def _ids(meeting: Meeting, user: User, last_seen_id: int | None = None) -> list[int]:
    state = services.room_state(meeting_id=meeting.pk, user=user, last_seen_id=last_seen_id)
    return [m["id"] for m in state["messages"]]


def _messages(published: Published) -> list[dict[str, Any]]:
    return [e for e in published if e["event"]["type"] == "message"]


def test_a_released_message_reaches_the_whole_room_and_every_backlog(
    meeting: Meeting,
    member: User,
    other: User,
    moderator: User,
    run: Callable[..., tuple[Any, Published]],
) -> None:
    msg, _sent = run(services.post_room_message, meeting_id=meeting.pk, author=member, body=HELD)
    assert msg.held
    assert msg.pk not in _ids(meeting, other)
    later, _sent = run(
        services.post_room_message, meeting_id=meeting.pk, author=other, body="I hear you"
    )

    _result, published = run(_resolve, msg=msg, moderator=moderator, release=True)

    msg.refresh_from_db()
    assert not msg.held and msg.released_at is not None
    [envelope] = _messages(published)
    assert envelope["audience"] == live.ALL  # not only the author
    assert envelope["event"]["message"]["id"] == msg.pk
    assert envelope["event"]["message"]["held"] is False
    assert envelope["event"]["message"]["body"] == HELD
    # Joining now, or resuming after a later message, the other member gets it.
    assert msg.pk in _ids(meeting, other)
    assert msg.pk in _ids(meeting, other, last_seen_id=later.pk)


def test_a_message_the_moderator_does_not_release_stays_held(
    meeting: Meeting,
    member: User,
    other: User,
    facilitator: User,
    moderator: User,
    run: Callable[..., tuple[Any, Published]],
) -> None:
    msg, _sent = run(services.post_room_message, meeting_id=meeting.pk, author=member, body=HELD)

    _result, published = run(_resolve, msg=msg, moderator=moderator, release=False)

    msg.refresh_from_db()
    assert msg.held and msg.released_at is None
    assert _messages(published) == []
    assert msg.pk not in _ids(meeting, other)
    assert msg.pk not in _ids(meeting, other, last_seen_id=msg.pk - 1)
    # Kept, not dropped: its author still sees it as held; the facilitators do not read it.
    assert msg.pk in _ids(meeting, member)
    assert msg.pk not in _ids(meeting, facilitator)


def test_a_held_welcome_is_released_the_same_way(
    meeting: Meeting,
    facilitator: User,
    other: User,
    moderator: User,
    run: Callable[..., tuple[Any, Published]],
) -> None:
    msg, _sent = run(services.post_welcome, meeting_id=meeting.pk, actor=facilitator, text=HELD)
    assert msg.held and msg.pk not in _ids(meeting, other)
    _result, published = run(_resolve, msg=msg, moderator=moderator, release=True)
    assert [e["event"]["message"]["id"] for e in _messages(published)] == [msg.pk]
    assert msg.pk in _ids(meeting, other)


def test_releasing_twice_announces_the_message_once(
    meeting: Meeting, member: User, run: Callable[..., tuple[Any, Published]]
) -> None:
    msg, _sent = run(services.post_room_message, meeting_id=meeting.pk, author=member, body=HELD)
    _r, first = run(services.release_held_room_message, object_id=str(msg.pk), publish=True)
    _r, second = run(services.release_held_room_message, object_id=str(msg.pk), publish=True)
    assert len(_messages(first)) == 1
    assert _messages(second) == []


def test_the_moderator_reads_the_held_message_on_the_alert(
    client: Client, meeting: Meeting, member: User, moderator: User
) -> None:
    msg = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    alert = _alert_on(msg)
    assert alert.held and alert.held_text == HELD
    login(client, moderator)
    # The room itself is not the moderator's to open.
    assert client.get(reverse("groups:room", args=[meeting.pk])).status_code == 404
    page = client.get(reverse("moderation:alert", args=[alert.pk])).content.decode()
    assert HELD in page


def test_an_ordinary_message_leaves_no_copy_on_any_alert(meeting: Meeting, member: User) -> None:
    services.post_room_message(meeting_id=meeting.pk, author=member, body="I wish I was dead")
    alert = RiskAlert.objects.get(kind=services.ROOM_KIND)
    assert not alert.held and alert.held_text == ""
