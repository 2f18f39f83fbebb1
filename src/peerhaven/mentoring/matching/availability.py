"""Weekly availability in local time, converted to UTC minutes of one reference week.

People give their free time as recurring weekly windows in their own time zone. To compare two
people we place both sets of windows on the same clock: the minutes of one *reference week*
in UTC, counted from the reference Monday 00:00 UTC (0 to 10,079), and treated as circular,
because the windows recur every week.

Why a fixed reference week: the offset between two zones changes through the year (Europe and
North America move their clocks on different Sundays; the southern hemisphere moves the other
way). Converting each window with the real zone rules *on the dates of one given week* gives an
answer that is exact for that week and identical every time it is computed. The Django layer can
pass the Monday of the week a match is made; the default (see ``MatchWeights``) is a fixed week
so that scores are reproducible.

Rules for the awkward cases, all deterministic:
- A window whose end is not after its start crosses midnight: ``(4, 22*60, 2*60)`` is Friday
  22:00 to Saturday 02:00. Sunday windows that cross midnight run into the next Monday, which
  wraps to the start of the circular week.
- Both ends of a window are converted separately with the zone's rules for that date, so a
  window that spans a DST change is one hour shorter (spring) or longer (autumn) in real time.
- A local time that does not exist (skipped in spring) or occurs twice (autumn) is read with
  ``fold=0``: Python's rule, i.e. with the offset in force before the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

Window = tuple[int, int, int]
"""(weekday 0=Monday..6=Sunday, start minute 0..1439, end minute 1..1440), local time."""

Interval = tuple[int, int]
"""[start, end) in UTC minutes of the reference week, 0 <= start < end <= MINUTES_PER_WEEK."""


def validate_window(window: Window) -> None:
    weekday, start, end = window
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    if not 0 <= start < MINUTES_PER_DAY:
        raise ValueError(f"start minute must be in 0..1439, got {start}")
    if not 0 <= end <= MINUTES_PER_DAY:
        raise ValueError(f"end minute must be in 0..1440, got {end}")
    if start == end:
        raise ValueError("a window must not start and end at the same minute")


def validate_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    # ZoneInfoNotFoundError is a KeyError; a directory ("America") or an over-long name is an
    # OSError from opening the zone file.
    except (KeyError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Union of intervals as sorted, disjoint, non-touching intervals."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


@lru_cache(maxsize=65536)
def _utc_intervals_cached(
    windows: tuple[Window, ...], time_zone: str, reference_monday: date
) -> tuple[Interval, ...]:
    zone = ZoneInfo(time_zone)
    week_start = datetime(
        reference_monday.year, reference_monday.month, reference_monday.day, tzinfo=UTC
    )
    # Adding a timedelta to an aware datetime is wall-clock arithmetic in Python: the zone's
    # offset is looked up again (fold=0) for the resulting local date and time.
    local_monday = datetime(
        reference_monday.year, reference_monday.month, reference_monday.day, tzinfo=zone
    )
    pieces: list[Interval] = []
    for weekday, start, end in windows:
        length = end - start if end > start else end + MINUTES_PER_DAY - start
        local_start = local_monday + timedelta(days=weekday, minutes=start)
        local_end = local_monday + timedelta(days=weekday, minutes=start + length)
        utc_start = _minutes_since(local_start.astimezone(UTC), week_start)
        utc_end = _minutes_since(local_end.astimezone(UTC), week_start)
        if utc_end <= utc_start:
            # Defensive: fold=0 keeps both ends on one offset inside a skipped hour, so this
            # needs a zone-database oddity; a negative interval must never reach the sweep.
            continue
        utc_end = min(utc_end, utc_start + MINUTES_PER_WEEK)
        offset = utc_start % MINUTES_PER_WEEK
        stop = offset + (utc_end - utc_start)
        if stop <= MINUTES_PER_WEEK:
            pieces.append((offset, stop))
        else:
            pieces.append((offset, MINUTES_PER_WEEK))
            pieces.append((0, stop - MINUTES_PER_WEEK))
    return merge_intervals(pieces)


def _minutes_since(moment: datetime, origin: datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def utc_intervals(
    windows: Sequence[Window], time_zone: str, reference_monday: date
) -> tuple[Interval, ...]:
    """Local weekly windows as merged UTC intervals of the reference week (circular)."""
    if reference_monday.weekday() != 0:
        raise ValueError("reference_monday must be a Monday")
    return _utc_intervals_cached(tuple(windows), time_zone, reference_monday)


def overlap_minutes(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """Minutes in both sets of merged intervals (two-pointer sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            total += end - start
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


@lru_cache(maxsize=4096)
def utc_offset_minutes(time_zone: str, reference_monday: date) -> int:
    """The zone's UTC offset at the middle of the reference week (Thursday 12:00 UTC).

    One instant for everybody, so that the time-zone distance between two people is the
    difference of their clocks at the same moment.
    """
    moment = datetime(
        reference_monday.year, reference_monday.month, reference_monday.day, 12, tzinfo=UTC
    ) + timedelta(days=3)
    offset = moment.astimezone(ZoneInfo(time_zone)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def clock_difference_minutes(mentee_offset: int, mentor_offset: int) -> int:
    """Mentor's clock minus mentee's, folded onto (-720, 720]: hours of the day, not dates."""
    diff = (mentor_offset - mentee_offset) % MINUTES_PER_DAY
    return diff - MINUTES_PER_DAY if diff > MINUTES_PER_DAY // 2 else diff
