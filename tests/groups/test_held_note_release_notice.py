"""A facilitator's held note to members, once a moderator releases it, reaches the members.

Moving or cancelling a meeting tells the members at once, without a note the screener held. When
the moderator releases the note, the members are told it (a notice naming the moved or cancelled
meeting) and the meeting's iCalendar SEQUENCE goes up, so calendar apps pick up the note too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import icalendar  # a test dependency in requirements.lock
import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import Role, User
from peerhaven.groups import services
from peerhaven.groups.models import Meeting
from peerhaven.notifications.models import Notification
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertOutcome, RiskAlert

pytestmark = pytest.mark.django_db

HELD = "I am going to overdose on my pills tonight"


def _resolve(meeting: Meeting, moderator: User, *, release: bool) -> None:
    alert = RiskAlert.objects.get(kind=services.MEETING_NOTE_KIND, object_id=str(meeting.pk))
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert, moderator=moderator, outcome=AlertOutcome.REACHED_OUT, release_held=release
    )


def _told(user: User) -> list[Notification]:
    """The group notices that carry the note."""
    return [n for n in Notification.objects.filter(recipient=user, kind="group") if HELD in n.body]


def _feed_event(client: Client, user: User) -> icalendar.Event:
    feed = services.calendar_feed_for(user)
    body = client.get(reverse("groups:ical_member", args=[feed.token])).content
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return event


def _move(meeting: Meeting, actor: User, note: str) -> None:
    services.move_meeting(
        meeting=meeting, actor=actor, starts_at=meeting.starts_at + timedelta(days=1), note=note
    )


def test_members_are_told_a_released_move_note_and_not_before(
    client: Client,
    meeting: Meeting,
    facilitator: User,
    member: User,
    other: User,
    moderator: User,
) -> None:
    _move(meeting, facilitator, HELD)
    # Told of the move, without the held note.
    assert Notification.objects.filter(recipient=member, title__contains="moved").exists()
    assert _told(member) == [] and _told(other) == []

    _resolve(meeting, moderator, release=True)

    for person in (member, other):
        [notice] = _told(person)
        assert "added a note about a moved meeting" in notice.email_title
        # The app names the group; the e-mail and the link do not (test_feed_and_privacy).
        assert meeting.group.name in notice.title
        assert meeting.group.name not in notice.email_title
        assert notice.url == reverse("groups:open", args=[meeting.group.pk])


def test_members_are_told_a_released_cancellation_note(
    meeting: Meeting, facilitator: User, member: User, moderator: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=HELD)
    assert _told(member) == []
    _resolve(meeting, moderator, release=True)
    [notice] = _told(member)
    assert "added a note about a cancelled meeting" in notice.email_title


def test_the_calendar_feed_shows_a_released_note_with_a_higher_sequence(
    client: Client, meeting: Meeting, facilitator: User, member: User, moderator: User
) -> None:
    _move(meeting, facilitator, HELD)
    before = _feed_event(client, member)
    assert HELD not in str(before["DESCRIPTION"])
    meeting.refresh_from_db()
    modified = meeting.updated_at

    _resolve(meeting, moderator, release=True)

    after = _feed_event(client, member)
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert HELD in str(after["DESCRIPTION"])
    meeting.refresh_from_db()
    assert meeting.updated_at > modified  # LAST-MODIFIED


def test_a_note_the_moderator_keeps_held_tells_nobody_and_leaves_the_feed(
    client: Client, meeting: Meeting, facilitator: User, member: User, moderator: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=HELD)
    before = _feed_event(client, member)
    _resolve(meeting, moderator, release=False)
    assert _told(member) == [] and _told(facilitator) == []
    assert _feed_event(client, member)["SEQUENCE"] == before["SEQUENCE"]


def test_releasing_twice_tells_the_members_once(
    meeting: Meeting, facilitator: User, member: User
) -> None:
    _move(meeting, facilitator, HELD)
    services.release_held_change_note(str(meeting.pk), True)
    services.release_held_change_note(str(meeting.pk), True)
    assert len(_told(member)) == 1
    meeting.refresh_from_db()
    assert meeting.sequence == 2  # the move, then the release; not the second call


def test_a_release_of_a_note_a_later_move_replaced_tells_nobody(
    meeting: Meeting, facilitator: User, member: User
) -> None:
    _move(meeting, facilitator, HELD)
    meeting.refresh_from_db()
    _move(meeting, facilitator, "")
    services.release_held_change_note(str(meeting.pk), True)
    assert _told(member) == []
    meeting.refresh_from_db()
    assert meeting.sequence == 2


def test_a_note_released_after_the_meeting_ended_is_published_without_a_notice(
    meeting: Meeting, facilitator: User, member: User, moderator: User
) -> None:
    _move(meeting, facilitator, HELD)
    meeting.refresh_from_db()
    # The moderator reviews it only after the (moved) meeting is over.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - timedelta(days=30),
        ends_at=meeting.ends_at - timedelta(days=30),
    )
    _resolve(meeting, moderator, release=True)
    assert _told(member) == []
    meeting.refresh_from_db()
    assert not meeting.change_note_held and meeting.public_change_note == HELD


def test_the_django_admin_shows_staff_no_held_note(
    client: Client, meeting: Meeting, facilitator: User, make_user: Callable[..., User]
) -> None:
    _move(meeting, facilitator, HELD)
    login(client, make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True))
    page = client.get(f"/admin/groups/meeting/{meeting.pk}/change/").content.decode()
    assert "held for review by the safety team" in page
    assert HELD not in page
    assert 'name="change_note"' not in page and 'name="change_note_held"' not in page
