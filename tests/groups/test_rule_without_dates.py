"""A schedule rule that never gives a date is refused at once, instead of sending dateutil on
a search to the year 9999 each time the rule is read (the groups directory reads every
schedule's rule on every view); one such rule saved earlier does not stop other groups'
meetings."""

from __future__ import annotations

from datetime import date, datetime, time
from unittest import mock

import pytest
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
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
    "FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29",  # 2026, 2029, 2032: a leap year
    "FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # first in 2044
]
# With an INTERVAL the years (or months) a rule visits are counted from its own start: the
# probe must land on the same kind of years as the real rule, not on any leap year.
NEVER_WITH_AN_INTERVAL = [
    # 2027, 2031, 2035, …: never a leap year.
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", datetime(2027, 1, 5, 19, 0)),
    # February 2027, 2031, …: never a 29th.
    ("FREQ=MONTHLY;INTERVAL=48;BYMONTHDAY=29", datetime(2027, 2, 1, 19, 0)),
    # 2100, 2500, 2900, …: a century year that is never a leap year.
    ("FREQ=YEARLY;INTERVAL=400;BYMONTH=2;BYMONTHDAY=29", datetime(2100, 1, 5, 19, 0)),
]
REAL_WITH_AN_INTERVAL = [
    # 2028, 2032, …: a leap year every time.
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", datetime(2028, 1, 5, 19, 0)),
    # February 2028, 2032, …
    ("FREQ=MONTHLY;INTERVAL=48;BYMONTHDAY=29", datetime(2028, 2, 1, 19, 0)),
    # 2000, 2400, …: a century year that is a leap year.
    ("FREQ=YEARLY;INTERVAL=400;BYMONTH=2;BYMONTHDAY=29", datetime(2000, 1, 5, 19, 0)),
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


@pytest.mark.parametrize(("rule", "start"), NEVER_WITH_AN_INTERVAL)
def test_a_rule_whose_interval_skips_every_date_is_refused(rule: str, start: datetime) -> None:
    assert next(iter(rrulestr(rule, dtstart=start)), None) is None  # dateutil agrees
    with pytest.raises(ValidationError) as caught:
        recurrence.parse_rule(rule, dtstart=start)
    assert "never gives a date" in caught.value.messages[0]


@pytest.mark.parametrize(("rule", "start"), REAL_WITH_AN_INTERVAL)
def test_a_rule_whose_interval_reaches_a_date_is_kept(rule: str, start: datetime) -> None:
    first = next(iter(recurrence.parse_rule(rule, dtstart=start)))
    assert (first.month, first.day) == (2, 29)


def test_a_rule_with_an_interval_gives_no_meetings_instead_of_searching() -> None:
    """The directory reads such a rule through ``local_schedule``: nothing, not a long search."""
    with pytest.raises(ValidationError):
        recurrence.local_occurrences(
            rule=NEVER_WITH_AN_INTERVAL[0][0],
            starts_on=date(2027, 1, 5),
            local_start=time(19, 0),
            until=date(2035, 12, 31),
        )


def test_the_probe_keeps_the_start_day() -> None:
    # Monthly with no BYMONTHDAY falls on the start's day: the 30th never happens in February.
    with pytest.raises(ValidationError):
        recurrence.parse_rule("FREQ=MONTHLY;BYMONTH=2", dtstart=datetime(2026, 1, 30, 19, 0))
    recurrence.parse_rule("FREQ=MONTHLY;BYMONTH=2", dtstart=datetime(2026, 1, 28, 19, 0))


def test_reading_a_rule_without_dates_stops_early() -> None:
    """Counted, not timed: dateutil's search for a next date visits one period (a day here)
    per step; the probe starts whole 400-year cycles later (9626 for a 2026 start) and ends at
    the calendar's end, so at most 431 years of days, never the ~7,970 years to 9999."""
    from dateutil import rrule as dateutil_rrule

    recurrence._probe_has_dates.cache_clear()
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
    # rebuild runs once per month visited: 9626 to 9999 is 374 years, 4,488 months; 2026 to
    # 9999 would be ~95,000.
    assert 0 < calls <= (9999 - 9626 + 1) * 12 + 12


def test_a_rule_without_dates_is_probed_once() -> None:
    """A rule saved before the check existed is read on every directory view: the probe's
    answer is kept, so the second reading does not walk the centuries again."""
    from dateutil import rrule as dateutil_rrule

    recurrence._probe_has_dates.cache_clear()
    calls = 0
    real = dateutil_rrule._iterinfo.rebuild

    def counting(self, year, month):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(self, year, month)

    start = datetime(2026, 11, 26, 19, 0)
    with mock.patch.object(dateutil_rrule._iterinfo, "rebuild", counting):
        with pytest.raises(ValidationError):
            recurrence.parse_rule(NEVER[0], dtstart=start)
        first = calls
        with pytest.raises(ValidationError):
            recurrence.parse_rule(NEVER[0], dtstart=start)
    assert first > 1000
    assert calls - first < 5


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
