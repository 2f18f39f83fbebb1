"""A facilitator's notes to members (on moved or cancelled meetings) in export and erasure.

The writer's export has their notes, held ones included. Erasing them with REMOVE clears the text
of their notes (calendar feeds pick up the change); in either mode a note of theirs that is still
held goes, because the alert a moderator would review it on is deleted with the account.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.groups import services
from peerhaven.groups.models import Meeting, RoomMessage, SupportGroup
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db

HELD = "I am going to overdose on my pills tonight"
ORDINARY = "The room is booked for a training day, sorry everyone"


@pytest.fixture
def noted(
    group: SupportGroup, meeting: Meeting, make_meeting: Callable[..., Meeting], facilitator: User
) -> tuple[Meeting, Meeting]:
    """(a moved meeting with the facilitator's published note, a cancelled one with a held note)"""
    services.move_meeting(
        meeting=meeting,
        actor=facilitator,
        starts_at=meeting.starts_at + timedelta(days=1),
        note=ORDINARY,
    )
    cancelled = make_meeting(group, starts_in=timedelta(days=3))
    services.cancel_meeting(meeting=cancelled, actor=facilitator, note=HELD)
    meeting.refresh_from_db()
    cancelled.refresh_from_db()
    assert not meeting.change_note_held and cancelled.change_note_held
    return meeting, cancelled


def test_the_writers_export_has_their_notes_to_members(
    noted: tuple[Meeting, Meeting], facilitator: User, member: User
) -> None:
    moved, cancelled = noted
    notes = export_member_data(user=facilitator)["groups"]["meeting_notes"]
    by_meeting = {n["meeting"]: n for n in notes}
    assert set(by_meeting) == {moved.pk, cancelled.pk}
    assert (by_meeting[moved.pk]["note"], by_meeting[moved.pk]["held"]) == (ORDINARY, False)
    assert (by_meeting[cancelled.pk]["note"], by_meeting[cancelled.pk]["held"]) == (HELD, True)
    assert by_meeting[cancelled.pk]["status"] == "cancelled"
    assert by_meeting[moved.pk]["group"] == moved.group.name
    # Not someone else's export: members read the published note, they did not write it.
    assert services.export_groups(member)["meeting_notes"] == []


def test_erasing_with_remove_clears_the_text_of_their_notes(
    noted: tuple[Meeting, Meeting], facilitator: User
) -> None:
    moved, cancelled = noted
    sequence = moved.sequence
    erase_member(user=facilitator, mode=EraseMode.REMOVE)
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    for m in (moved, cancelled):
        assert (m.change_note, m.change_note_held, m.change_note_by) == ("", False, None)
    # Members could read the published one: calendar apps are told it changed.
    assert moved.sequence == sequence + 1
    assert moved.status == "scheduled" and cancelled.status == "cancelled"  # the change stays


def test_erasing_with_anonymise_keeps_published_notes_and_clears_a_held_one(
    noted: tuple[Meeting, Meeting], facilitator: User
) -> None:
    moved, cancelled = noted
    assert RiskAlert.objects.filter(object_id=str(cancelled.pk), held=True).exists()
    erase_member(user=facilitator, mode=EraseMode.ANONYMISE)
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    assert (moved.change_note, moved.change_note_by) == (ORDINARY, None)
    # Its alert went with the account: a held note would stay held with nobody to review it.
    assert not RiskAlert.objects.filter(object_id=str(cancelled.pk), held=True).exists()
    assert (cancelled.change_note, cancelled.change_note_held) == ("", False)


def test_a_note_another_facilitator_wrote_is_left_alone(
    noted: tuple[Meeting, Meeting],
    facilitator: User,
    group: SupportGroup,
    make_meeting: Callable[..., Meeting],
    make_user: Callable[..., User],
) -> None:
    other_meeting = make_meeting(group, starts_in=timedelta(days=5))
    other_meeting.change_note = ORDINARY
    other_meeting.change_note_by = make_user()
    other_meeting.save()
    erase_member(user=facilitator, mode=EraseMode.REMOVE)
    other_meeting.refresh_from_db()
    assert other_meeting.change_note == ORDINARY


def test_erasing_with_anonymise_deletes_a_held_room_message_and_keeps_the_others(
    meeting: Meeting, member: User
) -> None:
    held = services.post_room_message(meeting_id=meeting.pk, author=member, body=HELD)
    ordinary = services.post_room_message(meeting_id=meeting.pk, author=member, body="Hello all")
    assert held.held
    erase_member(user=member, mode=EraseMode.ANONYMISE)
    assert not RoomMessage.objects.filter(pk=held.pk).exists()
    ordinary.refresh_from_db()
    assert ordinary.author is None and ordinary.body == "Hello all"
