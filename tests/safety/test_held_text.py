"""The alert on held text keeps a copy of it, for the moderator who decides on it.

Only held text is copied (the rest stays where it was written); the copy is the member's data:
in their export, and gone when they erase their account.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.safety import services
from peerhaven.safety.gate import GateOutcome
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db

HELD = "I am going to overdose on my pills tonight"
NOT_HELD = "I wish I was dead"


def _screen(outcome_for: Callable[[str], GateOutcome], author: User, text: str) -> RiskAlert:
    alert = services.handle_screening(
        outcome=outcome_for(text), author=author, kind="groups.room", obj=None, text=text
    )
    assert alert is not None
    return alert


def test_held_text_is_kept_on_the_alert_and_shown_to_the_moderator(
    member: User, moderator_client: Client, outcome_for: Callable[[str], GateOutcome]
) -> None:
    alert = _screen(outcome_for, member, HELD)
    assert alert.held and alert.held_text == HELD
    page = moderator_client.get(f"/moderation/alerts/{alert.pk}/").content.decode()
    assert "The held text, as written" in page and HELD in page


def test_text_that_is_not_held_is_not_copied(
    member: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    alert = _screen(outcome_for, member, NOT_HELD)
    assert not alert.held and alert.held_text == ""


def test_the_copy_is_in_the_members_export_and_goes_with_their_account(
    member: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    _screen(outcome_for, member, HELD)
    data = export_member_data(user=member)
    assert data["safety"]["risk_alerts_about_me"][0]["held_text"] == HELD
    erase_member(user=member, mode=EraseMode.ANONYMISE)
    assert not RiskAlert.objects.filter(held_text=HELD).exists()
