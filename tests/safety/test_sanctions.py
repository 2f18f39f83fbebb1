"""Mutes and bans in force: what they refuse, what they say, and when they end."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.safety import sanctions, services
from peerhaven.safety.models import ModerationAction
from peerhaven.safety.permissions import (
    PostingRestrictedError,
    can_post,
    check_post,
    is_banned,
    is_muted,
)


def _mute(member: User, moderator: User, *, hours: int | None = 24, reason: str = "") -> Any:
    return services.take_action(
        member=member,
        moderator=moderator,
        kind="mute",
        reason=reason or "Cool-off after a heated thread",
        hours=hours,
    )


def test_a_mute_refuses_posting_with_the_reason_and_the_end_in_the_members_time_zone(
    make_user: Callable[..., User], moderator: User
) -> None:
    member = make_user(time_zone="Pacific/Auckland")
    action = _mute(member, moderator, hours=48)
    with pytest.raises(PostingRestrictedError) as caught:
        check_post(member)
    exc = caught.value
    assert isinstance(exc, PermissionDenied)
    assert exc.status == 403 and exc.code == "muted"
    message = str(exc)
    assert "Cool-off after a heated thread" in message
    local_end = action.ends_at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert f"{local_end.day} {local_end:%B %Y, %H:%M} (Pacific/Auckland)" in message
    assert "/safety/actions/" in message  # how to appeal


def test_a_mute_without_an_end_says_it_lasts_until_a_moderator_lifts_it(
    member: User, moderator: User
) -> None:
    _mute(member, moderator, hours=None)
    with pytest.raises(PostingRestrictedError) as caught:
        check_post(member)
    assert "until a moderator lifts it" in str(caught.value)


def test_a_mute_ends_at_its_end_time(member: User, moderator: User) -> None:
    action = _mute(member, moderator, hours=2)
    assert action.ends_at is not None
    just_before = action.ends_at - datetime.timedelta(seconds=1)
    assert is_muted(member, now=just_before) and not can_post(member, now=just_before)
    with pytest.raises(PostingRestrictedError):
        check_post(member, now=just_before)
    assert not is_muted(member, now=action.ends_at)
    assert can_post(member, now=action.ends_at)
    check_post(member, now=action.ends_at + datetime.timedelta(minutes=1))


def test_a_ban_ends_at_its_end_time(member: User, moderator: User) -> None:
    action = services.take_action(
        member=member, moderator=moderator, kind="ban", reason="Spam", hours=24
    )
    assert is_banned(member)
    assert is_banned(member, now=action.ends_at - datetime.timedelta(seconds=1))
    assert not is_banned(member, now=action.ends_at)


def test_a_ban_refuses_even_where_a_mute_is_allowed_and_wins_over_a_mute(
    member: User, moderator: User
) -> None:
    _mute(member, moderator, hours=None)
    check_post(member, allow_muted=True)  # e.g. a mentee writing to their own mentor
    services.take_action(member=member, moderator=moderator, kind="ban", reason="Threats", hours=1)
    with pytest.raises(PostingRestrictedError) as caught:
        check_post(member, allow_muted=True)
    assert caught.value.code == "banned" and "Threats" in str(caught.value)


def test_the_longest_mute_is_the_one_reported(member: User, moderator: User) -> None:
    _mute(member, moderator, hours=1, reason="Short one")
    _mute(member, moderator, hours=72, reason="Long one")
    found = sanctions.active_sanction(member)
    assert found is not None and found.reason == "Long one"


def test_warnings_and_revoked_or_future_actions_do_not_restrict(
    member: User, moderator: User
) -> None:
    services.take_action(member=member, moderator=moderator, kind="warning", reason="Be kind")
    assert can_post(member)
    now = timezone.now()
    ModerationAction.objects.create(
        member=member, kind="mute", reason="Later", starts_at=now + datetime.timedelta(hours=1)
    )
    ModerationAction.objects.create(
        member=member, kind="ban", reason="Reversed", starts_at=now, revoked_at=now
    )
    assert can_post(member) and not is_banned(member)
    assert is_muted(member, now=now + datetime.timedelta(hours=2))


def test_an_overturned_appeal_lifts_the_ban_at_once_even_from_the_cache(
    member: User, moderator: User, second_moderator: User, settings: Any
) -> None:
    settings.SAFETY_SANCTION_CACHE_SECONDS = 60
    action = services.take_action(member=member, moderator=moderator, kind="ban", reason="Spam")
    assert sanctions.active_ban(member, cached=True) is not None  # now in the cache
    appeal = services.file_appeal(action=action, member=member, text="It was a mistake")
    services.decide_appeal(
        appeal=appeal, moderator=second_moderator, overturn=True, response="Sorry"
    )
    assert sanctions.active_ban(member, cached=True) is None


def test_the_cached_check_still_ends_a_sanction_at_its_end_time(
    member: User, moderator: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SAFETY_SANCTION_CACHE_SECONDS = 3600
    action = services.take_action(
        member=member, moderator=moderator, kind="ban", reason="Spam", hours=1
    )
    assert sanctions.active_ban(member, cached=True) is not None
    later = action.ends_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sanctions.active_ban(member, cached=True) is None


def test_check_post_refuses_anonymous_visitors() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        check_post(AnonymousUser())


def test_only_moderators_can_mute(member: User, outsider: User, make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        _mute(member, outsider)
    with pytest.raises(PermissionDenied):
        _mute(member, make_user(roles=(Role.MODERATOR,), two_factor=False))
    assert can_post(member)


@pytest.mark.parametrize("hours", [0, -3, 24 * 365 + 1])
def test_a_duration_outside_one_hour_to_a_year_is_refused(
    member: User, moderator: User, hours: int
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _mute(member, moderator, hours=hours)
    assert can_post(member)
