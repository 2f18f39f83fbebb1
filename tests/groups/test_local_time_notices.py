"""Meeting notices, reminders and group pages in each member's own time zone (the shared
``accounts.local_time`` helper, as groups uses it); literal expected text, so a change in what
members read fails here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import queries
from peerhaven.groups import services as groups
from peerhaven.groups.models import (
    Facilitator,
    Meeting,
    MeetingSeries,
    Membership,
    SupportGroup,
)
from peerhaven.notifications.models import Notification

# --- Groups: notices about meetings and schedules ----------------------------------------------


@pytest.fixture
def circle(make_group: Callable[..., SupportGroup], facilitator: User) -> SupportGroup:
    group = make_group(name="Evening Circle", slug="evening-circle")
    Facilitator.objects.create(group=group, user=facilitator)
    return group


def lead_of(group: SupportGroup) -> User:
    return group.facilitators.get().user


@pytest.fixture
def join(
    make_user: Callable[..., User], add_member: Callable[[SupportGroup, User], Membership]
) -> Callable[[SupportGroup, str, str], User]:
    def add(group: SupportGroup, name: str, zone: str) -> User:
        user = make_user(display_name=name, time_zone=zone)
        add_member(group, user)
        return user

    return add


def notice(user: User) -> Notification:
    return Notification.objects.get(recipient=user, kind="group")


def tuesdays_at_seven(group: SupportGroup, starts_on: date) -> MeetingSeries:
    """Every Tuesday at 19:00 in the group's zone (London), from ``starts_on``."""
    return MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=starts_on,
        local_start=time(19, 0),
        duration_minutes=90,
    )


def test_meeting_notices_name_the_time_and_zone_of_each_member(
    circle: SupportGroup, join: Callable[[SupportGroup, str, str], User]
) -> None:
    new_york = join(circle, "Quiet Harbor", "America/New_York")
    nowhere = join(circle, "Stray Comet", "Mars/Olympus")
    start = datetime(2027, 3, 30, 18, 0, tzinfo=UTC)  # 19:00 in London, 14:00 in New York
    meeting = Meeting.objects.create(
        group=circle, starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    groups.cancel_meeting(meeting=meeting, actor=lead_of(circle))
    assert (
        notice(new_york).body
        == "The meeting on March 30, 2027, 2 p.m. (America/New_York) will not take place."
    )
    assert (
        notice(nowhere).body == "The meeting on March 30, 2027, 6 p.m. (UTC) will not take place."
    )


def test_meeting_reminders_name_the_time_and_zone_of_each_member(
    circle: SupportGroup, join: Callable[[SupportGroup, str, str], User]
) -> None:
    kolkata = join(circle, "Quiet Harbor", "Asia/Kolkata")
    start = datetime(2027, 3, 30, 18, 0, tzinfo=UTC)
    Meeting.objects.create(group=circle, starts_at=start, ends_at=start + timedelta(minutes=90))
    assert groups.send_due_reminders(now=start - timedelta(minutes=30)) == 2
    assert notice(kolkata).body == "The meeting starts March 30, 2027, 11:30 p.m. (Asia/Kolkata)."


def test_a_stopped_schedule_names_the_meeting_a_member_replied_to_in_their_time(
    circle: SupportGroup, join: Callable[[SupportGroup, str, str], User]
) -> None:
    new_york = join(circle, "Quiet Harbor", "America/New_York")
    nowhere = join(circle, "Stray Comet", "Mars/Olympus")
    series = tuesdays_at_seven(circle, date(2027, 2, 2))
    groups.generate_meetings(series=series, weeks=12, now=datetime(2027, 2, 1, 12, tzinfo=UTC))
    first = series.meetings.get(starts_at=datetime(2027, 3, 2, 19, 0, tzinfo=UTC))
    for who in (new_york, nowhere):
        groups.rsvp(meeting=first, user=who, response="no")
    groups.stop_series(series=series, actor=lead_of(circle), now=datetime(2027, 3, 1, tzinfo=UTC))
    stopped = "The schedule “Every week on Tuesday at 19:00 (Europe/London)” has stopped."
    assert notice(new_york).body == (
        f"{stopped} The meeting on March 2, 2027, 2 p.m. that you replied to is cancelled."
    )
    assert notice(nowhere).body == (
        f"{stopped} The meeting on March 2, 2027, 7 p.m. that you replied to is cancelled."
    )


def test_group_pages_say_which_zone_times_are_shown_in(
    client: Client, circle: SupportGroup, join: Callable[[SupportGroup, str, str], User]
) -> None:
    login(client, join(circle, "Quiet Harbor", "Asia/Tokyo"))
    page = client.get(reverse("groups:directory")).content.decode()
    assert "Times are shown in your time zone (Asia/Tokyo)." in page
    login(client, join(circle, "Stray Comet", "Mars/Olympus"))
    page = client.get(reverse("groups:directory")).content.decode()
    assert "Times are shown in your time zone (UTC)." in page
    page = client.get(reverse("groups:detail", args=[circle.slug])).content.decode()
    assert "Times in your time zone (UTC)." in page


def test_the_directory_shows_the_next_meeting_in_the_viewers_time(
    circle: SupportGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 1, 1, 12, 0, tzinfo=UTC))
    series = tuesdays_at_seven(circle, date(2027, 1, 5))
    assert queries.local_schedule(series, circle, "Asia/Tokyo")["next_viewer"] == "Wed 06 Jan 04:00"
    assert queries.local_schedule(series, circle, "Mars/Olympus")["next_viewer"] == (
        "Tue 05 Jan 19:00"
    )
    assert queries.local_schedule(series, circle, "")["next_viewer"] == "Tue 05 Jan 19:00"
