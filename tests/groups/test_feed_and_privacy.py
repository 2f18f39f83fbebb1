"""Two privacy reviews: group calendar feeds follow membership, and e-mailed notices name no group.

1. A group's calendar (with every meeting's time and, in person, its address) used to be read
   with one secret token shared by all members that never changed, so a member removed for
   harassment kept reading it. The group page now hands each person an address with a token of
   their own for that group (``tests/groups/test_feed_tokens.py``), checked against their
   membership on every fetch; the shared token is retired.
2. A group's name can say what someone lives with ("Postpartum depression circle"). Notices go
   out by e-mail (subject, text and link), where a lock screen shows them, so they name no group
   and link to it by id; signed in, the link leads to the group's page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import services
from peerhaven.groups.models import (
    GroupFormat,
    JoinPolicy,
    Meeting,
    MeetingSeries,
    SupportGroup,
)
from peerhaven.notifications.models import Notification
from peerhaven.safety import services as safety

pytestmark = pytest.mark.django_db

NAME = "Postpartum depression circle"
SLUG = "postpartum-depression-circle"
ADDRESS = "Room 4, 12 Harbour Street"


@pytest.fixture
def circle(group: SupportGroup) -> SupportGroup:
    """The shared ``group`` (a trained facilitator, one member), meeting in person, under a
    name that tells what its members live with."""
    group.name, group.slug = NAME, SLUG
    group.format, group.address = GroupFormat.IN_PERSON, ADDRESS
    group.save()
    return group


def _path(url: str) -> str:
    return urlsplit(url).path


def _group_feed_given_to(client: Client, user: User, group: SupportGroup) -> str:
    """The "This group" calendar address the group's page shows ``user`` (its path)."""
    login(client, user)
    response = client.get(reverse("groups:detail", args=[group.slug]))
    assert response.status_code == 200
    client.logout()  # calendar apps fetch without a session
    return _path(response.context["group_feed"])


def _remove(
    how: str, group: SupportGroup, member: User, facilitator: User, moderator: User
) -> None:
    if how == "removed":
        services.remove_member(group=group, user=member, actor=facilitator)
    elif how == "left":
        services.leave_group(group=group, user=member)
    else:
        safety.take_action(member=member, moderator=moderator, kind="ban", reason="Harassment")


# --- 1. Calendar feeds ---------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["removed", "left", "banned"])
def test_the_group_feed_a_member_was_given_stops_when_they_no_longer_take_part(
    client: Client,
    circle: SupportGroup,
    meeting: Meeting,
    member: User,
    facilitator: User,
    moderator: User,
    how: str,
) -> None:
    feed = _group_feed_given_to(client, member, circle)
    before = client.get(feed)
    assert before.status_code == 200
    assert "Harbour Street" in before.content.decode()

    _remove(how, circle, member, facilitator, moderator)

    after = client.get(feed)
    assert after.status_code == 404
    body = after.content.decode()
    assert "VEVENT" not in body
    assert "Harbour Street" not in body


def test_the_former_shared_group_token_reads_nothing(
    client: Client, circle: SupportGroup, meeting: Meeting
) -> None:
    response = client.get(reverse("groups:ical_group", args=[circle.slug, circle.calendar_token]))
    assert response.status_code == 404
    assert "Harbour Street" not in response.content.decode()


def test_the_group_page_gives_each_person_their_own_group_feed(
    client: Client,
    circle: SupportGroup,
    meeting: Meeting,
    member: User,
    other: User,
    facilitator: User,
) -> None:
    addresses = {
        person.pk: _group_feed_given_to(client, person, circle)
        for person in (member, other, facilitator)
    }
    assert len(set(addresses.values())) == 3
    assert all(circle.calendar_token not in a for a in addresses.values())
    for address in addresses.values():
        response = client.get(address)
        assert response.status_code == 200
        assert "Harbour Street" in response.content.decode()
    # Removing one member leaves the others' subscriptions working.
    services.remove_member(group=circle, user=other, actor=facilitator)
    assert client.get(addresses[other.pk]).status_code == 404
    assert client.get(addresses[member.pk]).status_code == 200
    assert client.get(addresses[facilitator.pk]).status_code == 200


def test_a_persons_token_reads_only_groups_they_take_part_in(
    client: Client,
    circle: SupportGroup,
    meeting: Meeting,
    member: User,
    outsider: User,
) -> None:
    mine = services.calendar_feed_for(member).group_token(circle.pk)
    theirs = services.calendar_feed_for(outsider).group_token(circle.pk)
    assert client.get(reverse("groups:ical_group", args=[circle.slug, mine])).status_code == 200
    response = client.get(reverse("groups:ical_group", args=[circle.slug, theirs]))
    assert response.status_code == 404
    assert "Harbour Street" not in response.content.decode()


def test_a_banned_members_own_feed_answers_404(
    client: Client, circle: SupportGroup, meeting: Meeting, member: User, moderator: User
) -> None:
    address = reverse("groups:ical_member", args=[services.calendar_feed_for(member).token])
    assert "Harbour Street" in client.get(address).content.decode()
    safety.take_action(member=member, moderator=moderator, kind="ban", reason="Harassment")
    response = client.get(address)
    assert response.status_code == 404
    assert "VEVENT" not in response.content.decode()


# --- 2. Notices that go out by e-mail ------------------------------------------------------------

T0 = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _weekly(group: SupportGroup) -> MeetingSeries:
    series = MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=date(2027, 2, 2),
        local_start=time(19, 0),
        duration_minutes=90,
    )
    services.generate_meetings(series=series, weeks=12, now=T0)
    return series


def _join_request(group: SupportGroup, facilitator: User, outsider: User, **_: Any) -> None:
    group.join_policy = JoinPolicy.APPROVAL
    group.save()
    services.join_group(group=group, user=outsider, accept_agreement=True)


def _decided(approve: bool) -> Callable[..., None]:
    def decide(group: SupportGroup, facilitator: User, outsider: User, **_: Any) -> None:
        group.join_policy = JoinPolicy.APPROVAL
        group.save()
        m = services.join_group(group=group, user=outsider, accept_agreement=True)
        services.decide_request(membership=m, actor=facilitator, approve=approve)

    return decide


def _invite(group: SupportGroup, facilitator: User, outsider: User, **_: Any) -> None:
    services.invite_member(group=group, user=outsider, actor=facilitator)


def _move(group: SupportGroup, facilitator: User, meeting: Meeting, **_: Any) -> None:
    services.move_meeting(
        meeting=meeting, actor=facilitator, starts_at=meeting.starts_at + timedelta(days=1)
    )


def _cancel(group: SupportGroup, facilitator: User, meeting: Meeting, **_: Any) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator)


def _reschedule(group: SupportGroup, facilitator: User, **_: Any) -> None:
    series = _weekly(group)
    services.update_series(
        series=series,
        actor=facilitator,
        rrule="FREQ=WEEKLY;BYDAY=TH",
        starts_on=series.starts_on,
        local_start=series.local_start,
        duration_minutes=series.duration_minutes,
        now=T1,
    )


def _new_zone(group: SupportGroup, facilitator: User, **_: Any) -> None:
    _weekly(group)
    services.set_group_time_zone(
        group=group, actor=facilitator, time_zone="America/New_York", now=T1
    )


def _stop(group: SupportGroup, facilitator: User, **_: Any) -> None:
    services.stop_series(series=_weekly(group), actor=facilitator, now=T1)


def _remind(group: SupportGroup, make_meeting: Callable[..., Meeting], **_: Any) -> None:
    make_meeting(group, starts_in=timedelta(minutes=30))
    assert services.send_due_reminders() == 2


NOTICES = {
    "join request": _join_request,
    "invitation": _invite,
    "request approved": _decided(approve=True),
    "request declined": _decided(approve=False),
    "meeting moved": _move,
    "meeting cancelled": _cancel,
    "schedule changed": _reschedule,
    "time zone changed": _new_zone,
    "schedule stopped": _stop,
    "reminder": _remind,
}


@pytest.mark.parametrize("case", list(NOTICES))
def test_group_notices_name_no_group_by_email_and_link_to_it_in_the_app(
    client: Client,
    circle: SupportGroup,
    facilitator: User,
    member: User,
    outsider: User,
    make_meeting: Callable[..., Meeting],
    django_capture_on_commit_callbacks: Any,
    case: str,
) -> None:
    meeting = make_meeting(circle, starts_in=timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        NOTICES[case](
            group=circle,
            facilitator=facilitator,
            outsider=outsider,
            meeting=meeting,
            make_meeting=make_meeting,
        )
    assert mail.outbox, "the notice should go out by e-mail"
    for email in mail.outbox:
        sent = f"{email.subject}\n{email.body}".lower()
        assert "postpartum" not in sent, (email.subject, email.body)
    # In the app the notice names the group; its e-mail wording and link do not. Signed in,
    # the link leads to the group it is about.
    notices = Notification.objects.filter(kind="group")
    assert notices
    for notice in notices:
        assert NAME in notice.title, notice.title
        assert notice.email_title and NAME not in notice.email_title + notice.email_body
        assert SLUG not in notice.url
        login(client, notice.recipient)
        response = client.get(notice.url)
        assert response.status_code == 302
        assert _path(response["Location"]) in (
            reverse("groups:detail", args=[SLUG]),
            reverse("groups:manage", args=[SLUG]),
        )
        assert client.get(response["Location"]).status_code == 200
        client.logout()


def test_a_reminder_says_when_in_the_members_own_time(
    circle: SupportGroup, member: User, make_meeting: Callable[..., Meeting]
) -> None:
    """The clock time rather than "in 30 minutes": the e-mail may wait for quiet hours."""
    member.time_zone = "America/New_York"
    member.save()
    m = make_meeting(circle, starts_in=timedelta(minutes=30))
    services.send_due_reminders()
    notice = Notification.objects.get(recipient=member, kind="group")
    local = m.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    assert notice.email_title == f"Reminder: your group meets at {local}"
    assert notice.title == f"Reminder: Postpartum depression circle meets at {local}"


def test_a_notices_link_sends_people_signed_out_to_sign_in_without_naming_the_group(
    client: Client, circle: SupportGroup
) -> None:
    response = client.get(reverse("groups:open", args=[circle.pk]))
    assert response.status_code == 302
    assert SLUG not in response["Location"]
