"""Held room text is for its author and the moderators only (DESIGN, imminent risk).

A chat message or welcome describing a method is held: its text goes to its author's connections
and into their backlog, nowhere else in the room. The facilitators are told that a message from
that person was held (a ``risk_alert`` with a notice, live and in the reconnect state), never
what it says, so they can support the person; the moderators read it on the alert. A welcome is
screened and published exactly as a chat message is. Once released, everyone reads it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from peerhaven.accounts.models import User
from peerhaven.groups import live, services
from peerhaven.groups.models import (
    Meeting,
    RoomMessage,
)
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db

HELD = "I am going to overdose on my pills tonight"
IDEATION = "I keep thinking about killing myself."

Published = list[dict[str, Any]]


def _of(published: Published, kind: str) -> Published:
    return [e for e in published if e["event"]["type"] == kind]


def _reaches(envelope: dict[str, Any], user: User, *, facilitator: bool) -> bool:
    """Whether the room consumer would send this envelope to ``user``'s connection."""
    return live.reaches(envelope, user_id=user.pk, is_facilitator=facilitator)


def _state(meeting: Meeting, user: User, last_seen_id: int | None = None) -> dict[str, Any]:
    return services.room_state(meeting_id=meeting.pk, user=user, last_seen_id=last_seen_id)


def _ids(meeting: Meeting, user: User, last_seen_id: int | None = None) -> list[int]:
    return [m["id"] for m in _state(meeting, user, last_seen_id)["messages"]]


# --- Live: who is sent what ------------------------------------------------------------------


def test_a_held_message_is_published_to_its_author_only(
    meeting: Meeting,
    member: User,
    other: User,
    facilitator: User,
    run: Callable[..., tuple[Any, Published]],
) -> None:
    msg, published = run(
        services.post_room_message, meeting_id=meeting.pk, author=member, body=HELD
    )
    assert msg.held
    [sent] = _of(published, "message")
    assert (sent["audience"], sent["also_user"]) == (live.AUTHOR, member.pk)
    assert sent["event"]["message"]["body"] == HELD
    assert _reaches(sent, member, facilitator=False)
    assert not _reaches(sent, facilitator, facilitator=True)
    assert not _reaches(sent, other, facilitator=False)
    # Nothing else published carries the text.
    assert all(HELD not in json.dumps(e) for e in published if e is not sent)


def test_the_facilitators_are_told_a_message_was_held_without_its_text(
    meeting: Meeting, member: User, run: Callable[..., tuple[Any, Published]]
) -> None:
    msg, published = run(
        services.post_room_message, meeting_id=meeting.pk, author=member, body=HELD
    )
    [alert] = _of(published, "risk_alert")
    assert alert["audience"] == live.FACILITATORS and alert["also_user"] is None
    event = alert["event"]
    assert event["message_id"] == msg.pk and event["held"] is True
    assert event["author"] == {"id": member.pk, "name": member.display_name}
    assert member.display_name in event["notice"]
    assert "held for review by the safety team" in event["notice"]
    assert HELD not in json.dumps(event)


def test_a_held_welcome_is_published_as_a_held_message_is(
    meeting: Meeting,
    facilitator: User,
    co_facilitator: User,
    run: Callable[..., tuple[Any, Published]],
) -> None:
    msg, published = run(services.post_welcome, meeting_id=meeting.pk, actor=facilitator, text=HELD)
    assert msg.held and msg.kind == "welcome"
    [sent] = _of(published, "message")
    assert (sent["audience"], sent["also_user"]) == (live.AUTHOR, facilitator.pk)
    assert not _reaches(sent, co_facilitator, facilitator=True)
    [alert] = _of(published, "risk_alert")
    assert alert["audience"] == live.FACILITATORS
    assert alert["event"]["message_id"] == msg.pk and alert["event"]["held"] is True
    assert facilitator.display_name in alert["event"]["notice"]
    assert HELD not in json.dumps(alert)
    # The co-facilitator is asked to check in with the writer; the writer is not asked to check
    # in with themselves, live or in the reconnect state.
    assert _reaches(alert, co_facilitator, facilitator=True)
    assert not _reaches(alert, facilitator, facilitator=True)
    assert _state(meeting, facilitator).get("alerts") == []
    assert [a["message_id"] for a in _state(meeting, co_facilitator)["alerts"]] == [msg.pk]


def test_a_welcome_at_ideation_alerts_the_facilitators_as_a_chat_message_does(
    meeting: Meeting, facilitator: User, member: User, run: Callable[..., tuple[Any, Published]]
) -> None:
    chat, from_chat = run(
        services.post_room_message, meeting_id=meeting.pk, author=member, body=IDEATION
    )
    welcome, from_welcome = run(
        services.post_welcome, meeting_id=meeting.pk, actor=facilitator, text=IDEATION
    )
    assert not chat.held and not welcome.held
    assert [(e["audience"], e["event"]["level"]) for e in _of(from_chat, "risk_alert")] == [
        (live.FACILITATORS, chat.risk_level)
    ]
    assert [(e["audience"], e["event"]["level"]) for e in _of(from_welcome, "risk_alert")] == [
        (live.FACILITATORS, welcome.risk_level)
    ]
    assert "notice" not in _of(from_welcome, "risk_alert")[0]["event"]  # not held
    [sent] = _of(from_welcome, "message")
    assert sent["audience"] == live.ALL


def test_an_ordinary_welcome_raises_no_alert(
    meeting: Meeting, facilitator: User, run: Callable[..., tuple[Any, Published]]
) -> None:
    _msg, published = run(
        services.post_welcome, meeting_id=meeting.pk, actor=facilitator, text="Welcome, all"
    )
    assert _of(published, "risk_alert") == []
    assert [e["audience"] for e in _of(published, "message")] == [live.ALL]


# --- Reconnecting: the backlog and the state -------------------------------------------------


def test_the_backlog_holds_a_held_message_for_its_author_only(
    meeting: Meeting,
    member: User,
    other: User,
    facilitator: User,
    co_facilitator: User,
) -> None:
    msg = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    assert msg.pk in _ids(meeting, member)
    for someone in (facilitator, co_facilitator, other):
        assert msg.pk not in _ids(meeting, someone)
        assert msg.pk not in _ids(meeting, someone, last_seen_id=msg.pk - 1)
        assert HELD not in json.dumps(_state(meeting, someone))


def test_a_facilitator_reconnecting_is_told_which_messages_are_held_without_their_text(
    meeting: Meeting, member: User, other: User, facilitator: User
) -> None:
    ordinary = services.post_room_message(meeting_id=meeting.pk, author=other, body="Hello")
    msg = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    state = _state(meeting, facilitator, last_seen_id=msg.pk)
    [alert] = state["alerts"]
    assert alert["type"] == "risk_alert"
    assert (alert["message_id"], alert["held"]) == (msg.pk, True)
    assert member.display_name in alert["notice"]
    assert ordinary.pk not in [a["message_id"] for a in state["alerts"]]
    # Members get no alerts, not even about their own message.
    assert "alerts" not in _state(meeting, member)
    assert "alerts" not in _state(meeting, other)


def test_after_release_everyone_reads_it_and_the_alert_is_gone(
    meeting: Meeting,
    member: User,
    other: User,
    facilitator: User,
    run: Callable[..., tuple[Any, Published]],
) -> None:
    msg = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    _r, published = run(services.release_held_room_message, object_id=str(msg.pk), publish=True)
    assert [e["audience"] for e in _of(published, "message")] == [live.ALL]
    for someone in (facilitator, other, member):
        assert msg.pk in _ids(meeting, someone, last_seen_id=msg.pk)
    assert _state(meeting, facilitator)["alerts"] == []


def test_a_message_kept_held_stays_out_of_the_facilitators_backlog(
    meeting: Meeting, member: User, facilitator: User, run: Callable[..., tuple[Any, Published]]
) -> None:
    msg = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    _r, published = run(services.release_held_room_message, object_id=str(msg.pk), publish=False)
    assert published == []
    assert msg.pk not in _ids(meeting, facilitator)
    assert [a["message_id"] for a in _state(meeting, facilitator)["alerts"]] == [msg.pk]


# --- Elsewhere -------------------------------------------------------------------------------


def test_held_text_is_in_its_authors_export_only(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    assert HELD in json.dumps(services.export_groups(member))
    assert HELD not in json.dumps(services.export_groups(facilitator))


def test_the_moderators_still_read_held_text_on_the_alert(meeting: Meeting, member: User) -> None:
    msg = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    alert = RiskAlert.objects.get(kind=services.ROOM_KIND, object_id=str(msg.pk))
    assert alert.held and alert.held_text == HELD
    assert RoomMessage.objects.get(pk=msg.pk).held
