"""A facilitator's words to members pass the safety gate like any other text.

The note to members when a meeting is moved or cancelled reaches every member (notification,
group page, API, calendar feed): it is screened, a moderator's mute or ban refuses it (the
meeting can still be moved or cancelled without one), and a note describing a method is held
from members until a moderator releases it. The room's welcome notice is held the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import ical, live, services
from peerhaven.groups.models import Meeting, MeetingStatus, RoomMessage, SupportGroup
from peerhaven.notifications.models import Notification
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertOutcome, RiskAlert
from peerhaven.safety.permissions import PostingRestrictedError

pytestmark = pytest.mark.django_db

REASON = "Posting private details of another member"
IMMINENT_NO_METHOD = "I plan to end my life tonight"
IMMINENT_WITH_METHOD = "I am going to overdose on my pills tonight"
ORDINARY = "The room is booked for a training day, sorry everyone"


def _mute(person: User, moderator: User) -> None:
    safety.take_action(member=person, moderator=moderator, kind="mute", reason=REASON, hours=24)


def _alert_on(meeting: Meeting) -> RiskAlert:
    return RiskAlert.objects.get(kind=services.MEETING_NOTE_KIND, object_id=str(meeting.pk))


# --- Screening ------------------------------------------------------------------------------------


def test_imminent_text_in_a_cancellation_note_raises_an_alert_naming_the_facilitator(
    meeting: Meeting, facilitator: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=IMMINENT_NO_METHOD)
    alert = _alert_on(meeting)
    assert alert.author == facilitator
    assert alert.level == "imminent"
    assert not alert.held
    assert alert.url == reverse("groups:detail", args=[meeting.group.slug])


def test_imminent_text_in_a_move_note_raises_an_alert(meeting: Meeting, facilitator: User) -> None:
    services.move_meeting(
        meeting=meeting,
        actor=facilitator,
        starts_at=meeting.starts_at + timedelta(days=1),
        note=IMMINENT_NO_METHOD,
    )
    assert _alert_on(meeting).level == "imminent"


def test_an_ordinary_note_reaches_members_and_raises_nothing(
    meeting: Meeting, facilitator: User, member: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=ORDINARY)
    assert not RiskAlert.objects.exists()
    assert ORDINARY in Notification.objects.get(recipient=member, kind="group").body
    meeting.refresh_from_db()
    assert meeting.public_change_note == ORDINARY


def test_the_facilitator_sees_crisis_help_after_a_risky_note_on_the_manage_page(
    client: Client, group: SupportGroup, meeting: Meeting, facilitator: User
) -> None:
    login(client, facilitator)
    response = client.post(
        reverse("groups:manage", args=[group.slug]),
        {"action": "cancel", "meeting": meeting.pk, "note": IMMINENT_NO_METHOD},
    )
    assert response.status_code == 302
    assert client.session["safety_panel"]["level"] == "imminent"
    assert _alert_on(meeting).author == facilitator


# --- Held notes -----------------------------------------------------------------------------------


def test_a_note_describing_a_method_is_held_from_every_place_members_read_it(
    client: Client, meeting: Meeting, facilitator: User, member: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=IMMINENT_WITH_METHOD)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED  # the change itself still happens
    assert meeting.change_note == IMMINENT_WITH_METHOD  # kept for the moderators, not dropped
    assert meeting.change_note_held
    told = Notification.objects.get(recipient=member, kind="group")
    assert "will not take place" in told.body
    assert "overdose" not in told.body
    alert = _alert_on(meeting)
    assert alert.held and alert.level == "imminent"
    login(client, member)
    page = client.get(reverse("groups:detail", args=[meeting.group.slug])).content.decode()
    assert "overdose" not in page
    assert "overdose" not in "\n".join(ical.event_lines(meeting, timezone.now()))


def test_a_held_move_note_stays_out_of_the_api_until_a_moderator_releases_it(
    client: Client, meeting: Meeting, facilitator: User, member: User, moderator: User
) -> None:
    services.move_meeting(
        meeting=meeting,
        actor=facilitator,
        starts_at=meeting.starts_at + timedelta(days=1),
        note=IMMINENT_WITH_METHOD,
    )
    assert "overdose" not in Notification.objects.get(recipient=member, kind="group").body
    login(client, member)
    url = f"/api/groups/{meeting.group.pk}/meetings"
    assert client.get(url).json()[0]["change_note"] == ""
    alert = _alert_on(meeting)
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert, moderator=moderator, outcome=AlertOutcome.REACHED_OUT, release_held=True
    )
    meeting.refresh_from_db()
    assert not meeting.change_note_held
    assert client.get(url).json()[0]["change_note"] == IMMINENT_WITH_METHOD


# --- Mutes and bans -------------------------------------------------------------------------------


def test_a_muted_facilitator_cannot_send_a_note_but_can_still_cancel_without_one(
    meeting: Meeting, facilitator: User, member: User, moderator: User
) -> None:
    _mute(facilitator, moderator)
    with pytest.raises(PostingRestrictedError) as caught:
        services.cancel_meeting(meeting=meeting, actor=facilitator, note=ORDINARY)
    assert caught.value.code == "muted" and REASON in str(caught.value)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert not Notification.objects.filter(recipient=member, kind="group").exists()
    services.cancel_meeting(meeting=meeting, actor=facilitator, note="")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_a_muted_facilitator_cannot_send_a_note_with_a_move(
    meeting: Meeting, facilitator: User, moderator: User
) -> None:
    _mute(facilitator, moderator)
    before = meeting.starts_at
    with pytest.raises(PostingRestrictedError):
        services.move_meeting(
            meeting=meeting, actor=facilitator, starts_at=before + timedelta(days=1), note=ORDINARY
        )
    meeting.refresh_from_db()
    assert meeting.starts_at == before


@pytest.fixture
def muted_manager(
    client: Client, facilitator: User, moderator: User
) -> Iterator[tuple[Client, User]]:
    _mute(facilitator, moderator)
    yield login(client, facilitator), facilitator


def test_the_manage_page_refuses_a_muted_facilitators_cancellation_note_and_keeps_it(
    muted_manager: tuple[Client, User], group: SupportGroup, meeting: Meeting
) -> None:
    client, _facilitator = muted_manager
    response = client.post(
        reverse("groups:manage", args=[group.slug]),
        {"action": "cancel", "meeting": meeting.pk, "note": "Words worth keeping"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Words worth keeping" in html and REASON in html
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_the_manage_page_refuses_a_muted_facilitators_move_note_and_keeps_it(
    muted_manager: tuple[Client, User], group: SupportGroup, meeting: Meeting
) -> None:
    client, _facilitator = muted_manager
    before = meeting.starts_at
    response = client.post(
        reverse("groups:manage", args=[group.slug]),
        {
            "action": "move",
            "meeting": meeting.pk,
            "starts_at": "2031-07-01T19:00",
            "note": "Moved words worth keeping",
        },
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Moved words worth keeping" in html and REASON in html
    assert 'value="2031-07-01T19:00"' in html or "2031-07-01 19:00" in html
    meeting.refresh_from_db()
    assert meeting.starts_at == before


# --- The room's welcome notice ----------------------------------------------------------------------


def test_a_welcome_describing_a_method_is_held_from_members(
    meeting: Meeting,
    facilitator: User,
    member: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        live, "publish", lambda meeting_id, event, **kw: sent.append({**kw, "event": event})
    )
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.post_welcome(
            meeting_id=meeting.pk, actor=facilitator, text=IMMINENT_WITH_METHOD
        )
    assert msg.held
    assert RoomMessage.objects.get(pk=msg.pk).risk_level == "imminent"
    # Its text goes to its author only (not to the other facilitators: DESIGN, held content).
    assert [
        (s.get("audience"), s.get("also_user")) for s in sent if s["event"]["type"] == "message"
    ] == [(live.AUTHOR, facilitator.pk)]
    state = services.room_state(meeting_id=meeting.pk, user=member, last_seen_id=None)
    assert all(m["id"] != msg.pk for m in state["messages"])
    assert RiskAlert.objects.get(object_id=str(msg.pk), kind=services.ROOM_KIND).held


def test_an_ordinary_welcome_reaches_everyone(
    meeting: Meeting, facilitator: User, member: User
) -> None:
    msg = services.post_welcome(meeting_id=meeting.pk, actor=facilitator, text="Welcome, all")
    assert not msg.held
    state = services.room_state(meeting_id=meeting.pk, user=member, last_seen_id=None)
    assert [m["id"] for m in state["messages"]] == [msg.pk]
