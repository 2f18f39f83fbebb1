"""Check-ins through the services: start, answer item by item, complete, submit, settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from peerhaven.accounts import privacy
from peerhaven.accounts.models import AuditEvent
from peerhaven.outcomes import services
from peerhaven.outcomes.models import CheckInSchedule, InstrumentSetting, Response

pytestmark = pytest.mark.django_db


def test_instruments_follow_the_definition_default_until_an_admin_changes_them(
    admin: Any,
) -> None:
    enabled = services.enabled_map()
    assert enabled["phq9"] is True
    assert enabled["ucla3"] is False

    services.set_instrument_enabled(instrument_id="ucla3", enabled=True, actor=admin)
    services.set_instrument_enabled(instrument_id="phq9", enabled=False, actor=admin)

    enabled = services.enabled_map()
    assert enabled["ucla3"] is True
    assert enabled["phq9"] is False
    assert AuditEvent.objects.filter(action="outcomes.instrument.disable").exists()


def test_set_instrument_enabled_rejects_an_unknown_instrument(admin: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.set_instrument_enabled(instrument_id="nope", enabled=True, actor=admin)
    assert exc.value.code == "unknown_instrument"
    assert not InstrumentSetting.objects.exists()


def test_a_first_check_in_is_the_baseline_and_is_resumed_rather_than_restarted(
    member: Any,
) -> None:
    first = services.start_checkin(user=member, instrument_id="phq9")
    services.answer_item(response=first, user=member, item_id="phq9_1", value=2)

    again = services.start_checkin(user=member, instrument_id="phq9")

    assert again.pk == first.pk
    assert again.context == Response.Context.BASELINE
    assert again.answers == {"phq9_1": 2}
    assert services.next_item_id(again) == "phq9_2"


def test_completing_a_check_in_stores_the_engine_scores(phq9_answers: Any, member: Any) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    for item_id, value in phq9_answers(12).items():
        services.answer_item(response=response, user=member, item_id=item_id, value=value)

    services.complete_checkin(response=response, user=member)

    response.refresh_from_db()
    assert response.status == Response.Status.COMPLETE
    assert response.total == 12
    assert response.band == "moderate"
    assert "caseness" in response.flags
    assert response.completed_at is not None


def test_completing_twice_changes_nothing(phq9_answers: Any, member: Any) -> None:
    response, _ = services.submit_response(
        user=member, instrument_id="phq9", answers=phq9_answers(3)
    )
    completed_at = response.completed_at

    services.complete_checkin(response=response, user=member)

    response.refresh_from_db()
    assert response.completed_at == completed_at


def test_a_check_in_with_unanswered_items_cannot_be_completed(member: Any) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    services.answer_item(response=response, user=member, item_id="phq9_1", value=1)

    with pytest.raises(ValidationError) as exc:
        services.complete_checkin(response=response, user=member)

    assert exc.value.code == "incomplete"
    response.refresh_from_db()
    assert response.status == Response.Status.IN_PROGRESS
    assert response.answers == {"phq9_1": 1}


@pytest.mark.parametrize("value", [4, -1, 99])
def test_an_out_of_range_answer_is_rejected_and_earlier_answers_are_kept(
    member: Any, value: int
) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    services.answer_item(response=response, user=member, item_id="phq9_1", value=2)

    with pytest.raises(ValidationError) as exc:
        services.answer_item(response=response, user=member, item_id="phq9_2", value=value)

    assert exc.value.code == "invalid_answer"
    response.refresh_from_db()
    assert response.answers == {"phq9_1": 2}


def test_an_answer_to_an_item_of_another_instrument_is_rejected(member: Any) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    with pytest.raises(ValidationError) as exc:
        services.answer_item(response=response, user=member, item_id="gad7_1", value=1)
    assert exc.value.code == "invalid_answer"


def test_nobody_else_can_answer_or_complete_a_members_check_in(member: Any, outsider: Any) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    with pytest.raises(Http404):
        services.answer_item(response=response, user=outsider, item_id="phq9_1", value=1)
    with pytest.raises(Http404):
        services.complete_checkin(response=response, user=outsider)
    response.refresh_from_db()
    assert response.answers == {}


def test_a_disabled_instrument_cannot_be_started_or_answered(
    member: Any, enable_instruments: Any
) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    enable_instruments("phq9", enabled=False)

    with pytest.raises(ValidationError) as start_error:
        services.start_checkin(user=member, instrument_id="phq9")
    with pytest.raises(ValidationError) as answer_error:
        services.answer_item(response=response, user=member, item_id="phq9_1", value=1)

    assert start_error.value.code == "instrument_disabled"
    assert answer_error.value.code == "instrument_disabled"
    assert "switched off" in start_error.value.messages[0]


def test_a_duplicate_submission_with_the_same_key_stores_one_response(
    phq9_answers: Any, member: Any
) -> None:
    first, created = services.submit_response(
        user=member, instrument_id="phq9", answers=phq9_answers(8), idempotency_key="abc-1"
    )
    second, created_again = services.submit_response(
        user=member, instrument_id="phq9", answers=phq9_answers(8), idempotency_key="abc-1"
    )

    assert created is True
    assert created_again is False
    assert second.pk == first.pk
    assert second.total == 8
    assert Response.objects.filter(member=member).count() == 1


def test_the_same_key_with_other_answers_is_refused_not_silently_dropped(
    phq9_answers: Any, member: Any
) -> None:
    """Another submission under a used key: returning the first response would drop these
    answers without a word (a positive item 9 among them)."""
    services.submit_response(
        user=member, instrument_id="phq9", answers=phq9_answers(8), idempotency_key="abc-1"
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_response(
            user=member, instrument_id="phq9", answers=phq9_answers(20), idempotency_key="abc-1"
        )
    assert caught.value.code == "key_reused"
    assert Response.objects.filter(member=member, status="complete").count() == 1


def test_the_same_key_from_two_members_stores_two_responses(
    phq9_answers: Any, member: Any, outsider: Any
) -> None:
    services.submit_response(
        user=member, instrument_id="phq9", answers=phq9_answers(8), idempotency_key="k"
    )
    services.submit_response(
        user=outsider, instrument_id="phq9", answers=phq9_answers(8), idempotency_key="k"
    )
    assert Response.objects.count() == 2


def test_a_submission_with_a_missing_item_is_stored_without_a_total(
    phq9_answers: Any, member: Any
) -> None:
    answers: dict[str, Any] = phq9_answers(5)
    answers["phq9_9"] = None
    response, _ = services.submit_response(user=member, instrument_id="phq9", answers=answers)
    assert response.total is None
    assert response.band == ""


def test_a_submission_with_a_bad_answer_stores_nothing(phq9_answers: Any, member: Any) -> None:
    answers = phq9_answers(5)
    answers["phq9_3"] = 7
    with pytest.raises(ValidationError):
        services.submit_response(user=member, instrument_id="phq9", answers=answers)
    assert not Response.objects.exists()


def test_later_check_ins_are_scheduled_or_on_the_members_own_initiative(
    member: Any, complete_phq9: Any
) -> None:
    complete_phq9(member, 10)
    own = services.start_checkin(user=member, instrument_id="phq9")
    assert own.context == Response.Context.SELF


def test_erasure_removes_every_check_in_and_schedule(member: Any, complete_phq9: Any) -> None:
    complete_phq9(member, 10, item9=1)
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group"
    )
    exported = privacy.export_member_data(user=member)
    assert exported["outcomes"]["responses"][0]["total"] == 10
    assert exported["outcomes"]["responses"][0]["safety_screen"] is not None

    privacy.erase_member(user=member, mode=privacy.EraseMode.ANONYMISE)

    assert not Response.objects.exists()
    assert not CheckInSchedule.objects.exists()


def test_bulk_scoring_of_stored_responses_matches_the_scalar_engine(
    member: Any, outsider: Any, phq9_answers: Any
) -> None:
    import numpy as np

    from peerhaven.outcomes.bulk import iter_scored_chunks

    stored = []
    for n, user in enumerate([member, outsider] * 6):
        response, _ = services.submit_response(
            user=user, instrument_id="phq9", answers=phq9_answers(n * 2, item9=n % 2)
        )
        stored.append(response)
    chunks = list(iter_scored_chunks(instrument_id="phq9", chunk_size=5))

    assert [len(c.ids) for c in chunks] == [5, 5, 2]
    ids = np.concatenate([c.ids for c in chunks])
    totals = np.concatenate([c.scores["total"] for c in chunks])
    flags = np.concatenate([c.scores["flag:item9_positive"] for c in chunks])
    assert list(ids) == [r.pk for r in stored]
    assert list(totals) == [r.total for r in stored]
    assert list(flags) == ["item9_positive" in r.flags for r in stored]


def test_a_positive_item_9_under_a_used_key_still_opens_the_safety_flow(
    phq9_answers: Any, member: Any
) -> None:
    from peerhaven.safety.models import RiskAlert

    services.submit_response(
        user=member, instrument_id="phq9", answers=phq9_answers(8), idempotency_key="abc-1"
    )
    with pytest.raises(ValidationError):
        services.submit_response(
            user=member,
            instrument_id="phq9",
            answers=phq9_answers(14, item9=2),
            idempotency_key="abc-1",
        )
    assert RiskAlert.objects.filter(author=member).count() == 1
