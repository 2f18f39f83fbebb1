"""Schedules and reminders: baseline now, then every cadence, never more often, in local time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerhaven.notifications.models import Notification
from peerhaven.outcomes import services
from peerhaven.outcomes.models import CheckInSchedule

pytestmark = pytest.mark.django_db

AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
UTC = dt.UTC


def reminders(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="checkin").order_by("pk"))


def test_joining_asks_for_a_baseline_straight_away(member: Any) -> None:
    now = timezone.now()
    [schedule] = services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group", now=now
    )
    assert schedule.next_due_at == now
    assert services.send_checkin_reminders(now=now) == 1
    [note] = reminders(member)
    assert note.url == "/outcomes/checkin/phq9/"
    assert "PHQ-9" in note.title


def test_a_member_with_a_recent_score_is_not_asked_for_another_baseline(
    member: Any, complete_phq9: Any
) -> None:
    done = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    complete_phq9(member, 9, at=done)
    [schedule] = services.schedule_checkins(
        user=member,
        instrument_ids=["phq9"],
        cadence_days=28,
        source="programme",
        now=done + dt.timedelta(days=1),
    )
    assert schedule.next_due_at == dt.datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_joining_a_second_group_keeps_one_schedule_with_the_shorter_cadence(member: Any) -> None:
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=28, source="group"
    )
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="mentorship"
    )
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=30, source="programme"
    )
    [schedule] = CheckInSchedule.objects.filter(member=member)
    assert schedule.cadence_days == 14
    assert schedule.source == "mentorship"


@pytest.mark.parametrize("cadence", [0, -3, 400])
def test_a_cadence_outside_one_day_to_a_year_is_refused(member: Any, cadence: int) -> None:
    with pytest.raises(ValidationError) as exc:
        services.schedule_checkins(
            user=member, instrument_ids=["phq9"], cadence_days=cadence, source="group"
        )
    assert exc.value.code == "invalid_cadence"
    assert not CheckInSchedule.objects.exists()


def test_an_unknown_source_or_instrument_is_refused(member: Any) -> None:
    with pytest.raises(ValidationError):
        services.schedule_checkins(
            user=member, instrument_ids=["phq9"], cadence_days=14, source="spam"
        )
    with pytest.raises(ValidationError):
        services.schedule_checkins(
            user=member, instrument_ids=["nope"], cadence_days=14, source="group"
        )


def test_a_member_who_ignores_reminders_is_reminded_no_more_than_once_per_cadence(
    member: Any,
) -> None:
    start = dt.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group", now=start
    )
    sent = 0
    # The job runs hourly for eight weeks; the member never checks in.
    for hour in range(24 * 56):
        sent += services.send_checkin_reminders(now=start + dt.timedelta(hours=hour))
    assert sent == 4
    times = [n.created_at for n in reminders(member)]
    assert len(times) == 4


def test_skipping_moves_the_next_ask_one_cadence_on_and_sends_nothing_meanwhile(
    member: Any,
) -> None:
    start = dt.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    [schedule] = services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group", now=start
    )
    services.skip_checkin(schedule=schedule, user=member, now=start)
    assert services.send_checkin_reminders(now=start + dt.timedelta(days=13)) == 0
    assert services.send_checkin_reminders(now=start + dt.timedelta(days=14)) == 1


def test_completing_a_check_in_moves_the_next_due_date(member: Any, phq9_answers: Any) -> None:
    start = timezone.now() - dt.timedelta(days=1)
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group", now=start
    )
    services.submit_response(user=member, instrument_id="phq9", answers=phq9_answers(4))
    schedule = CheckInSchedule.objects.get(member=member)
    assert schedule.next_due_at > timezone.now() + dt.timedelta(days=13)
    assert services.send_checkin_reminders() == 0


def test_stopped_schedules_and_disabled_instruments_are_not_reminded(
    member: Any, enable_instruments: Any
) -> None:
    now = timezone.now()
    schedules = services.schedule_checkins(
        user=member, instrument_ids=["phq9", "gad7"], cadence_days=14, source="group", now=now
    )
    services.stop_checkins(schedule=schedules[0], user=member)
    enable_instruments("gad7", enabled=False)
    assert services.send_checkin_reminders(now=now) == 0


def test_reminders_in_auckland_stay_at_nine_local_across_the_end_of_daylight_saving(
    make_user: Any,
) -> None:
    # New Zealand daylight saving ends on Sunday 5 April 2026 (clocks go from 03:00 to 02:00).
    kiwi = make_user(time_zone="Pacific/Auckland")
    # Python adds wall-clock time within one zone, so do the arithmetic in UTC.
    first = dt.datetime(2026, 3, 30, 9, 0, tzinfo=AUCKLAND).astimezone(UTC)  # NZDT, UTC+13
    services.schedule_checkins(
        user=kiwi, instrument_ids=["phq9"], cadence_days=14, source="group", now=first
    )
    assert services.send_checkin_reminders(now=first) == 1

    # Exactly 14 x 24 hours later it is only 08:00 local (NZST, UTC+12): not yet.
    assert services.send_checkin_reminders(now=first + dt.timedelta(days=14)) == 0
    second = dt.datetime(2026, 4, 13, 9, 0, tzinfo=AUCKLAND).astimezone(UTC)
    assert second - first == dt.timedelta(days=14, hours=1)
    assert services.send_checkin_reminders(now=second) == 1


def test_reminders_in_auckland_keep_the_cadence_when_daylight_saving_starts(
    make_user: Any,
) -> None:
    # Daylight saving starts on Sunday 27 September 2026 (02:00 becomes 03:00).
    kiwi = make_user(time_zone="Pacific/Auckland")
    first = dt.datetime(2026, 9, 21, 9, 0, tzinfo=AUCKLAND).astimezone(UTC)
    services.schedule_checkins(
        user=kiwi, instrument_ids=["phq9"], cadence_days=14, source="group", now=first
    )
    assert services.send_checkin_reminders(now=first) == 1
    # Thirteen days and 23 hours later it is already 09:00 on the 14th local day: due.
    second = dt.datetime(2026, 10, 5, 9, 0, tzinfo=AUCKLAND).astimezone(UTC)
    assert second - first == dt.timedelta(days=13, hours=23)
    assert services.send_checkin_reminders(now=second - dt.timedelta(minutes=1)) == 0
    assert services.send_checkin_reminders(now=second) == 1


def test_due_dates_count_days_in_the_members_zone_not_in_utc() -> None:
    # 08:30 on 1 April in Auckland is still 31 March in UTC.
    finished = dt.datetime(2026, 4, 1, 8, 30, tzinfo=AUCKLAND).astimezone(UTC)
    assert finished.date() == dt.date(2026, 3, 31)
    assert services.due_after(finished, 7, AUCKLAND) == dt.datetime(
        2026, 4, 8, 9, 0, tzinfo=AUCKLAND
    )


def test_an_unknown_time_zone_falls_back_to_utc(make_user: Any) -> None:
    person = make_user(time_zone="Mars/Olympus")
    assert services.member_zone(person) == UTC


def test_the_hourly_job_sends_reminders(member: Any) -> None:
    from peerhaven.outcomes import tasks

    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group"
    )
    tasks.send_checkin_reminders.call_local()
    assert len(reminders(member)) == 1
