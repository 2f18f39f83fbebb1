"""A bad answer elsewhere in a submission never hides a valid positive PHQ-9 item 9.

The submission is still refused (422, nothing of it stored as a response), but item 9 reaches
the safety capability through the same call as a stored positive item 9, once, and the 422
tells the client to show crisis support. The batch importer follows the same rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.outcomes import services
from peerhaven.outcomes.models import Response, SafetyScreen
from peerhaven.safety.models import RiskAlert

from .api_calls import submit

pytestmark = pytest.mark.django_db


def with_bad_answer(phq9_answers: Any, bad: Any, *, item9: int = 2) -> dict[str, Any]:
    answers: dict[str, Any] = phq9_answers(10, item9=item9)
    answers["phq9_4"] = bad
    return answers


@pytest.mark.parametrize("bad", [4, -1, True, "2", 1.5, None])
def test_a_refused_submission_still_reports_a_positive_item_9(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any, bad: Any
) -> None:
    answers = with_bad_answer(phq9_answers, bad)
    if bad is None:  # an item the questionnaire does not have, next to a skipped one
        answers["phq9_99"] = 1

    page = submit(client, member, instrument="phq9", answers=answers)

    assert page.status_code == 422
    body = page.json()
    assert body["error"]["code"] == "invalid_answer"
    bad_field = "answers.phq9_99" if bad is None else "answers.phq9_4"
    assert list(body["error"]["fields"]) == [bad_field]
    held = Response.objects.get(member=member)
    # The same safety response as a stored positive item 9 (test_outcomes_django_safety.py).
    report_outcome.assert_called_once()
    call = report_outcome.call_args.kwargs
    assert call["outcome"].level == "ideation"
    assert call["outcome"].evidence == [
        {"rule": "phq9.item9", "flag": "item9_positive", "item": "phq9_9", "value": 2}
    ]
    assert call["kind"] == "outcomes.phq9_item9"
    assert call["author"] == member
    assert call["obj"] == held
    assert call["url"] == f"/outcomes/response/{held.pk}/safety/"
    assert body["safety"] == {
        "level": "ideation",
        "help_url": "/help/",
        "screener_url": f"/outcomes/response/{held.pk}/safety/",
    }
    # Only item 9 is kept, in an unfinished check-in; the refused answers are not stored.
    assert held.answers == {"phq9_9": 2}
    assert held.status == Response.Status.IN_PROGRESS
    assert held.total is None
    assert held.safety_level == "ideation"
    assert SafetyScreen.objects.filter(response=held, member=member).exists()


def test_the_422_names_every_bad_answer(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any
) -> None:
    answers = with_bad_answer(phq9_answers, 7)
    answers["phq9_2"] = "often"
    answers["phq9_10"] = 9

    body = submit(client, member, instrument="phq9", answers=answers).json()

    assert set(body["error"]["fields"]) == {"answers.phq9_2", "answers.phq9_4", "answers.phq9_10"}
    assert '"often"' in body["error"]["message"]
    assert "phq9_4" in body["error"]["message"]
    assert body["safety"]["level"] == "ideation"


def test_a_bad_context_does_not_hide_item_9_either(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any
) -> None:
    page = submit(
        client, member, instrument="phq9", answers=phq9_answers(10, item9=1), context="weekly"
    )

    assert page.status_code == 422
    assert page.json()["error"]["code"] == "invalid_context"
    assert page.json()["safety"]["level"] == "ideation"
    report_outcome.assert_called_once()
    assert not Response.objects.filter(status=Response.Status.COMPLETE).exists()


@pytest.mark.parametrize("key", ["", "phone-42"])
def test_retrying_the_same_bad_submission_alerts_once(
    client: Client, member: User, phq9_answers: Any, key: str
) -> None:
    answers = with_bad_answer(phq9_answers, 4)

    pages = [
        submit(client, member, instrument="phq9", answers=answers, idempotency_key=key)
        for _ in range(3)
    ]

    assert [p.status_code for p in pages] == [422, 422, 422]
    assert {p.json()["safety"]["screener_url"] for p in pages} == {
        pages[0].json()["safety"]["screener_url"]
    }
    # One alert for the moderators (a retry while it is open adds nothing to the queue).
    assert RiskAlert.objects.count() == 1
    assert Response.objects.filter(member=member).count() == 1


def test_a_retry_raises_one_alert_for_moderators(
    client: Client, member: User, phq9_answers: Any
) -> None:
    answers = with_bad_answer(phq9_answers, "3", item9=3)

    for _ in range(2):
        assert submit(client, member, instrument="phq9", answers=answers).status_code == 422

    alert = RiskAlert.objects.get()
    assert alert.author == member
    assert alert.level == "ideation"
    assert alert.kind == "outcomes.phq9_item9"
    assert alert.evidence == [
        {"rule": "phq9.item9", "flag": "item9_positive", "item": "phq9_9", "value": 3}
    ]


def test_good_answers_under_the_same_key_complete_that_check_in_without_a_second_alert(
    client: Client, member: User, phq9_answers: Any
) -> None:
    refused = submit(
        client,
        member,
        instrument="phq9",
        answers=with_bad_answer(phq9_answers, 4),
        idempotency_key="k-1",
    )
    fixed = submit(
        client, member, instrument="phq9", answers=phq9_answers(10, item9=2), idempotency_key="k-1"
    )
    again = submit(
        client, member, instrument="phq9", answers=phq9_answers(10, item9=2), idempotency_key="k-1"
    )

    assert refused.status_code == 422
    assert fixed.status_code == 201
    assert again.status_code == 200
    assert fixed.json()["total"] == 10
    assert fixed.json()["safety"] == refused.json()["safety"]
    assert again.json()["id"] == fixed.json()["id"]
    assert RiskAlert.objects.count() == 1
    stored = Response.objects.get(member=member)
    assert stored.status == Response.Status.COMPLETE
    assert stored.answers == phq9_answers(10, item9=2)


def test_a_key_used_for_another_questionnaire_does_not_swallow_item_9(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any
) -> None:
    gad7 = {f"gad7_{i}": 1 for i in range(1, 8)}
    first = submit(client, member, instrument="gad7", answers=gad7, idempotency_key="k")
    assert first.status_code == 201

    page = submit(
        client, member, instrument="phq9", answers=phq9_answers(10, item9=2), idempotency_key="k"
    )

    assert page.status_code == 422
    assert page.json()["error"]["code"] == "key_reused"
    assert page.json()["safety"]["level"] == "ideation"
    report_outcome.assert_called_once()


# A malformed positive one ("1", or 4: above 0) is read as meant, see
# test_item9_switched_off_or_malformed.py.
@pytest.mark.parametrize("item9", [0, -1, "0"])
def test_without_a_positive_item_9_a_refused_submission_stores_nothing(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any, item9: Any
) -> None:
    answers = with_bad_answer(phq9_answers, 4, item9=0)
    answers["phq9_9"] = item9

    page = submit(client, member, instrument="phq9", answers=answers)

    assert page.status_code == 422
    assert page.json()["safety"] is None
    report_outcome.assert_not_called()
    assert not Response.objects.exists()


def test_the_member_can_open_the_screener_of_a_refused_submission(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any
) -> None:
    body = submit(client, member, instrument="phq9", answers=with_bad_answer(phq9_answers, 4))
    client.force_login(member)

    page = client.get(body.json()["safety"]["screener_url"])

    assert page.status_code == 200


def test_the_service_refuses_and_hands_back_the_check_in_that_opened_the_safety_flow(
    member: User, phq9_answers: Any, report_outcome: Any
) -> None:
    with pytest.raises(services.RefusedSubmissionError) as refused:
        services.submit_response(
            user=member, instrument_id="phq9", answers=with_bad_answer(phq9_answers, 4)
        )

    assert refused.value.code == "invalid_answer"
    assert set(refused.value.bad) == {"answers.phq9_4"}
    held = refused.value.safety_response
    assert held is not None
    assert held.safety_level == "ideation"
    report_outcome.assert_called_once()
