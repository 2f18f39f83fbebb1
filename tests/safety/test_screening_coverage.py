"""An appeal is text a person writes: it passes the safety gate like any other.

Someone just muted or banned may be in distress; risk in their appeal must reach the alert
queue (with its timer) and put crisis help in front of them, not wait in the appeals list.
An appeal is never refused for a mute or ban: that is what it is for.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import services
from peerhaven.safety.models import Appeal, RiskAlert

pytestmark = pytest.mark.django_db

IMMINENT_TEXT = "I am going to overdose on my pills tonight"
IDEATION_TEXT = "I wish I was dead"


def test_ideation_in_an_appeal_raises_an_alert_naming_the_member(
    member: User, moderator: User
) -> None:
    action = services.take_action(member=member, moderator=moderator, kind="mute", reason="Spam")
    appeal = services.file_appeal(action=action, member=member, text=IDEATION_TEXT)
    alert = RiskAlert.objects.get(kind="safety.appeal", object_id=str(appeal.pk))
    assert alert.author == member
    assert alert.level == "ideation"
    assert alert.url == reverse("moderation:appeals")
    assert appeal.text == IDEATION_TEXT  # the appeal itself is kept as written


def test_an_ordinary_appeal_raises_nothing(member: User, moderator: User) -> None:
    action = services.take_action(member=member, moderator=moderator, kind="ban", reason="Spam")
    services.file_appeal(action=action, member=member, text="It was a misunderstanding")
    assert not RiskAlert.objects.filter(kind="safety.appeal").exists()


def test_a_banned_member_appealing_with_imminent_risk_sees_crisis_help(
    client: Client, member: User, moderator: User
) -> None:
    action = services.take_action(member=member, moderator=moderator, kind="ban", reason="Spam")
    login(client, member)
    response = client.post(
        reverse("safety:appeal", args=[action.pk]), {"text": IMMINENT_TEXT}, follow=True
    )
    assert response.status_code == 200
    assert Appeal.objects.get(action=action).text == IMMINENT_TEXT
    alert = RiskAlert.objects.get(kind="safety.appeal")
    assert alert.level == "imminent" and alert.author == member
    assert "Help is here right now" in response.content.decode()
