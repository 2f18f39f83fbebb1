"""Safety fixtures: screening outcomes, alerts and on-duty moderators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import Role, User
from peerhaven.safety import services
from peerhaven.safety.gate import GateOutcome, screen_user_text
from peerhaven.safety.models import RiskAlert

# Invented texts, one per level (the same constants live in test modules that need them).

IMMINENT_TEXT = "I am going to overdose on my pills tonight"
IDEATION_TEXT = "I wish I was dead"


@pytest.fixture
def outcome_for() -> Callable[[str], GateOutcome]:
    def factory(text: str) -> GateOutcome:
        return screen_user_text(text=text, kind="test", author=None)

    return factory


@pytest.fixture
def moderator_client(client: Client, moderator: User) -> Client:
    return login(client, moderator)


@pytest.fixture
def on_duty(moderator: User) -> User:
    services.set_on_duty(moderator=moderator, on_duty=True)
    return moderator


@pytest.fixture
def make_alert(member: User, outcome_for: Callable[[str], GateOutcome]) -> Callable[..., RiskAlert]:
    """Raise an alert as the gate would, about ``obj`` (a user row stands in for a post)."""

    def factory(
        *, text: str = IDEATION_TEXT, author: User | None = None, obj: Any = None
    ) -> RiskAlert:
        alert = services.handle_screening(
            outcome=outcome_for(text),
            author=author or member,
            kind="forums.post",
            obj=obj,
            url="/forums/t/1/",
        )
        assert alert is not None
        return alert

    return factory


@pytest.fixture
def second_moderator(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Patient Willow", roles=(Role.MODERATOR,))
