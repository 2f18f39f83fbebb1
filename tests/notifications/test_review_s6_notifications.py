"""Review s6: e-mails that wait for quiet hours, the daily digest and what e-mails carry."""

from __future__ import annotations

from datetime import datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from peerhaven.accounts.models import User
from peerhaven.notifications import digest, services
from peerhaven.notifications.digest import send_digests
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def _quiet(member: User, start: time, end: time) -> None:
    member.time_zone = "UTC"
    member.quiet_hours_start, member.quiet_hours_end = start, end
    member.save()


def test_an_email_waiting_for_quiet_hours_is_not_sent_after_the_member_turned_emails_off(
    member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _quiet(member, time(0, 0), time(23, 59))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=member, kind="group", title="Your group meets tomorrow")
    assert mail.outbox == []
    # During the night the member decides they want no group e-mails at all.
    services.set_preferences(user=member, choices={"group": (True, False)})
    with mock.patch("peerhaven.notifications.services.in_quiet_hours", return_value=False):
        services.deliver_deferred_emails()
    assert mail.outbox == []
    # Still in the app.
    assert Notification.objects.filter(recipient=member, kind="group").count() == 1


def test_an_urgent_email_is_still_sent_whatever_came_after(
    moderator: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=moderator, kind="safety", title="Alert", urgent=True)
    assert len(mail.outbox) == 1


def _opt_into_digest(member: User) -> None:
    services.set_preferences(user=member, choices={"digest": (True, True)})
    services.notify(recipient=member, kind="reply", title="Sam replied to your thread")
    Notification.objects.update(created_at=datetime(2030, 5, 1, 12, 0, tzinfo=UTC))


def test_the_digest_waits_for_quiet_hours_that_cover_six_in_the_evening(member: User) -> None:
    _quiet(member, time(17, 0), time(9, 0))
    _opt_into_digest(member)
    assert send_digests(datetime(2030, 5, 1, 18, 0, tzinfo=UTC)) == 0
    assert send_digests(datetime(2030, 5, 2, 3, 0, tzinfo=UTC)) == 0  # still quiet
    assert mail.outbox == []
    # The first run after quiet hours end sends it, once.
    assert send_digests(datetime(2030, 5, 2, 9, 0, tzinfo=UTC)) == 1
    assert "Sam replied to your thread" in mail.outbox[0].body
    assert send_digests(datetime(2030, 5, 2, 10, 0, tzinfo=UTC)) == 0
    assert len(mail.outbox) == 1


def test_the_digest_is_not_sent_outside_six_in_the_evening_without_quiet_hours(
    member: User,
) -> None:
    member.time_zone = "UTC"
    member.save()
    _opt_into_digest(member)
    assert send_digests(datetime(2030, 5, 2, 9, 0, tzinfo=UTC)) == 0
    assert send_digests(datetime(2030, 5, 1, 18, 0, tzinfo=UTC)) == 1


def test_two_job_workers_running_the_digest_at_once_send_it_once(member: User) -> None:
    member.time_zone = "UTC"
    member.save()
    _opt_into_digest(member)
    evening = datetime(2030, 5, 1, 18, 0, tzinfo=UTC)
    real_zone = digest.member_zone
    calls = {"n": 0}

    def other_worker_runs_in_between(user: User) -> ZoneInfo:
        # The first worker has read the member's digest preference; a second worker (another
        # `run_huey` process running the same hourly job) now does the whole round.
        calls["n"] += 1
        if calls["n"] == 1:
            send_digests(evening)
        return real_zone(user)

    with mock.patch.object(digest, "member_zone", side_effect=other_worker_runs_in_between):
        send_digests(evening)
    assert len(mail.outbox) == 1


def test_a_title_with_a_line_break_still_reaches_the_member_by_email(
    member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=member, kind="group", title="Your group\nmeets tomorrow")
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject
    assert "Your group meets tomorrow" in mail.outbox[0].subject


def test_members_still_in_quiet_hours_do_not_hold_back_everyone_elses_emails(
    member: User, outsider: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _quiet(outsider, time(17, 0), time(9, 0))
    _quiet(member, time(17, 0), time(9, 0))
    night = datetime(2030, 5, 1, 23, 0, tzinfo=UTC)
    with (
        mock.patch("django.utils.timezone.now", return_value=night),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(recipient=member, kind="group", title="For the member")
        for i in range(3):
            services.notify(recipient=outsider, kind="group", title=f"Later {i}")
    assert mail.outbox == []
    # Morning for the member; the outsider (another zone) is still in their quiet hours.
    outsider.time_zone = "Asia/Tokyo"  # 09:30 UTC is 18:30 there
    outsider.save()
    morning = datetime(2030, 5, 2, 9, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=morning):
        services.deliver_deferred_emails(limit=2)
    assert [m.to for m in mail.outbox] == [[member.email]]
