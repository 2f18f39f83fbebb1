"""The safety link: a positive PHQ-9 item 9 opens the safety flow; the C-SSRS sets the level."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from peerhaven.outcomes import cssrs, services
from peerhaven.outcomes.models import Response, SafetyScreen

pytestmark = pytest.mark.django_db


def answer_up_to_item9(member: Any, item9: int) -> Response:
    response = services.start_checkin(user=member, instrument_id="phq9")
    for i in range(1, 9):
        services.answer_item(response=response, user=member, item_id=f"phq9_{i}", value=1)
    services.answer_item(response=response, user=member, item_id="phq9_9", value=item9)
    return response


def levels(report_outcome: Any) -> list[str]:
    return [c.kwargs["outcome"].level for c in report_outcome.call_args_list]


@pytest.mark.parametrize("value", [1, 2, 3])
def test_a_positive_item_9_alerts_safety_at_ideation_level_at_once(
    member: Any, report_outcome: Any, value: int
) -> None:
    response = answer_up_to_item9(member, value)

    report_outcome.assert_called_once()
    call = report_outcome.call_args.kwargs
    assert call["outcome"].level == "ideation"
    assert call["outcome"].evidence[0]["rule"] == "phq9.item9"
    assert call["outcome"].evidence[0]["value"] == value
    assert call["kind"] == "outcomes.phq9_item9"
    assert call["author"] == member
    assert call["obj"] == response
    assert call["url"] == f"/outcomes/response/{response.pk}/safety/"
    response.refresh_from_db()
    assert response.safety_level == "ideation"
    # The check-in is not finished yet: the alert does not wait for the last question.
    assert response.status == Response.Status.IN_PROGRESS
    assert SafetyScreen.objects.filter(response=response, member=member).exists()


def test_item_9_answered_not_at_all_does_not_alert(member: Any, report_outcome: Any) -> None:
    response = answer_up_to_item9(member, 0)
    report_outcome.assert_not_called()
    assert not SafetyScreen.objects.filter(response=response).exists()


def test_changing_answers_after_a_positive_item_9_does_not_alert_twice(member: Any) -> None:
    from peerhaven.safety.models import RiskAlert

    response = answer_up_to_item9(member, 2)
    services.answer_item(response=response, user=member, item_id="phq9_9", value=3)
    services.answer_item(response=response, user=member, item_id="phq9_10", value=1)
    services.complete_checkin(response=response, user=member)
    # The real safety capability: while the alert is open, a changed item 9 adds none (one
    # resolved since does: test_item9_held_rows.py).
    alert = RiskAlert.objects.get()
    assert alert.level == "ideation"
    assert alert.object_id == str(response.pk)


def test_a_submitted_response_with_a_positive_item_9_alerts_too(
    member: Any, report_outcome: Any, phq9_answers: Any
) -> None:
    services.submit_response(user=member, instrument_id="phq9", answers=phq9_answers(10, item9=1))
    assert levels(report_outcome) == ["ideation"]


def test_other_instruments_never_alert(member: Any, report_outcome: Any) -> None:
    services.submit_response(
        user=member,
        instrument_id="gad7",
        answers={f"gad7_{i}": 3 for i in range(1, 8)},
    )
    report_outcome.assert_not_called()


def screen_for(member: Any, report_outcome: Any) -> SafetyScreen:
    response = answer_up_to_item9(member, 1)
    report_outcome.reset_mock()
    return SafetyScreen.objects.get(response=response)


def answer(screen: SafetyScreen, member: Any, **answers: bool) -> SafetyScreen:
    for question_id, value in answers.items():
        screen = services.answer_screener(
            screen=screen, user=member, question_id=question_id, answer=value
        )
    return screen


@pytest.mark.parametrize("question", ["q4", "q5"])
def test_intent_or_a_plan_raises_the_level_to_imminent_at_once(
    member: Any, report_outcome: Any, question: str
) -> None:
    screen = screen_for(member, report_outcome)
    screen = answer(screen, member, q1=True, q2=True, q3=False)
    screen = answer(screen, member, **{question: True})

    assert levels(report_outcome) == ["imminent"]
    call = report_outcome.call_args.kwargs
    assert call["kind"] == "outcomes.cssrs"
    assert call["outcome"].evidence == [
        {"rule": f"cssrs.{question}", "question": question, "answer": True}
    ]
    assert screen.level == "imminent"
    screen.response.refresh_from_db()
    assert screen.response.safety_level == "imminent"


def test_behaviour_in_the_past_three_months_is_imminent(member: Any, report_outcome: Any) -> None:
    screen = screen_for(member, report_outcome)
    screen = answer(screen, member, q1=True, q2=False, q6=True, q6_recent=True)
    assert screen.status == SafetyScreen.Status.COMPLETE
    assert screen.level == "imminent"
    assert levels(report_outcome) == ["imminent"]


def test_behaviour_longer_ago_and_wishes_without_intent_stay_at_ideation(
    member: Any, report_outcome: Any
) -> None:
    screen = screen_for(member, report_outcome)
    screen = answer(screen, member, q1=True, q2=True, q3=True, q4=False, q5=False, q6=True)
    screen = answer(screen, member, q6_recent=False)
    assert screen.status == SafetyScreen.Status.COMPLETE
    assert screen.level == "ideation"
    report_outcome.assert_not_called()


def test_a_no_to_question_2_skips_to_question_6(member: Any, report_outcome: Any) -> None:
    screen = screen_for(member, report_outcome)
    screen = answer(screen, member, q1=True, q2=False)
    next_question = cssrs.next_question(screen.answers)
    assert next_question is not None
    assert next_question.id == "q6"
    with pytest.raises(ValidationError):
        answer(screen, member, q4=True)
    report_outcome.assert_not_called()


def test_imminent_is_reported_once_even_with_more_positive_answers(
    member: Any, report_outcome: Any
) -> None:
    screen = screen_for(member, report_outcome)
    answer(screen, member, q1=True, q2=True, q3=True, q4=True, q5=True, q6=True, q6_recent=True)
    assert levels(report_outcome) == ["imminent"]


def test_declining_the_screener_keeps_the_ideation_alert(member: Any, report_outcome: Any) -> None:
    screen = screen_for(member, report_outcome)
    services.decline_screener(screen=screen, user=member)
    screen.refresh_from_db()
    assert screen.status == SafetyScreen.Status.DECLINED
    screen.response.refresh_from_db()
    assert screen.response.safety_level == "ideation"


def test_nobody_else_can_answer_a_members_screener(
    member: Any, outsider: Any, report_outcome: Any
) -> None:
    screen = screen_for(member, report_outcome)
    with pytest.raises(Http404):
        answer(screen, outsider, q1=True)
    with pytest.raises(Http404):
        services.decline_screener(screen=screen, user=outsider)


def test_the_screener_shows_question_numbers_out_of_six() -> None:
    assert cssrs.position("q1", {}) == (1, 6)
    assert cssrs.position("q6", {"q1": True, "q2": False}) == (3, 3)
    assert cssrs.position("q6_recent", {"q1": True, "q2": True, "q6": True}) == (6, 6)
