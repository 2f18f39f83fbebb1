from __future__ import annotations

import re
from datetime import time, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.notifications import services
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_creates_an_in_app_notification_and_counts_it_unread(
    member_client: Client, member: User
) -> None:
    services.notify(recipient=member, kind="reply", title="Someone replied", url="/x/")
    assert services.unread_count(member) == 1
    html = member_client.get("/").content.decode()
    assert 'class="badge"' in html
    assert "1 unread" in html


def test_email_goes_through_the_job_queue_when_wanted(
    member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=member, kind="group", title="Your group meets tomorrow")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "Your group meets tomorrow" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=member).emailed_at is not None


def test_no_email_for_kinds_the_member_turned_off(
    member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    services.set_preferences(user=member, choices={"group": (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=member, kind="group", title="Quiet please")
    assert mail.outbox == []


def test_email_waits_for_quiet_hours_to_end(
    member: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    member.quiet_hours_start, member.quiet_hours_end = time(0, 0), time(23, 59)
    member.time_zone = "UTC"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=member, kind="group", title="Later")
    assert mail.outbox == []
    with mock.patch("peerhaven.notifications.services.in_quiet_hours", return_value=False):
        assert services.deliver_deferred_emails() == 1
    assert len(mail.outbox) == 1
    # Sent once only.
    with mock.patch("peerhaven.notifications.services.in_quiet_hours", return_value=False):
        assert services.deliver_deferred_emails() == 0


def test_safety_messages_always_reach_the_app(member: User) -> None:
    services.set_preferences(user=member, choices={"safety": (False, False)})
    services.notify(recipient=member, kind="safety", title="The safety team wrote to you")
    assert services.unread_count(member) == 1


def test_muted_in_app_kinds_are_kept_but_not_counted(member: User) -> None:
    services.set_preferences(user=member, choices={"reaction": (False, False)})
    services.notify(recipient=member, kind="reaction", title="Someone said me too")
    assert services.unread_count(member) == 0
    assert Notification.objects.filter(recipient=member).count() == 1


def test_unknown_kinds_are_a_programming_error(member: User) -> None:
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify(recipient=member, kind="nope", title="x")


def test_mark_read_and_mark_all_read(member_client: Client, member: User) -> None:
    first = services.notify(recipient=member, kind="system", title="one", url="/help/")
    services.notify(recipient=member, kind="system", title="two")
    response = member_client.post(
        reverse("notifications:mark_read", args=[first.pk]), {"open": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/help/"
    assert services.unread_count(member) == 1
    member_client.post(reverse("notifications:mark_all_read"))
    assert services.unread_count(member) == 0


def test_notification_urls_cannot_redirect_off_site(member_client: Client, member: User) -> None:
    n = services.notify(recipient=member, kind="system", title="x", url="https://evil.example/")
    response = member_client.post(reverse("notifications:mark_read", args=[n.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:inbox")


def test_nobody_marks_another_members_notification(
    client: Client, member: User, outsider: User
) -> None:
    n = services.notify(recipient=member, kind="system", title="private")
    login(client, outsider)
    assert client.post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
    assert "private" not in client.get(reverse("notifications:inbox")).content.decode()


def test_preferences_page_saves_choices(member_client: Client, member: User) -> None:
    response = member_client.post(
        reverse("notifications:preferences"), {"reply-in_app": "on", "reply-email": "on"}
    )
    assert response.status_code == 302
    prefs = services.effective_preferences(member)
    assert prefs["reply"] == (True, True)
    assert prefs["group"] == (False, False)
    assert prefs["safety"][0] is True  # cannot be switched off in the app


def test_a_fresh_notification_reads_now_not_zero_minutes(
    member_client: Client, member: User
) -> None:
    services.notify(recipient=member, kind="system", title="Just arrived")
    page = member_client.get(reverse("notifications:inbox")).content.decode()
    assert "0\xa0minutes" not in page and "0 minutes" not in page
    assert re.search(r">(now|\d+\W+seconds? ago)</time>", page)


def test_inbox_has_a_constant_query_count(
    member_client: Client, member: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for i in range(40):
        services.notify(recipient=member, kind="system", title=f"n{i}")
    with django_assert_max_num_queries(10):
        assert member_client.get(reverse("notifications:inbox")).status_code == 200


def test_the_daily_digest_gathers_unread_forum_activity_at_six_in_the_evening(member: User) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from peerhaven.notifications.digest import send_digests

    member.time_zone = "Asia/Kolkata"
    member.save()
    services.set_preferences(user=member, choices={"digest": (True, True), "reply": (True, False)})
    services.notify(recipient=member, kind="reply", title="Sam replied to your thread")
    services.notify(recipient=member, kind="mention", title="Ana mentioned you")
    services.notify(recipient=member, kind="system", title="Not in the digest")
    noon = datetime(2030, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    evening = datetime(2030, 5, 1, 18, 5, tzinfo=ZoneInfo("Asia/Kolkata"))
    Notification.objects.update(created_at=noon)
    assert send_digests(noon) == 0
    assert send_digests(evening) == 1
    body = mail.outbox[-1].body
    assert "Sam replied to your thread" in body and "Ana mentioned you" in body
    assert "Not in the digest" not in body
    assert send_digests(evening) == 0  # once a day


def test_no_digest_without_opting_in(member: User) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from peerhaven.notifications.digest import send_digests

    evening = datetime(2030, 5, 1, 18, 5, tzinfo=ZoneInfo(member.time_zone))
    services.notify(recipient=member, kind="reply", title="A reply")
    Notification.objects.update(created_at=evening - timedelta(hours=2))
    services.set_preferences(user=member, choices={"digest": (True, False)})  # in-app only
    assert send_digests(evening) == 0
    services.set_preferences(user=member, choices={"digest": (True, True)})
    assert send_digests(evening) == 1  # the same data does produce a digest once opted in
