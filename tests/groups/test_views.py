"""Group pages: directory, group page, join/leave, RSVP, room, afterwards, manage, staff, feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import services
from peerhaven.groups.models import (
    Facilitator,
    JoinPolicy,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    MembershipStatus,
    SupportGroup,
)

pytestmark = pytest.mark.django_db


def test_directory_lists_groups_with_places_and_facilitators(
    client: Client, group: SupportGroup, outsider: User
) -> None:
    login(client, outsider)
    html = client.get(reverse("groups:directory")).content.decode()
    assert "Evening Circle" in html
    assert "9 of 10 places left" in html
    assert "Gentle Beacon" in html


def test_directory_needs_sign_in(client: Client, group: SupportGroup) -> None:
    response = client.get(reverse("groups:directory"))
    assert response.status_code == 302


def test_directory_shows_the_schedule_in_the_viewers_time_zone(
    client: Client, group: SupportGroup, make_user: Callable[..., User]
) -> None:
    from datetime import time

    MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        local_start=time(19, 0),
    )
    viewer = make_user(time_zone="Asia/Tokyo")
    login(client, viewer)
    html = client.get(reverse("groups:directory")).content.decode()
    assert "Every week on Tuesday at 19:00 Europe/London" in html
    assert "Asia/Tokyo" in html


def test_directory_query_count_is_constant(
    client: Client,
    make_group: Callable[..., SupportGroup],
    facilitator: User,
    member: User,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    from datetime import time

    for _ in range(40):
        g = make_group()
        Facilitator.objects.create(group=g, user=facilitator)
        MeetingSeries.objects.create(
            group=g,
            rrule="FREQ=WEEKLY;BYDAY=TU",
            starts_on=timezone.localdate(),
            local_start=time(19, 0),
        )
    login(client, member)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(reverse("groups:directory")).status_code == 200


def test_group_page_shows_meetings_only_to_participants(
    client: Client, group: SupportGroup, meeting: Meeting, member: User, outsider: User
) -> None:
    url = reverse("groups:detail", args=[group.slug])
    login(client, member)
    assert reverse("groups:room", args=[meeting.pk]) in client.get(url).content.decode()
    login(client, outsider)
    html = client.get(url).content.decode()
    assert reverse("groups:room", args=[meeting.pk]) not in html
    assert "Join this group" in html


def test_inactive_group_is_not_found(client: Client, group: SupportGroup, member: User) -> None:
    group.active = False
    group.save()
    login(client, member)
    assert client.get(reverse("groups:detail", args=[group.slug])).status_code == 404


def test_join_and_leave_from_the_page(client: Client, group: SupportGroup, outsider: User) -> None:
    login(client, outsider)
    join = reverse("groups:join", args=[group.slug])
    client.post(join, {})
    assert not Membership.objects.filter(user=outsider).exists()
    client.post(join, {"accept": "on"})
    assert Membership.objects.get(user=outsider).status == MembershipStatus.ACTIVE
    client.post(reverse("groups:leave", args=[group.slug]))
    assert Membership.objects.get(user=outsider).status == MembershipStatus.LEFT


def test_closed_group_page_does_not_offer_joining(
    client: Client, group: SupportGroup, outsider: User
) -> None:
    group.join_policy = JoinPolicy.CLOSED
    group.save()
    login(client, outsider)
    html = client.get(reverse("groups:detail", args=[group.slug])).content.decode()
    assert "by invitation" in html
    client.post(reverse("groups:join", args=[group.slug]), {"accept": "on"})
    assert not Membership.objects.filter(user=outsider).exists()


def test_rsvp_from_the_page(client: Client, meeting: Meeting, member: User) -> None:
    login(client, member)
    client.post(reverse("groups:rsvp", args=[meeting.pk]), {"response": "yes"})
    assert meeting.rsvps.get(user=member).response == "yes"


def test_the_rsvp_choice_starts_on_not_answered_and_then_shows_the_answer(
    client: Client, meeting: Meeting, member: User
) -> None:
    login(client, member)
    url = reverse("groups:detail", args=[meeting.group.slug])
    before = client.get(url).content.decode()
    assert '<option value="" selected disabled>Not answered yet</option>' in before
    assert '<option value="yes" selected>' not in before
    # Sending the form untouched is a clear error, not a silent "yes".
    page = client.post(reverse("groups:rsvp", args=[meeting.pk]), {}, follow=True)
    assert "Answer yes, maybe or no." in page.content.decode()
    assert not meeting.rsvps.exists()

    client.post(reverse("groups:rsvp", args=[meeting.pk]), {"response": "maybe"})
    after = client.get(url).content.decode()
    assert '<option value="maybe" selected>' in after
    assert "Not answered yet" not in after


def test_rsvp_to_a_cancelled_meeting_shows_an_error(
    client: Client, meeting: Meeting, member: User
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    login(client, member)
    response = client.post(
        reverse("groups:rsvp", args=[meeting.pk]), {"response": "yes"}, follow=True
    )
    assert "cancelled" in response.content.decode()
    assert not meeting.rsvps.exists()


def test_outsider_cannot_rsvp_or_enter_the_room(
    client: Client, meeting: Meeting, outsider: User
) -> None:
    login(client, outsider)
    assert (
        client.post(reverse("groups:rsvp", args=[meeting.pk]), {"response": "yes"}).status_code
        == 404
    )
    assert client.get(reverse("groups:room", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("groups:after", args=[meeting.pk])).status_code == 404


def test_room_page_loads_the_script_and_accessible_parts(
    client: Client, meeting: Meeting, member: User
) -> None:
    login(client, member)
    html = client.get(reverse("groups:room", args=[meeting.pk])).content.decode()
    assert "groups/room.js" in html
    assert 'aria-live="polite"' in html
    assert '<label for="room-text">' in html
    assert "Facilitator tools" not in html
    # The in-room crisis panel is styled as on every other page, and without JavaScript the
    # page says the room cannot work and where help is, instead of "Connecting…" for ever.
    assert "safety/safety.css" in html
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert 'href="/help/"' in noscript


def test_room_page_shows_facilitator_tools_to_facilitators(
    client: Client, meeting: Meeting, facilitator: User
) -> None:
    login(client, facilitator)
    html = client.get(reverse("groups:room", args=[meeting.pk])).content.decode()
    assert "Facilitator tools" in html
    assert "Start check-in round" in html


def test_room_page_says_when_the_room_is_closed(
    client: Client, group: SupportGroup, make_meeting: Callable[..., Meeting], member: User
) -> None:
    later = make_meeting(group, starts_in=timedelta(days=3))
    login(client, member)
    html = client.get(reverse("groups:room", args=[later.pk])).content.decode()
    assert "The room opens 15 minutes before the meeting." in html
    assert "room.js" not in html


def test_after_page_records_the_mood(client: Client, meeting: Meeting, member: User) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    login(client, member)
    url = reverse("groups:after", args=[meeting.pk])
    client.post(url, {"action": "mood", "mood-score": "4"})
    assert meeting.moods.get(user=member).score == 4
    # Members cannot post facilitator notes.
    assert client.post(url, {"action": "note", "note-text": "x"}).status_code == 403


def test_facilitator_writes_a_note_and_checks_in(
    client: Client, meeting: Meeting, facilitator: User
) -> None:
    login(client, facilitator)
    url = reverse("groups:after", args=[meeting.pk])
    client.post(url, {"action": "note", "note-text": "Warm, quiet meeting.", "note-concern": ""})
    assert meeting.notes.get().text == "Warm, quiet meeting."
    client.post(url, {"action": "self", "self-score": "3", "self-note": ""})
    assert facilitator.facilitator_checkins.get().score == 3


def test_manage_page_is_for_facilitators_only(
    client: Client, group: SupportGroup, member: User, outsider: User, facilitator: User
) -> None:
    url = reverse("groups:manage", args=[group.slug])
    for person in (member, outsider):
        login(client, person)
        assert client.get(url).status_code == 404
    login(client, facilitator)
    assert client.get(url).status_code == 200


def test_facilitator_cancels_a_meeting_from_the_manage_page(
    client: Client, group: SupportGroup, meeting: Meeting, facilitator: User
) -> None:
    login(client, facilitator)
    client.post(
        reverse("groups:manage", args=[group.slug]),
        {"action": "cancel", "meeting": meeting.pk, "note": "Holiday"},
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_facilitator_moves_a_meeting_in_the_groups_local_time(
    client: Client, group: SupportGroup, meeting: Meeting, facilitator: User
) -> None:
    login(client, facilitator)
    client.post(
        reverse("groups:manage", args=[group.slug]),
        {"action": "move", "meeting": meeting.pk, "starts_at": "2031-07-01T19:00", "note": ""},
    )
    meeting.refresh_from_db()
    assert meeting.starts_at.isoformat() == "2031-07-01T18:00:00+00:00"  # BST


def test_staff_page_is_for_admins_only(
    client: Client, member: User, facilitator: User, admin: User, group: SupportGroup
) -> None:
    url = reverse("groups:staff")
    for person in (member, facilitator):
        login(client, person)
        assert client.get(url).status_code == 404
    login(client, admin)
    html = client.get(url).content.decode()
    assert "Evening Circle" in html


def test_admin_creates_a_group_and_a_schedule_from_the_staff_page(
    client: Client, admin: User, facilitator: User
) -> None:
    login(client, admin)
    url = reverse("groups:staff")
    client.post(
        url,
        {
            "action": "group",
            "g-name": "Bereavement Circle",
            "g-topic": "Bereavement",
            "g-format": "online",
            "g-language": "en",
            "g-time_zone": "America/New_York",
            "g-capacity": "8",
            "g-join_policy": "approval",
            "g-agreement_text": "Be kind.",
        },
    )
    g = SupportGroup.objects.get(name="Bereavement Circle")
    client.post(url, {"action": "assign", "group": g.pk, "display_name": facilitator.display_name})
    assert Facilitator.objects.filter(group=g, user=facilitator).exists()
    client.post(
        url,
        {
            "action": "series",
            "group": g.pk,
            "rrule": "FREQ=WEEKLY;BYDAY=WE",
            "starts_on": timezone.localdate().isoformat(),
            "local_start": "18:00",
            "duration_minutes": "60",
        },
    )
    assert g.meetings.count() >= 7
    response = client.post(
        url,
        {
            "action": "series",
            "group": g.pk,
            "rrule": "FREQ=NEVER",
            "starts_on": timezone.localdate().isoformat(),
            "local_start": "18:00",
            "duration_minutes": "60",
        },
        follow=True,
    )
    assert "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY" in response.content.decode()


def test_staff_page_refuses_a_bad_time_zone(client: Client, admin: User) -> None:
    login(client, admin)
    response = client.post(
        reverse("groups:staff"),
        {
            "action": "group",
            "g-name": "X",
            "g-topic": "Y",
            "g-format": "online",
            "g-language": "en",
            "g-time_zone": "Atlantis/Capital",
            "g-capacity": "8",
            "g-join_policy": "open",
            "g-agreement_text": "Be kind.",
        },
    )
    assert "not a time zone we know" in response.content.decode()
    assert not SupportGroup.objects.filter(name="X").exists()


def test_invitation_from_the_manage_page(
    client: Client, group: SupportGroup, facilitator: User, outsider: User
) -> None:
    login(client, facilitator)
    client.post(
        reverse("groups:manage", args=[group.slug]),
        {"action": "invite", "display_name": outsider.display_name},
    )
    assert Membership.objects.get(user=outsider).status == MembershipStatus.INVITED


def test_approve_request_from_the_manage_page(
    client: Client, group: SupportGroup, facilitator: User, outsider: User
) -> None:
    group.join_policy = JoinPolicy.APPROVAL
    group.save()
    m = services.join_group(group=group, user=outsider, accept_agreement=True)
    login(client, facilitator)
    client.post(
        reverse("groups:manage", args=[group.slug]), {"action": "approve", "membership": m.pk}
    )
    m.refresh_from_db()
    assert m.status == MembershipStatus.ACTIVE


def test_facilitator_removes_a_member_from_the_manage_page(
    client: Client, group: SupportGroup, facilitator: User, member: User
) -> None:
    login(client, facilitator)
    url = reverse("groups:manage", args=[group.slug])
    assert "Remove Quiet Harbor from the group" in client.get(url).content.decode()
    m = Membership.objects.get(group=group, user=member)
    response = client.post(url, {"action": "remove_member", "membership": m.pk})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == MembershipStatus.REMOVED


@pytest.mark.parametrize("bad", ["abc", "", "1" * 40, "-3"])
def test_manage_page_answers_404_to_forged_ids(
    client: Client, group: SupportGroup, facilitator: User, bad: str
) -> None:
    login(client, facilitator)
    url = reverse("groups:manage", args=[group.slug])
    for action, key in (
        ("remove_member", "membership"),
        ("approve", "membership"),
        ("cancel", "meeting"),
    ):
        assert client.post(url, {"action": action, key: bad}).status_code == 404
