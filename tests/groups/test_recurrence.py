"""Recurrence rules in the group's own time zone, across daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from peerhaven.groups.recurrence import occurrences_utc, parse_rule, validate_time_zone


def _starts(rule: str, tz: str, first: date, at: time, until: date) -> list[datetime]:
    return [
        s
        for s, _e in occurrences_utc(
            rule=rule,
            time_zone=tz,
            starts_on=first,
            local_start=at,
            duration=timedelta(minutes=90),
            until=until,
        )
    ]


@pytest.mark.parametrize(
    ("tz", "first", "until"),
    [
        # Europe/London: BST ends 27 Oct 2024.
        ("Europe/London", date(2024, 10, 1), date(2024, 11, 20)),
        # America/New_York: EDT ends 3 Nov 2024.
        ("America/New_York", date(2024, 10, 1), date(2024, 11, 20)),
        # Spring forward: London 31 Mar 2024, New York 10 Mar 2024.
        ("Europe/London", date(2024, 3, 1), date(2024, 4, 20)),
        ("America/New_York", date(2024, 2, 20), date(2024, 3, 31)),
    ],
)
def test_weekly_meetings_keep_their_local_time_across_daylight_saving(
    tz: str, first: date, until: date
) -> None:
    starts = _starts("FREQ=WEEKLY;BYDAY=TU", tz, first, time(19, 0), until)
    assert len(starts) >= 6
    zone = ZoneInfo(tz)
    assert all(s.astimezone(zone).time() == time(19, 0) for s in starts)
    assert all(s.astimezone(zone).weekday() == 1 for s in starts)
    # The UTC time changed by an hour somewhere in the window: the change was real.
    assert len({s.astimezone(UTC).time() for s in starts}) == 2


def test_london_autumn_change_moves_the_utc_time_not_the_local_time() -> None:
    starts = _starts(
        "FREQ=WEEKLY;BYDAY=TU", "Europe/London", date(2024, 10, 22), time(19, 0), date(2024, 10, 29)
    )
    assert [s.isoformat() for s in starts] == [
        "2024-10-22T18:00:00+00:00",  # BST, UTC+1
        "2024-10-29T19:00:00+00:00",  # GMT
    ]


def test_monthly_on_the_second_tuesday() -> None:
    starts = _starts(
        "FREQ=MONTHLY;BYDAY=2TU",
        "America/New_York",
        date(2025, 1, 1),
        time(18, 30),
        date(2025, 6, 30),
    )
    local = [s.astimezone(ZoneInfo("America/New_York")) for s in starts]
    assert [d.date() for d in local] == [
        date(2025, 1, 14),
        date(2025, 2, 11),
        date(2025, 3, 11),
        date(2025, 4, 8),
        date(2025, 5, 13),
        date(2025, 6, 10),
    ]
    assert {d.time() for d in local} == {time(18, 30)}


def test_every_other_week_skips_a_week() -> None:
    starts = _starts(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        "Europe/Berlin",
        date(2025, 1, 2),
        time(10, 0),
        date(2025, 2, 28),
    )
    gaps = {(b - a).days for a, b in itertools.pairwise(starts)}
    assert gaps == {14}


def test_a_time_inside_the_spring_gap_moves_forward() -> None:
    # 02:30 does not exist in New York on 10 March 2024.
    starts = _starts(
        "FREQ=DAILY;COUNT=1", "America/New_York", date(2024, 3, 10), time(2, 30), date(2024, 3, 11)
    )
    assert starts[0].astimezone(ZoneInfo("America/New_York")).time() == time(3, 30)


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("", "Please give a recurrence rule"),
        ("FREQ=FORTNIGHTLY", "FREQ=DAILY"),
        ("FREQ=MINUTELY", "FREQ=DAILY"),
        ("BYDAY=TU", "FREQ=DAILY"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid recurrence rule"),
        ("FREQ=WEEKLY;INTERVAL=zero", "not a valid recurrence rule"),
        ("DTSTART:20250101T100000\nRRULE:FREQ=WEEKLY", "Give only the RRULE part"),
        ("FREQ=WEEKLY;UNTIL=20251231T000000Z", "without “Z”"),
    ],
)
def test_invalid_rules_are_refused_with_a_clear_message(rule: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_rule(rule, dtstart=datetime(2025, 1, 1, 19, 0))
    assert fragment in " ".join(info.value.messages)
    assert info.value.code == "invalid_rrule"


def test_rrule_prefix_is_accepted() -> None:
    assert parse_rule("RRULE:FREQ=WEEKLY;BYDAY=MO", dtstart=datetime(2025, 1, 6, 9, 0))


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "GMT+25", "europe/london "])
def test_unknown_time_zones_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_time_zone(name)
    assert info.value.code == "invalid_time_zone"
    assert "IANA" in info.value.messages[0]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "Every week on Tuesday"),
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "Every other week on Thursday"),
        ("FREQ=MONTHLY;BYDAY=2TU", "Monthly on the second Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Monthly on the last Friday"),
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3", "FREQ=WEEKLY;BYDAY=TU;COUNT=3"),
    ],
)
def test_common_rules_are_described_in_words(rule: str, words: str) -> None:
    from peerhaven.groups.recurrence import describe_rule

    assert describe_rule(rule) == words
