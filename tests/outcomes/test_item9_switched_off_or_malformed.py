"""A positive PHQ-9 item 9 reaches the safety team even when the questionnaire was switched
off meanwhile, or when a client sent it malformed ("2" for 2).

The submission or answer is still refused (nothing else stored), but the member said they
think of being better off dead; that must not depend on an admin's switch or a client's types.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.outcomes import services
from peerhaven.outcomes.models import Response
from peerhaven.safety.models import RiskAlert

from .api_calls import submit

pytestmark = pytest.mark.django_db


def test_a_switched_off_questionnaire_still_reports_a_positive_item_9(
    client: Client, member: User, phq9_answers: Any, enable_instruments: Any
) -> None:
    enable_instruments("phq9", enabled=False)

    page = submit(client, member, instrument="phq9", answers=phq9_answers(12, item9=2))

    assert page.status_code == 422
    body = page.json()
    assert body["error"]["code"] == "instrument_disabled"
    assert "switched off" in body["error"]["message"]
    assert list(body["error"]["fields"]) == ["instrument"]
    held = Response.objects.get(member=member)
    assert body["safety"]["screener_url"] == f"/outcomes/response/{held.pk}/safety/"
    assert held.answers == {"phq9_9": 2}
    assert held.status == Response.Status.IN_PROGRESS
    alert = RiskAlert.objects.get()
    assert (alert.author, alert.level, alert.kind) == (member, "ideation", "outcomes.phq9_item9")


def test_a_switched_off_questionnaire_without_item_9_stores_nothing(
    client: Client, member: User, phq9_answers: Any, enable_instruments: Any
) -> None:
    enable_instruments("phq9", enabled=False)

    page = submit(client, member, instrument="phq9", answers=phq9_answers(12, item9=0))

    assert page.status_code == 422
    assert page.json()["error"]["code"] == "instrument_disabled"
    assert page.json()["safety"] is None
    assert not Response.objects.exists()
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2", 2),
        (" 3 ", 3),
        ("+1", 1),
        ("2.0", 2),
        (2.0, 2),
        ("٢", 2),  # an Arabic-Indic two
        (True, 1),
        # Not an answer it has, but above 0: read as the lowest positive answer.
        (2.5, 1),
        ("1.5", 1),
        (7, 1),
        ("7", 1),
        ("2,0", 2),  # a decimal comma
        ("1e400", 1),  # infinity is above 0 too
    ],
)
def test_a_malformed_positive_item_9_is_refused_and_still_reported(
    client: Client, member: User, phq9_answers: Any, sent: Any, read: int
) -> None:
    answers: dict[str, Any] = phq9_answers(12, item9=0)
    answers["phq9_9"] = sent

    page = submit(client, member, instrument="phq9", answers=answers)

    assert page.status_code == 422
    body = page.json()
    assert body["error"]["code"] == "invalid_answer"
    assert list(body["error"]["fields"]) == ["answers.phq9_9"]
    assert body["safety"]["level"] == "ideation"
    assert Response.objects.get(member=member).answers == {"phq9_9": read}
    assert RiskAlert.objects.get().evidence[0]["value"] == read


@pytest.mark.parametrize(
    "sent", ["0", "0.0", 0.0, False, "often", "-1", -0.5, "", None, [2], "²", "nan", "-inf"]
)
def test_a_malformed_item_9_that_is_not_a_positive_answer_stores_nothing(
    client: Client, member: User, phq9_answers: Any, sent: Any
) -> None:
    answers: dict[str, Any] = phq9_answers(12, item9=0)
    answers["phq9_9"] = sent
    answers["phq9_4"] = "x"  # refused even when item 9 is a skip (None)

    page = submit(client, member, instrument="phq9", answers=answers)

    assert page.status_code == 422
    assert page.json()["safety"] is None
    assert not Response.objects.exists()
    assert not RiskAlert.objects.exists()


def test_switched_off_during_a_web_check_in_item_9_still_reaches_the_safety_team(
    member_client: Client, member: User, enable_instruments: Any
) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    url = f"/outcomes/response/{response.pk}/"
    for i in range(1, 9):
        assert member_client.post(url, {"item": f"phq9_{i}", "answer": "1"}).status_code == 302
    enable_instruments("phq9", enabled=False)

    moved = member_client.post(url, {"item": "phq9_9", "answer": "2"})

    assert moved.status_code == 302
    assert moved["Location"] == f"/outcomes/response/{response.pk}/safety/"
    response.refresh_from_db()
    assert response.answers["phq9_9"] == 2
    assert response.safety_level == "ideation"
    assert RiskAlert.objects.get().author == member
    assert 'href="/help/"' in member_client.get(moved["Location"]).content.decode()
    # Anything else is still refused while it is off, and the check-in cannot be finished.
    assert member_client.post(url, {"item": "phq9_1", "answer": "2"}).status_code == 409
    assert member_client.post(url, {"item": "phq9_10", "answer": "1"}).status_code == 409
    response.refresh_from_db()
    assert response.answers["phq9_1"] == 1
    assert response.status == Response.Status.IN_PROGRESS


def test_switched_off_item_9_answered_not_at_all_is_refused(
    member: User, enable_instruments: Any
) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    enable_instruments("phq9", enabled=False)

    with pytest.raises(ValidationError) as refused:
        services.answer_item(response=response, user=member, item_id="phq9_9", value=0)

    assert refused.value.code == "instrument_disabled"
    response.refresh_from_db()
    assert response.answers == {}
    assert not RiskAlert.objects.exists()
