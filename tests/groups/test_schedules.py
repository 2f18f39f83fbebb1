"""Editing schedules outside Django admin: the services, the page and the API.

The services take ``now=`` so the tests pin the calendar around the 2027 daylight-saving changes
(London: 28 March; New York: 14 March) without freezing the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.groups import recurrence, services
from peerhaven.groups.models import (
    Facilitator,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Rsvp,
    SupportGroup,
)
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)  # when the schedule was set up
T1 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # when it is edited (a Monday)


@pytest.fixture
def weekly(group: SupportGroup) -> MeetingSeries:
    """Tuesdays 19:00 London from 2 February 2027, generated 12 weeks ahead (to 20 April)."""
    series = MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=date(2027, 2, 2),
        local_start=time(19, 0),
        duration_minutes=90,
    )
    services.generate_meetings(series=series, weeks=12, now=T0)
    return series


def edit(series: MeetingSeries, actor: User, **changes: Any) -> services.ScheduleChange:
    fields: dict[str, Any] = {
        "rrule": series.rrule,
        "starts_on": series.starts_on,
        "local_start": series.local_start,
        "duration_minutes": series.duration_minutes,
        "now": T1,
    }
    fields.update(changes)
    return services.update_series(series=series, actor=actor, **fields)


def future(series: MeetingSeries) -> list[Meeting]:
    return list(series.meetings.filter(starts_at__gt=T1).order_by("starts_at"))


def local_times(meetings: list[Meeting], tz: ZoneInfo) -> set[time]:
    return {m.starts_at.astimezone(tz).time() for m in meetings}


# --- The friendly form of a rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"frequency": "weekly", "weekday": "TU"}, "FREQ=WEEKLY;BYDAY=TU"),
        ({"frequency": "every_other_week", "weekday": "th"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
        ({"frequency": "monthly", "weekday": "TU", "week_of_month": 2}, "FREQ=MONTHLY;BYDAY=2TU"),
        ({"frequency": "monthly", "weekday": "FR", "week_of_month": -1}, "FREQ=MONTHLY;BYDAY=-1FR"),
        (
            {"frequency": "weekly", "weekday": "MO", "ends_on": date(2027, 6, 30)},
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630T235959",
        ),
        ({"frequency": "custom", "rrule_text": "RRULE:FREQ=DAILY"}, "FREQ=DAILY"),
    ],
)
def test_friendly_choices_become_rules_and_back(fields: dict[str, Any], rule: str) -> None:
    assert recurrence.build_rule(**fields) == rule
    back = recurrence.read_rule(rule)
    assert back["frequency"] == fields["frequency"]
    if fields["frequency"] != "custom":
        assert back["weekday"] == fields["weekday"].upper()
        assert back["week_of_month"] == fields.get("week_of_month")
        assert back["ends_on"] == fields.get("ends_on")


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"frequency": "fortnightly", "weekday": "TU"}, "frequency"),
        ({"frequency": "weekly", "weekday": "XX"}, "weekday"),
        ({"frequency": "monthly", "weekday": "TU", "week_of_month": 5}, "week_of_month"),
        ({"frequency": "custom", "rrule_text": "  "}, "rrule"),
    ],
)
def test_bad_friendly_choices_name_the_field(fields: dict[str, Any], key: str) -> None:
    with pytest.raises(ValidationError) as info:
        recurrence.build_rule(**fields)
    assert list(info.value.error_dict) == [key]


def test_a_rule_with_an_end_is_described_in_words() -> None:
    text = recurrence.describe_rule("FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T235959")
    assert text.startswith("Monthly on the second Tuesday, until ")
    assert "2027" in text


def test_the_last_date_is_included() -> None:
    rule = recurrence.build_rule(frequency="weekly", weekday="TU", ends_on=date(2027, 3, 16))
    starts = recurrence.local_occurrences(
        rule=rule, starts_on=date(2027, 3, 1), local_start=time(19, 0), until=date(2027, 12, 31)
    )
    assert [d.date() for d in starts] == [date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 16)]


# --- Regenerating meetings ---------------------------------------------------------------------


def test_a_new_time_keeps_local_wall_time_across_the_dst_change(
    weekly: MeetingSeries, facilitator: User
) -> None:
    past_before = list(weekly.meetings.filter(starts_at__lt=T1).values_list("pk", "starts_at"))
    change = edit(weekly, facilitator, local_start=time(18, 30))
    assert (len(change.moved), change.created, change.removed) == (8, 0, 0)
    upcoming = future(weekly)
    assert len(upcoming) == 8  # 2 March to 20 April
    assert local_times(upcoming, LONDON) == {time(18, 30)}
    utc = {m.starts_at.astimezone(LONDON).date(): m.starts_at.time() for m in upcoming}
    assert utc[date(2027, 3, 23)] == time(18, 30)  # GMT
    assert utc[date(2027, 3, 30)] == time(17, 30)  # BST
    assert all(m.sequence == 1 and m.original_starts_at == m.starts_at for m in upcoming)
    assert all(m.ends_at - m.starts_at == timedelta(minutes=90) for m in upcoming)
    # Meetings that already happened are untouched.
    assert list(weekly.meetings.filter(starts_at__lt=T1).values_list("pk", "starts_at")) == (
        past_before
    )
    # The daily generation job agrees with the edit: nothing new, nothing duplicated.
    weekly.refresh_from_db()
    assert services.generate_meetings(series=weekly, weeks=8, now=T1) == 0


def test_a_new_time_zone_moves_meetings_to_that_zones_wall_time(
    weekly: MeetingSeries, facilitator: User, group: SupportGroup
) -> None:
    change = edit(weekly, facilitator, time_zone="America/New_York")
    group.refresh_from_db()
    assert group.time_zone == "America/New_York"
    upcoming = future(weekly)
    assert len(change.moved) == len(upcoming) == 8
    assert local_times(upcoming, NEW_YORK) == {time(19, 0)}
    by_day = {m.starts_at.astimezone(NEW_YORK).date(): m.starts_at for m in upcoming}
    assert by_day[date(2027, 3, 9)] == datetime(2027, 3, 10, 0, 0, tzinfo=UTC)  # EST, -5
    assert by_day[date(2027, 3, 16)] == datetime(2027, 3, 16, 23, 0, tzinfo=UTC)  # EDT, -4


def test_a_time_zone_change_moves_every_schedule_of_the_group(
    weekly: MeetingSeries, facilitator: User, group: SupportGroup
) -> None:
    thursdays = MeetingSeries.objects.create(
        group=group,
        rrule="FREQ=WEEKLY;BYDAY=TH",
        starts_on=date(2027, 2, 4),
        local_start=time(12, 0),
    )
    services.generate_meetings(series=thursdays, weeks=8, now=T0)
    edit(weekly, facilitator, time_zone="America/New_York")
    assert local_times(future(thursdays), NEW_YORK) == {time(12, 0)}


def test_every_other_week_keeps_matching_meetings_and_drops_the_rest(
    weekly: MeetingSeries, facilitator: User, member: User
) -> None:
    keep = {m.pk for m in future(weekly) if m.starts_at.astimezone(LONDON).day in (2, 16, 30, 13)}
    change = edit(weekly, facilitator, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    assert (len(change.moved), change.removed, change.created) == (0, 4, 0)
    assert {m.pk for m in future(weekly)} == keep
    assert all(m.sequence == 0 for m in future(weekly))


def test_a_meeting_someone_replied_to_is_cancelled_with_notice_not_dropped(
    weekly: MeetingSeries, facilitator: User, member: User
) -> None:
    replied = next(m for m in future(weekly) if m.starts_at.astimezone(LONDON).day == 9)
    services.rsvp(meeting=replied, user=member, response="yes")
    Notification.objects.all().delete()
    change = edit(weekly, facilitator, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    assert [m.pk for m in change.cancelled] == [replied.pk]
    replied.refresh_from_db()
    assert replied.status == MeetingStatus.CANCELLED
    assert replied.sequence == 1
    notice = Notification.objects.get(recipient=member)
    assert "that you replied to is cancelled" in notice.body
    # One notice per person, not one per meeting.
    assert Notification.objects.filter(recipient=facilitator).count() == 1


def test_meetings_people_replied_to_move_with_one_notice_each(
    weekly: MeetingSeries, facilitator: User, member: User
) -> None:
    first, second = future(weekly)[:2]
    services.rsvp(meeting=first, user=member, response="yes")
    services.rsvp(meeting=second, user=member, response="maybe")
    Notification.objects.all().delete()
    change = edit(weekly, facilitator, rrule="FREQ=WEEKLY;BYDAY=TH")
    assert len(change.moved) == 8
    first.refresh_from_db()
    assert first.starts_at.astimezone(LONDON) == datetime(2027, 3, 4, 19, 0, tzinfo=LONDON)
    assert first.sequence == 1
    assert first.change_note
    assert Rsvp.objects.get(meeting=first, user=member).response == "yes"  # kept
    notices = list(Notification.objects.filter(recipient=member))
    assert len(notices) == 1
    assert "schedule has changed" in notices[0].title
    assert notices[0].body.count("that you replied to is now on") == 2
    assert "Every week on Thursday at 19:00 (Europe/London)" in notices[0].body
    fac_notice = Notification.objects.get(recipient=facilitator)
    assert "that you replied to" not in fac_notice.body


def test_monthly_on_the_second_tuesday(weekly: MeetingSeries, facilitator: User) -> None:
    change = edit(weekly, facilitator, rrule="FREQ=MONTHLY;BYDAY=2TU")
    days = [m.starts_at.astimezone(LONDON).date() for m in future(weekly)]
    assert days == [date(2027, 3, 9), date(2027, 4, 13)]
    assert change.removed == 6
    weekly.refresh_from_db()
    assert services.schedule_text(weekly).startswith("Monthly on the second Tuesday at 19:00")


def test_an_end_date_drops_the_meetings_after_it(weekly: MeetingSeries, facilitator: User) -> None:
    edit(weekly, facilitator, rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20270323T235959")
    days = [m.starts_at.astimezone(LONDON).day for m in future(weekly)]
    assert days == [2, 9, 16, 23]


def test_a_meeting_cancelled_by_hand_stays_cancelled(
    weekly: MeetingSeries, facilitator: User
) -> None:
    cancelled = future(weekly)[2]
    services.cancel_meeting(meeting=cancelled, actor=facilitator)
    edit(weekly, facilitator, duration_minutes=60)
    slot = cancelled.starts_at
    at_slot = list(weekly.meetings.filter(starts_at=slot))
    assert [(m.pk, m.status) for m in at_slot] == [(cancelled.pk, MeetingStatus.CANCELLED)]


def test_a_meeting_moved_to_a_past_time_keeps_its_slot(
    weekly: MeetingSeries, facilitator: User
) -> None:
    # Next week's meeting was brought forward to a time that has now passed.
    moved = future(weekly)[1]
    slot = moved.original_starts_at
    assert slot is not None
    Meeting.objects.filter(pk=moved.pk).update(starts_at=T1 - timedelta(hours=3), ends_at=T1)
    edit(weekly, facilitator, duration_minutes=60)
    assert weekly.meetings.filter(original_starts_at=slot).count() == 1
    assert not weekly.meetings.filter(starts_at=slot).exists()


def test_a_meeting_already_under_way_is_not_touched(
    weekly: MeetingSeries, facilitator: User
) -> None:
    running = next(m for m in weekly.meetings.all() if m.starts_at.date() == date(2027, 3, 2))
    during = running.starts_at + timedelta(minutes=20)
    edit(weekly, facilitator, local_start=time(18, 0), now=during)
    running.refresh_from_db()
    assert running.starts_at.astimezone(LONDON).time() == time(19, 0)
    assert running.sequence == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Moon/Base"}, "time_zone"),
        ({"rrule": "FREQ=SECONDLY"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XY"}, "rrule"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270101T235959"}, "ends_on"),
    ],
)
def test_invalid_schedules_are_refused_by_field_and_change_nothing(
    weekly: MeetingSeries, facilitator: User, changes: dict[str, Any], field: str
) -> None:
    before = [(m.pk, m.starts_at) for m in weekly.meetings.order_by("pk")]
    with pytest.raises(ValidationError) as info:
        edit(weekly, facilitator, **changes)
    assert field in info.value.error_dict
    weekly.refresh_from_db()
    assert weekly.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert [(m.pk, m.starts_at) for m in weekly.meetings.order_by("pk")] == before


def test_only_facilitators_and_admins_edit_schedules(
    weekly: MeetingSeries, member: User, outsider: User, admin: User
) -> None:
    for person in (member, outsider):
        with pytest.raises(PermissionDenied):
            edit(weekly, person, local_start=time(18, 0))
    edit(weekly, admin, local_start=time(18, 0))
    assert local_times(future(weekly), LONDON) == {time(18, 0)}


def test_a_facilitator_whose_training_lapsed_cannot_edit(
    weekly: MeetingSeries, facilitator: User
) -> None:
    facilitator.facilitator_trainings.update(expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        edit(weekly, facilitator, local_start=time(18, 0))


def test_stopping_a_schedule_clears_its_upcoming_meetings(
    weekly: MeetingSeries, facilitator: User, member: User
) -> None:
    replied = future(weekly)[0]
    services.rsvp(meeting=replied, user=member, response="no")
    change = services.stop_series(series=weekly, actor=facilitator, now=T1)
    assert (len(change.cancelled), change.removed) == (1, 7)
    weekly.refresh_from_db()
    assert not weekly.active
    assert [m.status for m in future(weekly)] == [MeetingStatus.CANCELLED]
    assert weekly.meetings.filter(starts_at__lt=T1).count() == 4  # February stays
    assert services.generate_all_meetings(now=T1) == 0


# --- The page ----------------------------------------------------------------------------------


def schedule_url(group: SupportGroup) -> str:
    return reverse("groups:schedule", args=[group.slug])


@pytest.fixture
def upcoming_weekly(group: SupportGroup, admin: User) -> MeetingSeries:
    return services.add_series(
        group=group,
        actor=admin,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=timezone.localdate(),
        local_start=time(19, 0),
        weeks=4,
    )


def form_data(series: MeetingSeries, **changes: str) -> dict[str, str]:
    prefix = f"s{series.pk}-"
    data = {
        "frequency": "weekly",
        "weekday": "TU",
        "week_of_month": "",
        "rrule": "",
        "local_start": "19:00",
        "duration_minutes": "90",
        "time_zone": "Europe/London",
        "starts_on": series.starts_on.isoformat(),
        "ends_on": "",
    }
    data.update(changes)
    return {
        "action": "edit",
        "series": str(series.pk),
        **{prefix + k: v for k, v in data.items()},
    }


def test_the_schedule_page_is_for_facilitators_and_admins(
    client: Client,
    upcoming_weekly: MeetingSeries,
    group: SupportGroup,
    member: User,
    outsider: User,
    facilitator: User,
    admin: User,
) -> None:
    assert client.get(schedule_url(group)).status_code == 302  # sign in first
    for person in (member, outsider):
        login(client, person)
        assert client.get(schedule_url(group)).status_code == 404
        assert client.post(schedule_url(group), form_data(upcoming_weekly)).status_code == 404
    for person in (facilitator, admin):
        login(client, person)
        html = client.get(schedule_url(group)).content.decode()
        assert "Every week on Tuesday at 19:00 (Europe/London)" in html


def test_a_facilitator_moves_the_schedule_from_the_page(
    client: Client, upcoming_weekly: MeetingSeries, group: SupportGroup, facilitator: User
) -> None:
    login(client, facilitator)
    response = client.post(
        schedule_url(group),
        form_data(upcoming_weekly, frequency="every_other_week", weekday="TH", local_start="18:15"),
    )
    assert response.status_code == 302
    upcoming_weekly.refresh_from_db()
    assert upcoming_weekly.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert upcoming_weekly.local_start == time(18, 15)
    upcoming = upcoming_weekly.meetings.filter(starts_at__gt=timezone.now())
    assert upcoming.exists()
    assert local_times(list(upcoming), LONDON) == {time(18, 15)}
    assert {m.starts_at.astimezone(LONDON).weekday() for m in upcoming} == {3}
    assert "Upcoming meetings:" in client.get(response["Location"]).content.decode()


def test_a_bad_time_zone_on_the_page_is_a_400_that_keeps_what_was_typed(
    client: Client, upcoming_weekly: MeetingSeries, group: SupportGroup, facilitator: User
) -> None:
    login(client, facilitator)
    response = client.post(
        schedule_url(group),
        form_data(upcoming_weekly, time_zone="Moon/Base", local_start="18:45"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a time zone we know" in html
    assert 'value="Moon/Base"' in html
    assert 'value="18:45"' in html
    upcoming_weekly.refresh_from_db()
    assert upcoming_weekly.local_start == time(19, 0)


def test_a_bad_custom_rule_on_the_page_is_a_400_with_the_reason(
    client: Client, upcoming_weekly: MeetingSeries, group: SupportGroup, facilitator: User
) -> None:
    login(client, facilitator)
    response = client.post(
        schedule_url(group),
        form_data(upcoming_weekly, frequency="custom", rrule="FREQ=HOURLY;BYDAY=TU"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY" in html
    assert "FREQ=HOURLY;BYDAY=TU" in html


def test_a_monthly_schedule_without_a_week_is_a_400(
    client: Client, upcoming_weekly: MeetingSeries, group: SupportGroup, facilitator: User
) -> None:
    login(client, facilitator)
    response = client.post(schedule_url(group), form_data(upcoming_weekly, frequency="monthly"))
    assert response.status_code == 400
    assert "Choose the first, second, third, fourth or last week." in response.content.decode()


def test_a_facilitator_adds_and_stops_a_schedule_from_the_page(
    client: Client, group: SupportGroup, facilitator: User
) -> None:
    login(client, facilitator)
    start = timezone.localdate() + timedelta(days=1)
    response = client.post(
        schedule_url(group),
        {
            "action": "add",
            "new-frequency": "monthly",
            "new-weekday": "TU",
            "new-week_of_month": "2",
            "new-local_start": "19:00",
            "new-duration_minutes": "60",
            "new-time_zone": "Europe/London",
            "new-starts_on": start.isoformat(),
        },
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get(group=group)
    assert series.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    response = client.post(schedule_url(group), {"action": "stop", "series": str(series.pk)})
    assert response.status_code == 302
    series.refresh_from_db()
    assert not series.active


def test_another_groups_schedule_cannot_be_edited_through_this_page(
    client: Client,
    group: SupportGroup,
    facilitator: User,
    make_group: Callable[..., SupportGroup],
    admin: User,
) -> None:
    other = make_group()
    Facilitator.objects.create(group=other, user=admin)
    foreign = MeetingSeries.objects.create(
        group=other, rrule="FREQ=WEEKLY;BYDAY=MO", starts_on=date(2027, 1, 4), local_start=time(9)
    )
    login(client, facilitator)
    response = client.post(schedule_url(group), form_data(foreign))
    assert response.status_code == 404


# --- The API -------------------------------------------------------------------------------------


def api_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "frequency": "weekly",
        "weekday": "TU",
        "local_start": "19:00",
        "duration_minutes": 90,
        "time_zone": "Europe/London",
        "starts_on": timezone.localdate().isoformat(),
    }
    body.update(changes)
    return body


def test_api_lists_and_edits_schedules_with_the_same_permission(
    client: Client,
    upcoming_weekly: MeetingSeries,
    group: SupportGroup,
    member: User,
    facilitator: User,
) -> None:
    url = f"/api/groups/{group.pk}/schedules"
    edit_url = f"/api/groups/schedules/{upcoming_weekly.pk}"
    assert client.get(url).status_code == 401
    login(client, member)
    assert client.get(url).status_code == 404
    assert client.put(edit_url, api_body(), content_type="application/json").status_code == 404
    login(client, facilitator)
    listed = client.get(url).json()
    assert listed[0]["frequency"] == "weekly"
    assert listed[0]["weekday"] == "TU"
    assert listed[0]["text"] == "Every week on Tuesday at 19:00 (Europe/London)"
    response = client.put(
        edit_url,
        api_body(frequency="monthly", weekday="WE", week_of_month=-1, local_start="18:00"),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["schedule"]["rrule"] == "FREQ=MONTHLY;BYDAY=-1WE"
    assert body["schedule"]["local_start"] == "18:00"
    assert set(body["change"]) == {"moved", "cancelled", "removed", "created"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Moon/Base"}, "time_zone"),
        ({"weekday": "XX"}, "weekday"),
        ({"frequency": "custom", "rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"ends_on": "2020-01-01"}, "ends_on"),
        ({"duration_minutes": 2}, "duration_minutes"),
    ],
)
def test_api_refuses_invalid_schedules_with_the_field(
    client: Client,
    upcoming_weekly: MeetingSeries,
    facilitator: User,
    changes: dict[str, Any],
    field: str,
) -> None:
    login(client, facilitator)
    response = client.put(
        f"/api/groups/schedules/{upcoming_weekly.pk}",
        api_body(**changes),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    upcoming_weekly.refresh_from_db()
    assert upcoming_weekly.rrule == "FREQ=WEEKLY;BYDAY=TU"


def test_api_adds_and_stops_a_schedule(
    client: Client, group: SupportGroup, facilitator: User, outsider: User
) -> None:
    login(client, outsider)
    url = f"/api/groups/{group.pk}/schedules"
    assert client.post(url, api_body(), content_type="application/json").status_code == 404
    login(client, facilitator)
    response = client.post(
        url, api_body(frequency="every_other_week", weekday="FR"), content_type="application/json"
    )
    assert response.status_code == 201
    sid = response.json()["id"]
    assert Meeting.objects.filter(series_id=sid).exists()
    stopped = client.delete(f"/api/groups/schedules/{sid}")
    assert stopped.status_code == 200
    assert not MeetingSeries.objects.get(pk=sid).active
    assert not Meeting.objects.filter(series_id=sid, status=MeetingStatus.SCHEDULED).exists()
