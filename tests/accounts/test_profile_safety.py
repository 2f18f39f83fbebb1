"""Profile text is user text: risk in a bio reaches the safety team and the author sees help."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from peerhaven.accounts.models import User
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db


def test_ideation_in_a_bio_raises_an_alert_and_shows_crisis_help(
    member_client: Client, member: User
) -> None:
    User.objects.filter(pk=member.pk).update(country="GB")
    response = member_client.post(
        reverse("accounts:profile"),
        {
            "form": "profile",
            "display_name": member.display_name,
            "pronouns": "",
            "bio": "I want to die.",
        },
        follow=True,
    )
    assert response.status_code == 200
    alert = RiskAlert.objects.get(author=member)
    assert alert.kind == "profile"
    assert alert.level in {"ideation", "imminent"}
    html = response.content.decode()
    assert "Help is here right now" in html
    assert "116 123" in html  # Samaritans: the member's country is GB


def test_an_ordinary_bio_raises_nothing(member_client: Client, member: User) -> None:
    member_client.post(
        reverse("accounts:profile"),
        {
            "form": "profile",
            "display_name": member.display_name,
            "bio": "I like long walks and tea.",
        },
    )
    assert not RiskAlert.objects.filter(author=member).exists()
