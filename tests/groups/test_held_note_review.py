"""A facilitator's held note to members can be read by the moderators who must decide on it.

The note is held from members (it describes a method). The moderator reads it on the alert, whose
copy survives a later move or cancellation replacing the meeting's note; the facilitator who wrote
it sees it on the group page, marked as held for review; nobody else does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import services
from peerhaven.groups.models import Meeting, SupportGroup
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertOutcome, RiskAlert

pytestmark = pytest.mark.django_db

HELD = "I am going to overdose on my pills tonight"
HELD_LATER = "I have the rope ready and will hang myself tonight"
ORDINARY = "The room is booked for a training day, sorry everyone"
MARKER = "held for review"


def _alert_on(meeting: Meeting) -> RiskAlert:
    return RiskAlert.objects.get(kind=services.MEETING_NOTE_KIND, object_id=str(meeting.pk))


def _page(client: Client, user: User, group: SupportGroup) -> str:
    login(client, user)
    return client.get(reverse("groups:detail", args=[group.slug])).content.decode()


def _alert_page(client: Client, moderator: User, alert: RiskAlert) -> str:
    login(client, moderator)
    return client.get(reverse("moderation:alert", args=[alert.pk])).content.decode()


def _move(meeting: Meeting, actor: User, note: str) -> None:
    meeting.refresh_from_db()
    services.move_meeting(
        meeting=meeting, actor=actor, starts_at=meeting.starts_at + timedelta(days=1), note=note
    )


def test_the_moderator_reads_a_held_cancellation_note_on_the_alert(
    client: Client, meeting: Meeting, facilitator: User, moderator: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=HELD)
    alert = _alert_on(meeting)
    assert alert.held and alert.held_text == HELD
    assert HELD in _alert_page(client, moderator, alert)


def test_only_the_writer_sees_the_held_note_on_the_group_page_marked_as_held(
    client: Client,
    group: SupportGroup,
    meeting: Meeting,
    facilitator: User,
    co_facilitator: User,
    member: User,
) -> None:
    _move(meeting, facilitator, HELD)
    mine = _page(client, facilitator, group)
    assert HELD in mine and MARKER in mine
    for someone in (co_facilitator, member):
        page = _page(client, someone, group)
        assert HELD not in page and MARKER not in page


def test_a_later_move_replacing_the_note_leaves_the_held_text_on_the_alert(
    client: Client, group: SupportGroup, meeting: Meeting, facilitator: User, moderator: User
) -> None:
    _move(meeting, facilitator, HELD)
    _move(meeting, facilitator, ORDINARY)
    meeting.refresh_from_db()
    assert (meeting.change_note, meeting.change_note_held) == (ORDINARY, False)
    alert = _alert_on(meeting)
    assert HELD in _alert_page(client, moderator, alert)
    assert MARKER not in _page(client, facilitator, group)  # nothing of theirs is held now


def test_a_later_cancellation_without_a_note_leaves_the_held_text_on_the_alert(
    client: Client, meeting: Meeting, facilitator: User, moderator: User
) -> None:
    _move(meeting, facilitator, HELD)
    meeting.refresh_from_db()
    services.cancel_meeting(meeting=meeting, actor=facilitator, note="")
    meeting.refresh_from_db()
    assert meeting.change_note == ""
    assert HELD in _alert_page(client, moderator, _alert_on(meeting))


def test_a_later_held_note_is_the_one_the_alert_shows_and_a_release_publishes(
    client: Client,
    group: SupportGroup,
    meeting: Meeting,
    facilitator: User,
    member: User,
    moderator: User,
) -> None:
    _move(meeting, facilitator, HELD)
    _move(meeting, facilitator, HELD_LATER)
    alert = _alert_on(meeting)  # one open alert for the meeting, with the newer note
    assert alert.held_text == HELD_LATER
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert, moderator=moderator, outcome=AlertOutcome.REACHED_OUT, release_held=True
    )
    meeting.refresh_from_db()
    assert meeting.public_change_note == HELD_LATER
    assert MARKER not in _page(client, facilitator, group)


def test_a_note_the_moderator_keeps_held_stays_visible_to_its_writer_only(
    client: Client,
    group: SupportGroup,
    meeting: Meeting,
    facilitator: User,
    member: User,
    moderator: User,
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note=HELD)
    alert = _alert_on(meeting)
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert, moderator=moderator, outcome=AlertOutcome.CONTENT_ACTION, release_held=False
    )
    meeting.refresh_from_db()
    assert meeting.change_note_held and meeting.public_change_note == ""
    assert HELD in _page(client, facilitator, group)
    assert HELD not in _page(client, member, group)


def test_two_writers_held_notes_make_two_alerts_and_neither_release_publishes_unread_text(
    meeting: Meeting, facilitator: User, co_facilitator: User, moderator: User
) -> None:
    """Found by review: a co-facilitator's held note used to merge into the first writer's
    alert (wrong author, first text lost) and a release published text nobody had read."""
    _move(meeting, facilitator, HELD)
    _move(meeting, co_facilitator, HELD_LATER)
    alerts = RiskAlert.objects.filter(kind=services.MEETING_NOTE_KIND, object_id=str(meeting.pk))
    by_author = {a.author_id: a for a in alerts}
    assert set(by_author) == {facilitator.pk, co_facilitator.pk}
    assert by_author[facilitator.pk].held_text == HELD
    assert by_author[co_facilitator.pk].held_text == HELD_LATER

    first = by_author[facilitator.pk]
    safety.claim_alert(alert_id=first.pk, moderator=moderator)
    safety.resolve_alert(
        alert=first,
        moderator=moderator,
        outcome=AlertOutcome.NO_RISK,
        note="Read it: about a film.",
        release_held=True,
    )
    meeting.refresh_from_db()
    # The meeting's note is now the co-facilitator's, still under review: not published.
    assert meeting.change_note_held and meeting.public_change_note == ""
