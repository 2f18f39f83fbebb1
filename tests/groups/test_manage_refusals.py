"""A move or cancellation the manage page refuses keeps what the facilitator typed.

Like the refusal under a moderator's mute (403, in test_screening_coverage), a bad date or a
meeting that can no longer be moved answers 400 with the page, the reason, and the note and date
still in that meeting's form; the meeting is unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import services
from peerhaven.groups.models import Meeting, MeetingStatus, SupportGroup

pytestmark = pytest.mark.django_db

NOTE = "Words worth keeping for the group"


@pytest.fixture
def manager(client: Client, facilitator: User) -> Client:
    return login(client, facilitator)


def _post(client: Client, group: SupportGroup, data: dict[str, Any]) -> Any:
    return client.post(reverse("groups:manage", args=[group.slug]), data)


@pytest.mark.parametrize("starts_at", ["2031-02-30T19:00", "next Tuesday", ""])
def test_a_move_to_a_bad_date_is_refused_with_the_note_kept(
    manager: Client, group: SupportGroup, meeting: Meeting, starts_at: str
) -> None:
    before = meeting.starts_at
    response = _post(
        manager,
        group,
        {"action": "move", "meeting": meeting.pk, "starts_at": starts_at, "note": NOTE},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert NOTE in html
    assert "Give the new date and time." in html
    if starts_at:
        assert f'value="{starts_at}"' in html
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.change_note) == (before, "")


def test_moving_a_meeting_cancelled_meanwhile_is_refused_with_the_note_kept(
    manager: Client, group: SupportGroup, meeting: Meeting, facilitator: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator)
    response = _post(
        manager,
        group,
        {"action": "move", "meeting": meeting.pk, "starts_at": "2031-07-01T19:00", "note": NOTE},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert NOTE in html and "Only a scheduled meeting can be moved." in html


def test_a_cancellation_note_too_long_is_refused_not_dropped(
    manager: Client, group: SupportGroup, meeting: Meeting
) -> None:
    long_note = NOTE + " and more" * 40  # over the 300 characters a note can have
    response = _post(manager, group, {"action": "cancel", "meeting": meeting.pk, "note": long_note})
    assert response.status_code == 400
    assert long_note in response.content.decode()
    meeting.refresh_from_db()
    # Not cancelled without the note the facilitator wrote.
    assert meeting.status == MeetingStatus.SCHEDULED


def test_a_good_move_still_goes_back_to_the_page(
    manager: Client, group: SupportGroup, meeting: Meeting
) -> None:
    response = _post(
        manager,
        group,
        {"action": "move", "meeting": meeting.pk, "starts_at": "2031-07-01T19:00", "note": NOTE},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.change_note == NOTE
