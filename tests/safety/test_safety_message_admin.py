"""The conversation with the safety team stays out of Django admin (safety/admin.py says why):
members are told that only they and the safety team read it, and Django admin is open to
admins who are not the team and would record no read in the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.safety import services
from peerhaven.safety.models import RiskAlert, SafetyMessage, SafetyPlan

# Invented text.
BODY = "How are you doing tonight? We are here for you."


@pytest.fixture
def superuser(make_user: Callable[..., User]) -> User:
    return make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)


@pytest.fixture
def reached_out(make_alert: Callable[..., RiskAlert], moderator: User) -> RiskAlert:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(alert=alert, moderator=moderator, title="We are here", body=BODY)
    return alert


@pytest.mark.parametrize("model", [SafetyMessage, RiskAlert, SafetyPlan])
def test_members_words_in_the_safety_app_are_not_registered_in_django_admin(
    model: type,
) -> None:
    assert not admin.site.is_registered(model)


def test_a_superuser_cannot_open_the_conversation_in_django_admin(
    reached_out: RiskAlert, client: Client, superuser: User, member: User
) -> None:
    login(client, superuser)
    message = SafetyMessage.objects.get(member=member)
    for url in (
        "/admin/safety/safetymessage/",
        f"/admin/safety/safetymessage/{message.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert BODY not in response.content.decode()
    # Nowhere else in the admin either: the safety app's index and the member's account page.
    for url in ("/admin/", "/admin/safety/", f"/admin/accounts/user/{member.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert BODY not in html and "safetymessage" not in html.lower(), url
    # The one place staff read it, the alert page, needs the moderator role: an admin without
    # it is refused there and no read of the conversation is recorded.
    assert client.get(f"/moderation/alerts/{reached_out.pk}/").status_code == 403
    assert not AuditEvent.objects.filter(action="safety.messages.read").exists()
