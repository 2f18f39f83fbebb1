"""Imminent-risk alerts and escalations reach moderators at once, whatever their quiet hours."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from datetime import time
from typing import Any

from django.core import mail
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.notifications import services as notifications
from peerhaven.notifications.models import Notification
from peerhaven.safety import services
from peerhaven.safety.models import RiskAlert

IMMINENT_TEXT = "I am going to overdose on my pills tonight"
IDEATION_TEXT = "I wish I was dead"


def _always_quiet(person: User) -> User:
    """Quiet all day long, so only an urgent e-mail can go out."""
    person.quiet_hours_start, person.quiet_hours_end = time(0, 0), time(23, 59)
    person.time_zone = "UTC"
    person.save()
    return person


def _mails_to(person: User) -> list[Any]:
    return [m for m in mail.outbox if person.email in m.to]


def test_an_imminent_alert_emails_the_moderator_on_duty_during_their_quiet_hours(
    on_duty: User,
    make_alert: Callable[..., RiskAlert],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _always_quiet(on_duty)
    with django_capture_on_commit_callbacks(execute=True):
        alert = make_alert(text=IMMINENT_TEXT)
    assert alert.level == "imminent"
    sent = _mails_to(on_duty)
    assert len(sent) == 1 and "Imminent-risk alert" in sent[0].subject
    note = Notification.objects.get(recipient=on_duty, kind="safety")
    assert note.urgent and note.emailed_at is not None


def test_with_nobody_on_duty_every_moderator_and_admin_is_emailed_at_once(
    moderator: User,
    admin: User,
    make_alert: Callable[..., RiskAlert],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _always_quiet(moderator)
    _always_quiet(admin)
    with django_capture_on_commit_callbacks(execute=True):
        make_alert(text=IMMINENT_TEXT)
    assert len(_mails_to(moderator)) == 1 and len(_mails_to(admin)) == 1


def test_an_ideation_alert_sends_no_urgent_email(
    on_duty: User,
    make_alert: Callable[..., RiskAlert],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _always_quiet(on_duty)
    with django_capture_on_commit_callbacks(execute=True):
        make_alert(text=IDEATION_TEXT)
    assert _mails_to(on_duty) == []
    assert not Notification.objects.filter(urgent=True).exists()


def test_escalations_reach_the_target_and_admins_during_their_quiet_hours(
    on_duty: User,
    admin: User,
    make_alert: Callable[..., RiskAlert],
    django_capture_on_commit_callbacks: Any,
) -> None:
    alert = make_alert(text=IDEATION_TEXT)
    _always_quiet(on_duty)
    _always_quiet(admin)
    later = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_alerts(now=later) == 1
    assert any("escalated" in m.subject for m in _mails_to(on_duty))
    assert any("escalated" in m.subject for m in _mails_to(admin))
    assert alert.pk


def test_other_kinds_still_wait_for_quiet_hours(
    member: User, django_capture_on_commit_callbacks: Any
) -> None:
    _always_quiet(member)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipient=member, kind="safety", title="The safety team wrote")
        notifications.notify(recipient=member, kind="group", title="Meeting moved")
    assert mail.outbox == []
    # The periodic job sends deferred e-mails only when quiet hours end, urgent or not.
    assert notifications.deliver_deferred_emails() == 0


def test_an_urgent_email_that_was_deferred_goes_with_the_next_periodic_run(
    make_user: Callable[..., User],
) -> None:
    # E.g. the immediate job failed: the periodic job must not hold it for quiet hours either.
    moderator = _always_quiet(make_user(roles=(Role.MODERATOR,)))
    note = notifications.notify(
        recipient=moderator, kind="safety", title="Imminent-risk alert", urgent=True
    )
    assert note.emailed_at is None  # the on-commit job has not run in this transaction
    assert notifications.deliver_deferred_emails() == 1
    assert len(_mails_to(moderator)) == 1


def test_urgent_respects_a_moderator_who_turned_safety_emails_off(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    moderator = make_user(roles=(Role.MODERATOR,))
    notifications.set_preferences(user=moderator, choices={"safety": (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipient=moderator, kind="safety", title="Imminent", urgent=True)
    assert mail.outbox == []
    assert notifications.unread_count(moderator) == 1
