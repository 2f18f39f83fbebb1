"""Who the team's pages go to: moderators who can act (active, not banned, with two-factor),
never the person an alert is about, and for a member's reply the moderator who acknowledged
their alert — not one an escalation merely named."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.test import Client

from peerhaven.accounts.models import Role, User
from peerhaven.notifications.models import Notification
from peerhaven.safety import services
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db

REPLIED = "A member answered the safety team"


def _escalated_titles() -> set[int]:
    return set(
        Notification.objects.filter(title__contains="escalated").values_list("recipient", flat=True)
    )


def test_an_alert_about_a_moderator_never_pages_them_and_they_cannot_take_it(
    make_alert: Callable[..., RiskAlert],
    make_user: Callable[..., User],
    second_moderator: User,
) -> None:
    author = make_user(display_name="Tired Lantern", roles=(Role.MODERATOR,))
    alert = make_alert(author=author)
    later = alert.sla_due_at + datetime.timedelta(minutes=1)
    assert services.escalate_overdue_alerts(now=later) == 1
    assert _escalated_titles() == {second_moderator.pk}
    with pytest.raises(PermissionDenied):
        services.claim_alert(alert_id=alert.pk, moderator=author)
    assert services.claim_next_alert(moderator=author) is None
    assert services.claim_alert(alert_id=alert.pk, moderator=second_moderator)


def test_the_fallback_skips_moderators_who_cannot_act(
    make_alert: Callable[..., RiskAlert], moderator: User, second_moderator: User
) -> None:
    Authenticator.objects.filter(user=second_moderator).delete()  # lost their second factor
    alert = make_alert()
    later = alert.sla_due_at + datetime.timedelta(minutes=1)
    services.escalate_overdue_alerts(now=later)
    assert _escalated_titles() == {moderator.pk}


def test_a_reply_skips_a_handler_without_two_factor(
    make_alert: Callable[..., RiskAlert],
    moderator: User,
    second_moderator: User,
    member_client: Client,
) -> None:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(alert=alert, moderator=moderator, title="Hello", body="How are you?")
    services.set_on_duty(moderator=second_moderator, on_duty=True)
    Authenticator.objects.filter(user=moderator).delete()
    member_client.post("/safety/messages/", {"body": "A bit better, thank you."})
    told = set(Notification.objects.filter(title=REPLIED).values_list("recipient", flat=True))
    assert told == {second_moderator.pk}


def test_a_reply_on_an_escalated_but_unacknowledged_alert_reaches_those_on_duty(
    make_alert: Callable[..., RiskAlert],
    moderator: User,
    second_moderator: User,
    member: User,
    member_client: Client,
) -> None:
    # The member can answer once the team wrote to them (an earlier, resolved alert).
    earlier = make_alert()
    services.claim_alert(alert_id=earlier.pk, moderator=second_moderator)
    services.send_outreach(alert=earlier, moderator=second_moderator, title="Hi", body="Hello")
    services.resolve_alert(alert=earlier, moderator=second_moderator, outcome="reached_out")
    # A new alert, escalated to ``moderator`` (a nudge), acknowledged by nobody.
    services.set_on_duty(moderator=moderator, on_duty=True)
    services.set_on_duty(moderator=second_moderator, on_duty=True)
    alert = make_alert(text="I want to die")
    services.escalate_overdue_alerts(now=alert.sla_due_at + datetime.timedelta(minutes=1))
    alert.refresh_from_db()
    assert alert.assigned_to_id is not None and alert.acknowledged_at is None
    Notification.objects.all().delete()
    member_client.post("/safety/messages/", {"body": "A bit better, thank you."})
    told = set(Notification.objects.filter(title=REPLIED).values_list("recipient", flat=True))
    assert told == {moderator.pk, second_moderator.pk}
