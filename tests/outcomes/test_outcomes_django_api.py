"""The outcomes API: instruments, definitions, idempotent submission, my own results only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.outcomes.models import Response

from .api_calls import bearer, submit

pytestmark = pytest.mark.django_db


def test_instruments_lists_only_the_ones_switched_on(client: Client, member: User) -> None:
    body = client.get("/api/outcomes/instruments", **bearer(member)).json()
    ids = {row["id"] for row in body}
    assert "phq9" in ids
    assert "ucla3" not in ids


def test_a_definition_has_items_options_and_bands(client: Client, member: User) -> None:
    body = client.get("/api/outcomes/instruments/phq9", **bearer(member)).json()
    assert [i["id"] for i in body["items"]][:2] == ["phq9_1", "phq9_2"]
    assert body["items"][0]["options"][3] == {
        "value": 3,
        "label": "Nearly every day",
        "loinc": "LA6571-9",
    }
    assert body["bands"][0]["id"] == "minimal"
    assert body["enabled"] is True


def test_an_unknown_definition_is_404(client: Client, member: User) -> None:
    page = client.get("/api/outcomes/instruments/nope", **bearer(member))
    assert page.status_code == 404
    assert page.json()["error"]["code"] == "not_found"


def test_the_api_needs_a_signed_in_member(client: Client) -> None:
    assert client.get("/api/outcomes/instruments").status_code == 401
    assert client.get("/api/outcomes/responses").status_code == 401
    assert (
        client.post(
            "/api/outcomes/responses",
            {"instrument": "phq9", "answers": {}},
            content_type="application/json",
        ).status_code
        == 401
    )


def test_submitting_scores_and_a_retry_with_the_same_key_is_a_no_op(
    client: Client, member: User, phq9_answers: Any
) -> None:
    first = submit(
        client, member, instrument="phq9", answers=phq9_answers(11), idempotency_key="r-1"
    )
    again = submit(
        client, member, instrument="phq9", answers=phq9_answers(11), idempotency_key="r-1"
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["total"] == 11
    assert body["band"] == "moderate"
    assert body["context"] == "baseline"
    assert Response.objects.filter(member=member).count() == 1


def test_a_disabled_instrument_is_a_clear_422(client: Client, member: User) -> None:
    page = submit(client, member, instrument="ucla3", answers={"ucla3_companionship": 1})
    assert page.status_code == 422
    assert page.json()["error"]["code"] == "instrument_disabled"
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", [4, -1, True, "2", 1.5])
def test_an_out_of_range_answer_is_rejected_and_nothing_is_stored(
    client: Client, member: User, phq9_answers: Any, bad: Any
) -> None:
    answers: dict[str, Any] = phq9_answers(5)
    answers["phq9_4"] = bad
    page = submit(client, member, instrument="phq9", answers=answers)
    assert page.status_code == 422
    assert "error" in page.json()
    assert not Response.objects.exists()


def test_an_unknown_item_is_rejected(client: Client, member: User) -> None:
    page = submit(client, member, instrument="phq9", answers={"gad7_1": 1})
    assert page.status_code == 422
    assert page.json()["error"]["code"] == "invalid_answer"


def test_a_positive_item_9_comes_back_with_where_to_get_help(
    client: Client, member: User, phq9_answers: Any, report_outcome: Any
) -> None:
    body = submit(client, member, instrument="phq9", answers=phq9_answers(12, item9=2)).json()
    assert body["safety"]["level"] == "ideation"
    assert body["safety"]["help_url"] == "/help/"
    assert report_outcome.call_args.kwargs["outcome"].level == "ideation"


def test_my_results_include_change_since_baseline(
    client: Client, member: User, complete_phq9: Any
) -> None:
    now = timezone.now()
    complete_phq9(member, 18, at=now - dt.timedelta(days=28))
    complete_phq9(member, 9, at=now)

    body = client.get("/api/outcomes/responses?instrument=phq9", **bearer(member)).json()

    latest, baseline = body["items"]
    assert latest["total"] == 9
    assert latest["change_since_baseline"]["difference"] == -9
    assert latest["change_since_baseline"]["status"] == "reliable_improvement"
    assert latest["change_since_baseline"]["crossed_cutoff"] is True
    assert "not a diagnosis" in latest["change_since_baseline"]["summary"]
    assert baseline["change_since_baseline"] is None


def test_an_outsider_never_sees_someone_elses_results(
    client: Client, member: User, outsider: User, complete_phq9: Any
) -> None:
    response = complete_phq9(member, 14)
    listed = client.get("/api/outcomes/responses", **bearer(outsider)).json()
    assert listed["items"] == []
    one = client.get(f"/api/outcomes/responses/{response.pk}", **bearer(outsider))
    assert one.status_code == 404
    mine = client.get(f"/api/outcomes/responses/{response.pk}", **bearer(member))
    assert mine.json()["total"] == 14


def test_an_outsider_reusing_a_members_key_gets_their_own_response(
    client: Client, member: User, outsider: User, phq9_answers: Any
) -> None:
    mine = submit(client, member, instrument="phq9", answers=phq9_answers(3), idempotency_key="k")
    theirs = submit(
        client, outsider, instrument="phq9", answers=phq9_answers(20), idempotency_key="k"
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs.json()["total"] == 20


def test_my_results_list_has_a_constant_query_count(
    client: Client,
    member: User,
    django_assert_max_num_queries: Any,
    phq9_answers: Any,
) -> None:
    now = timezone.now()
    rows = []
    for i in range(200):
        instrument, answers = (
            ("phq9", phq9_answers(i % 25))
            if i % 2
            else ("gad7", {f"gad7_{j}": 1 for j in range(1, 8)})
        )
        total = float(i % 25) if instrument == "phq9" else 7.0
        at = now - dt.timedelta(days=200 - i)
        rows.append(
            Response(
                member=member,
                instrument_id=instrument,
                instrument_version="1.0.0",
                status=Response.Status.COMPLETE,
                answers=answers,
                started_at=at,
                completed_at=at,
                total=total,
            )
        )
    Response.objects.bulk_create(rows)
    headers = bearer(member)
    with django_assert_max_num_queries(12):
        body = client.get("/api/outcomes/responses?limit=100", **headers).json()
    assert len(body["items"]) == 100
    assert body["next_cursor"]


def test_a_runaway_client_is_rate_limited(
    client: Client, member: User, phq9_answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerhaven.outcomes import api

    monkeypatch.setattr(api, "SUBMIT_LIMIT", 2)
    codes = [
        submit(client, member, instrument="phq9", answers=phq9_answers(3)).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
