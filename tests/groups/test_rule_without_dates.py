"""A schedule rule that never gives a date is refused at once, instead of sending dateutil on
a search to the year 9999 each time the rule is read (the groups directory reads every
schedule's rule on every view); one such rule saved earlier does not stop other groups'
meetings."""

from __future__ import annotations

from datetime import date, datetime, time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerhaven.groups import recurrence, services
from peerhaven.groups.models import Meeting, MeetingSeries, SupportGroup

NEVER = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=31",
    "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-30",
]
RARE_BUT_REAL = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # 29 February on a Monday
    "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
    "FREQ=WEEKLY;BYDAY=TU;UNTIL=20200101",  # over, but a real rule
]


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_without_dates_is_refused_with_a_clear_message(rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        recurrence.parse_rule(rule, dtstart=datetime(2026, 11, 26, 19, 0))
    assert caught.value.code == "invalid_rrule"
    assert "never gives a date" in caught.value.messages[0]


@pytest.mark.parametrize("rule", RARE_BUT_REAL)
def test_rare_rules_are_kept(rule: str) -> None:
    recurrence.parse_rule(rule, dtstart=datetime(2026, 11, 26, 19, 0))


def test_the_probe_keeps_the_start_day() -> None:
    # Monthly with no BYMONTHDAY falls on the start's day: the 30th never happens in February.
    with pytest.raises(ValidationError):
        recurrence.parse_rule("FREQ=MONTHLY;BYMONTH=2", dtstart=datetime(2026, 1, 30, 19, 0))
    recurrence.parse_rule("FREQ=MONTHLY;BYMONTH=2", dtstart=datetime(2026, 1, 28, 19, 0))


def test_reading_a_rule_without_dates_stops_early() -> None:
    """Counted, not timed: dateutil's search for a next date visits one period (a day here)
    per step; the probe ends at the calendar's end, so at most ~32 years of days."""
    from dateutil import rrule as dateutil_rrule

    calls = 0
    real = dateutil_rrule._iterinfo.rebuild

    def counting(self, year, month):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(self, year, month)

    with (
        mock.patch.object(dateutil_rrule._iterinfo, "rebuild", counting),
        pytest.raises(ValidationError),
    ):
        recurrence.local_occurrences(
            rule=NEVER[0],
            starts_on=date(2026, 11, 26),
            local_start=time(19, 0),
            until=date(2027, 12, 31),
        )
    # rebuild runs once per month visited: 32 years is 384; 7,973 years would be ~95,000.
    assert calls <= 32 * 12 + 12


@pytest.mark.django_db
def test_one_bad_schedule_does_not_stop_the_others() -> None:
    good, bad = (
        SupportGroup.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            topic="Low mood",
            agreement_text="What is said here stays here.",
            time_zone="Europe/London",
        )
        for name in ("Evening Circle", "Morning Circle")
    )
    for group, rule in ((bad, NEVER[0]), (good, "FREQ=WEEKLY;BYDAY=TU")):
        # Stored directly, as a rule saved before the check existed would be.
        MeetingSeries.objects.create(
            group=group,
            rrule=rule,
            starts_on=timezone.localdate(),
            local_start=time(19, 0),
            duration_minutes=60,
        )
    assert services.generate_all_meetings(weeks=3) >= 2
    assert Meeting.objects.filter(group=good).exists()
    assert not Meeting.objects.filter(group=bad).exists()
