"""A notification can say one thing in the app and another by e-mail: what an inbox or a lock
screen should not show (a support group's name) stays in the app."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode, erase_member
from peerhaven.notifications.models import Notification, NotificationPreference
from peerhaven.notifications.services import notify

pytestmark = pytest.mark.django_db


def _wants_email(user: User) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind="group", defaults={"in_app": True, "email": True}
    )


def test_the_email_says_its_own_words_and_the_app_keeps_the_name(
    member: User, django_capture_on_commit_callbacks: Any
) -> None:
    _wants_email(member)
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(
            recipient=member,
            kind="group",
            title="Reminder: Postpartum circle meets at 19:00",
            body="Bring a cup of tea.",
            url="/groups/open/1/",
            email_title="Reminder: your group meets at 19:00",
            email_body="The meeting starts at 19:00.",
        )
    assert notice.title.startswith("Reminder: Postpartum")
    [sent] = mail.outbox
    assert sent.subject == "[Peerhaven] Reminder: your group meets at 19:00"
    assert "Postpartum" not in sent.body and "Bring a cup of tea" not in sent.body
    assert "The meeting starts at 19:00." in sent.body and "/groups/open/1/" in sent.body


def test_without_email_words_the_email_repeats_the_app(
    member: User, django_capture_on_commit_callbacks: Any
) -> None:
    _wants_email(member)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=member, kind="group", title="Hello", body="Some news.")
    [sent] = mail.outbox
    assert sent.subject == "[Peerhaven] Hello" and "Some news." in sent.body


def test_erasure_scrubs_the_email_words_too(member: User, make_user: Any) -> None:
    other = make_user(display_name="Amber Willow")
    notify(
        recipient=member,
        kind="group",
        title="News",
        email_title="Amber Willow asked to join",
        email_body="From Amber Willow.",
    )
    erase_member(user=other, mode=EraseMode.ANONYMISE)
    row = Notification.objects.get(recipient=member)
    assert "Amber Willow" not in row.email_title + row.email_body
    assert row.email_title == "A former member asked to join"
