"""Presence expires: a visit left open by a crashed server process drops out of "who is here".

No sleeping: the clock is passed in (``now=``) or the timestamps are edited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.groups import live, services
from peerhaven.groups.models import Meeting, Membership, RoomVisit, SupportGroup

pytestmark = pytest.mark.django_db


def crashed_visit(meeting: Meeting, user: User, *, seen_ago: timedelta) -> RoomVisit:
    """A visit whose server process died: never closed, no longer heartbeating."""
    return RoomVisit.objects.create(
        meeting=meeting,
        user=user,
        channel_name="specific.dead-process!abc",
        last_seen_at=timezone.now() - seen_ago,
    )


Collect = Callable[..., tuple[Any, list[dict[str, Any]]]]


@pytest.fixture
def collect(django_capture_on_commit_callbacks: Any) -> Collect:
    """Run a service and return what it published to rooms (after commit)."""

    def run(fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, list[dict[str, Any]]]:
        events: list[tuple[str, dict[str, Any]]] = []
        token = live.COLLECTOR.set(events)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                result = fn(**kwargs)
        finally:
            live.COLLECTOR.reset(token)
        return result, [message["event"] for _group, message in events]

    return run


def test_a_fresh_visit_is_in_the_presence_list(meeting: Meeting, member: User) -> None:
    crashed_visit(meeting, member, seen_ago=timedelta(seconds=10))
    assert [p["id"] for p in services.presence(meeting.pk)] == [member.pk]


def test_a_visit_left_behind_by_a_crashed_process_drops_out_after_the_window(
    meeting: Meeting, member: User, settings: Any
) -> None:
    settings.GROUPS_ROOM_PRESENCE_WINDOW = 75
    visit = crashed_visit(meeting, member, seen_ago=timedelta(seconds=0))
    now = timezone.now()
    assert [p["id"] for p in services.presence(meeting.pk, now=now + timedelta(seconds=70))] == [
        member.pk
    ]
    assert services.presence(meeting.pk, now=now + timedelta(seconds=80)) == []
    visit.refresh_from_db()
    assert visit.left_at is None  # reading filters; the job closes


def test_the_heartbeat_keeps_a_visit_in_the_list(meeting: Meeting, member: User) -> None:
    visit = crashed_visit(meeting, member, seen_ago=timedelta(seconds=0))
    later = timezone.now() + timedelta(seconds=60)
    assert services.heartbeat(visit_id=visit.pk, now=later)
    assert [p["id"] for p in services.presence(meeting.pk, now=later + timedelta(seconds=60))] == [
        member.pk
    ]


def test_a_closed_visit_does_not_heartbeat(meeting: Meeting, member: User) -> None:
    visit = crashed_visit(meeting, member, seen_ago=timedelta(seconds=0))
    RoomVisit.objects.filter(pk=visit.pk).update(left_at=timezone.now())
    assert services.heartbeat(visit_id=visit.pk) is False


def test_the_expiry_job_closes_stale_visits_and_tells_the_room(
    meeting: Meeting, member: User, facilitator: User, collect: Collect
) -> None:
    stale = crashed_visit(meeting, member, seen_ago=timedelta(minutes=5))
    fresh = crashed_visit(meeting, facilitator, seen_ago=timedelta(seconds=5))
    closed, events = collect(services.expire_stale_visits)
    assert closed == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.left_at == stale.last_seen_at  # closed at its last sign of life
    assert fresh.left_at is None
    assert events == [
        {
            "type": "presence",
            "event": "leave",
            "user": {"id": member.pk, "name": member.display_name},
            "still_here": False,
        }
    ]
    assert [p["id"] for p in services.presence(meeting.pk)] == [facilitator.pk]
    # Idempotent.
    assert collect(services.expire_stale_visits) == (0, [])


def test_a_person_with_another_live_tab_is_still_here_after_expiry(
    meeting: Meeting, member: User, collect: Collect
) -> None:
    crashed_visit(meeting, member, seen_ago=timedelta(minutes=5))  # on the crashed process
    crashed_visit(meeting, member, seen_ago=timedelta(seconds=5))  # on a healthy one
    closed, events = collect(services.expire_stale_visits)
    assert closed == 1
    assert events[0]["still_here"] is True
    assert [p["id"] for p in services.presence(meeting.pk)] == [member.pk]


def test_a_check_in_round_skips_people_whose_process_crashed(
    meeting: Meeting,
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
    add_member: Callable[[SupportGroup, User], Membership],
    group: SupportGroup,
    collect: Collect,
) -> None:
    other = make_user(display_name="Soft Meadow")
    add_member(group, other)
    crashed_visit(meeting, facilitator, seen_ago=timedelta(seconds=1))
    crashed_visit(meeting, member, seen_ago=timedelta(seconds=1))
    crashed_visit(meeting, other, seen_ago=timedelta(minutes=10))
    state, _events = collect(services.start_checkin, meeting_id=meeting.pk, actor=facilitator)
    assert [p["id"] for p in state["order"]] == [facilitator.pk, member.pk]


def test_the_leave_event_knows_a_crashed_tab_is_not_still_here(
    meeting: Meeting, member: User, collect: Collect
) -> None:
    crashed_visit(meeting, member, seen_ago=timedelta(minutes=5))
    live_tab = RoomVisit.objects.create(meeting=meeting, user=member, channel_name="live!1")
    _r, events = collect(
        services.leave_room, meeting_id=meeting.pk, user=member, channel_name=live_tab.channel_name
    )
    assert events[0]["still_here"] is False


def test_the_periodic_job_is_registered() -> None:
    from peerhaven.groups import tasks

    assert tasks.expire_stale_room_visits.call_local() == 0
