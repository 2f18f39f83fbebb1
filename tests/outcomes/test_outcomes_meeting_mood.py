"""The mood after a group meeting (stored by groups) on the member's own progress page and in
their data export."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import services as group_services
from peerhaven.groups.models import (
    Meeting,
    MeetingStatus,
    Membership,
    MembershipStatus,
    PostMeetingMood,
    SupportGroup,
)

pytestmark = pytest.mark.django_db

PAGE = "/outcomes/progress/post_meeting_mood/"
_n = itertools.count(1)


@pytest.fixture
def make_group() -> Callable[..., SupportGroup]:
    def factory(name: str) -> SupportGroup:
        return SupportGroup.objects.create(
            name=name,
            slug=f"mood-group-{next(_n)}",
            topic="Carers",
            agreement_text="We listen.",
            time_zone="Europe/London",
        )

    return factory


@pytest.fixture
def mood_after() -> Callable[..., PostMeetingMood]:
    def record(group: SupportGroup, user: User, score: int, days_ago: int) -> PostMeetingMood:
        Membership.objects.get_or_create(
            group=group,
            user=user,
            defaults={"status": MembershipStatus.ACTIVE, "joined_at": timezone.now()},
        )
        start = timezone.now() - timedelta(days=days_ago)
        meeting = Meeting.objects.create(
            group=group,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            status=MeetingStatus.ENDED,
        )
        return group_services.record_mood(meeting=meeting, user=user, score=score)

    return record


def test_my_moods_after_meetings_are_on_my_progress_page(
    client: Client,
    member: User,
    make_group: Callable[..., SupportGroup],
    mood_after: Callable[..., PostMeetingMood],
) -> None:
    carers, evening = make_group("Carers Circle"), make_group("Evening Circle")
    mood_after(carers, member, 2, days_ago=14)
    mood_after(evening, member, 4, days_ago=7)
    login(client, member)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "After your group meetings" in html
    assert "4 (Good)" in html
    assert "2 (Low)" in html
    # Newest meeting first.
    assert html.index("Evening Circle") < html.index("Carers Circle")
    assert "You have no finished check-ins" not in html


def test_nobody_elses_moods_are_shown(
    client: Client,
    member: User,
    outsider: User,
    make_group: Callable[..., SupportGroup],
    mood_after: Callable[..., PostMeetingMood],
) -> None:
    mood_after(make_group("Someone Else's Group"), outsider, 1, days_ago=3)
    login(client, member)
    html = client.get(PAGE).content.decode()
    assert "Someone Else's Group" not in html
    assert "After your group meetings" not in html
    assert "You have no finished check-ins for this questionnaire yet." in html


def test_other_questionnaires_do_not_list_meeting_moods(
    client: Client,
    member: User,
    make_group: Callable[..., SupportGroup],
    mood_after: Callable[..., PostMeetingMood],
) -> None:
    mood_after(make_group("Carers Circle"), member, 3, days_ago=2)
    login(client, member)
    html = client.get("/outcomes/progress/phq9/").content.decode()
    assert "After your group meetings" not in html


def test_the_page_makes_the_same_number_of_queries_for_many_moods(
    client: Client,
    member: User,
    make_group: Callable[..., SupportGroup],
    mood_after: Callable[..., PostMeetingMood],
) -> None:
    group = make_group("Carers Circle")
    mood_after(group, member, 3, days_ago=1)
    login(client, member)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for days in range(2, 32):
        mood_after(group, member, days % 5 + 1, days_ago=days)
    with CaptureQueriesContext(connection) as many:
        html = client.get(PAGE).content.decode()
    assert html.count("Carers Circle") == 31
    assert len(many) == len(one)


def test_the_after_meeting_page_links_to_the_moods(
    client: Client,
    member: User,
    make_group: Callable[..., SupportGroup],
    mood_after: Callable[..., PostMeetingMood],
) -> None:
    mood = mood_after(make_group("Carers Circle"), member, 5, days_ago=1)
    login(client, member)
    html = client.get(f"/groups/meetings/{mood.meeting_id}/after/").content.decode()
    assert f'href="{PAGE}"' in html


def test_my_data_export_has_my_moods_with_group_and_meeting(
    member: User,
    make_group: Callable[..., SupportGroup],
    mood_after: Callable[..., PostMeetingMood],
) -> None:
    mood = mood_after(make_group("Carers Circle"), member, 4, days_ago=5)
    exported: dict[str, Any] = group_services.export_groups(member)
    [row] = exported["moods"]
    assert row["score"] == 4
    assert row["group"] == "Carers Circle"
    assert row["meeting"] == mood.meeting_id
    assert datetime.fromisoformat(row["meeting_starts_at"]) == mood.meeting.starts_at
