"""A moment in the member's own time zone: the one shared helper, and the text its callers send.

The callers' expectations are the exact strings members read before the helpers of groups,
safety and outcomes were folded into ``peerhaven.accounts.local_time``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation
from personas import login

from peerhaven.accounts.local_time import local_text, member_zone, zone_named
from peerhaven.accounts.models import User
from peerhaven.outcomes import services as outcomes
from peerhaven.safety.sanctions import Sanction, until_text

#: Names that are not a zone: unknown, a folder of zones, a path outside the zone database,
#: trailing blank. All of them fall back to UTC.
NOT_ZONES = ["Mars/Olympus", "America", "../etc/passwd", "Europe/London "]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def person(zone: str | None) -> SimpleNamespace:
    return SimpleNamespace(time_zone=zone)


# --- The shared helper -------------------------------------------------------------------------


def test_a_moment_is_written_in_the_members_zone_in_the_sites_datetime_format() -> None:
    at = datetime(2027, 3, 9, 19, 0, tzinfo=UTC)
    assert local_text(at, person("America/New_York")) == "March 9, 2027, 2 p.m."
    assert local_text(at, person("Asia/Kolkata")) == "March 10, 2027, 12:30 a.m."
    assert (
        local_text(at, person("Asia/Kolkata"), "j F Y, H:i", with_zone=True)
        == "10 March 2027, 00:30 (Asia/Kolkata)"
    )


def test_the_clock_jumps_forward_across_the_spring_change() -> None:
    london = person("Europe/London")  # clocks go from 01:00 GMT to 02:00 BST on 28 March 2027
    before = datetime(2027, 3, 28, 0, 59, tzinfo=UTC)
    after = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    fmt = "j F Y, H:i"
    assert local_text(before, london, fmt, with_zone=True) == "28 March 2027, 00:59 (Europe/London)"
    assert local_text(after, london, fmt, with_zone=True) == "28 March 2027, 02:00 (Europe/London)"


def test_the_repeated_hour_in_autumn_reads_the_same_for_both_moments() -> None:
    london = person("Europe/London")  # 02:00 BST becomes 01:00 GMT on 31 October 2027
    summer = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    winter = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert local_text(summer, london, "j F Y, H:i") == "31 October 2027, 01:30"
    assert local_text(winter, london, "j F Y, H:i") == "31 October 2027, 01:30"


@pytest.mark.parametrize("zone", ["", None, *NOT_ZONES])
def test_no_zone_or_one_that_is_not_a_zone_falls_back_to_utc(zone: str | None) -> None:
    at = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert member_zone(person(zone)) == ZoneInfo("UTC")
    assert local_text(at, person(zone), with_zone=True) == "March 28, 2027, 1 a.m. (UTC)"


def test_someone_without_a_time_zone_attribute_is_in_utc() -> None:
    at = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    assert (
        local_text(at, AnonymousUser(), "j F Y, H:i", with_zone=True) == "1 July 2027, 12:00 (UTC)"
    )


def test_zone_named_gives_none_for_what_is_not_a_zone() -> None:
    assert zone_named("Pacific/Auckland") == ZoneInfo("Pacific/Auckland")
    assert zone_named("") is None
    assert zone_named(None) is None
    for name in NOT_ZONES:
        assert zone_named(name) is None


# --- Safety: when a mute or ban ends -----------------------------------------------------------


def mute_until(ends_at: datetime | None) -> Sanction:
    starts = datetime(2026, 11, 1, tzinfo=UTC)
    return Sanction(action_id=1, kind="mute", reason="Cool-off", starts_at=starts, ends_at=ends_at)


def test_a_sanction_ends_in_the_members_own_time() -> None:
    sanction = mute_until(datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    assert (
        until_text(sanction, person("Europe/London"))
        == "until 3 December 2026, 14:00 (Europe/London)"
    )
    assert (
        until_text(sanction, person("Pacific/Auckland"))
        == "until 4 December 2026, 03:00 (Pacific/Auckland)"
    )
    assert until_text(sanction, person("Mars/Olympus")) == "until 3 December 2026, 14:00 (UTC)"
    assert until_text(sanction, person("")) == "until 3 December 2026, 14:00 (UTC)"
    assert until_text(sanction, AnonymousUser()) == "until 3 December 2026, 14:00 (UTC)"
    assert until_text(mute_until(None), person("Europe/London")) == "until a moderator lifts it"


def test_a_folder_of_zones_no_longer_breaks_the_sanction_message() -> None:
    # ZoneInfo("America") raises IsADirectoryError, which the safety helper did not catch.
    sanction = mute_until(datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    assert until_text(sanction, person("America")) == "until 3 December 2026, 14:00 (UTC)"


# --- Outcomes: the zone due dates are counted in ----------------------------------------------


def test_outcomes_counts_days_in_the_members_zone_with_its_own_fallback(
    make_user: Callable[..., User],
) -> None:
    assert outcomes.member_zone(make_user(time_zone="Pacific/Auckland")) == ZoneInfo(
        "Pacific/Auckland"
    )
    assert outcomes.member_zone(make_user(time_zone="")) == ZoneInfo("UTC")
    assert outcomes.member_zone(make_user(time_zone="Mars/Olympus")) is dt.UTC
    assert outcomes.member_zone(make_user(time_zone="America")) is dt.UTC


@pytest.mark.django_db
def test_a_stored_zone_that_is_not_one_never_breaks_a_page_quiet_hours_or_the_digest(
    make_user: Callable[..., User],
) -> None:
    # Onboarding only offers real zones; a bad value from an import or an old row must still
    # give pages in UTC, not a 500 on every request.
    from peerhaven.accounts.services import in_quiet_hours
    from peerhaven.notifications.digest import send_digests

    user = make_user()
    User.objects.filter(pk=user.pk).update(
        time_zone="America", quiet_hours_start=time(22, 0), quiet_hours_end=time(7, 0)
    )
    user.refresh_from_db()
    from peerhaven.notifications.models import NotificationPreference

    NotificationPreference.objects.create(user=user, kind="digest", email=True)
    client = login(Client(), user)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    assert in_quiet_hours(user, datetime(2027, 1, 5, 23, 30, tzinfo=UTC)) is True
    assert in_quiet_hours(user, datetime(2027, 1, 5, 12, 0, tzinfo=UTC)) is False
    send_digests(datetime(2027, 1, 5, 12, 0, tzinfo=UTC))
