"""The check-in a refused submission leaves for its positive PHQ-9 item 9 never swallows a
later positive item 9, never multiplies alerts, and is never resumed on the web.

These run the real safety capability (no ``report_outcome`` stand-in): what counts is the
alerts a moderator sees. Alerts are resolved the way a moderator does it (claim, resolve).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.outcomes import services
from peerhaven.outcomes.models import Response
from peerhaven.safety import services as safety
from peerhaven.safety.models import AlertStatus, RiskAlert

from .api_calls import submit

pytestmark = pytest.mark.django_db


def refused_answers(phq9_answers: Any, *, item9: int = 2, **extra: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {**phq9_answers(10, item9=item9), "phq9_4": 4, **extra}
    return answers


def resolve_every_alert(moderator: User) -> None:
    for alert in RiskAlert.objects.exclude(status=AlertStatus.RESOLVED):
        safety.claim_alert(alert_id=alert.pk, moderator=moderator)
        alert.refresh_from_db()
        safety.resolve_alert(alert=alert, moderator=moderator, outcome="reached_out")


def open_alerts() -> list[RiskAlert]:
    return list(RiskAlert.objects.exclude(status=AlertStatus.RESOLVED))


def answer_all_on_the_web(response: Response, member: User, *, item9: int) -> None:
    for i in range(1, 9):
        services.answer_item(response=response, user=member, item_id=f"phq9_{i}", value=1)
    services.answer_item(response=response, user=member, item_id="phq9_9", value=item9)


# --- the same refused submission again ------------------------------------------------------


@pytest.mark.parametrize("key", ["", "phone-42"])
def test_the_same_refused_submission_after_its_alert_was_resolved_alerts_again(
    client: Client, member: User, moderator: User, phq9_answers: Any, key: str
) -> None:
    answers = refused_answers(phq9_answers)
    first = submit(client, member, instrument="phq9", answers=answers, idempotency_key=key)
    assert first.status_code == 422
    resolve_every_alert(moderator)

    again = submit(client, member, instrument="phq9", answers=answers, idempotency_key=key)

    assert again.status_code == 422
    assert again.json()["safety"]["level"] == "ideation"
    [alert] = open_alerts()
    assert alert.level == "ideation"
    assert alert.evidence[0]["value"] == 2
    assert RiskAlert.objects.count() == 2
    # While a moderator has the new one (acknowledged), a further retry adds nothing.
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    submit(client, member, instrument="phq9", answers=answers, idempotency_key=key)
    assert RiskAlert.objects.count() == 2


def test_the_same_refused_submission_weeks_later_is_a_new_check_in_with_a_new_alert(
    client: Client,
    member: User,
    moderator: User,
    phq9_answers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = refused_answers(phq9_answers)
    first = submit(client, member, instrument="phq9", answers=answers)
    resolve_every_alert(moderator)
    later = timezone.now() + dt.timedelta(weeks=3)
    monkeypatch.setattr(timezone, "now", lambda: later)

    again = submit(client, member, instrument="phq9", answers=answers)

    assert again.status_code == 422
    assert again.json()["safety"]["screener_url"] != first.json()["safety"]["screener_url"]
    assert len(open_alerts()) == 1
    assert Response.objects.filter(member=member).count() == 2


# --- retries that differ in what was refused --------------------------------------------------


def test_retries_that_differ_only_in_refused_answers_share_one_check_in_and_one_alert(
    client: Client, member: User, phq9_answers: Any
) -> None:
    pages = [
        submit(
            client,
            member,
            instrument="phq9",
            answers=refused_answers(phq9_answers, phq9_extra=n, phq9_4=n + 4),
        )
        for n in range(3)
    ]

    assert {p.status_code for p in pages} == {422}
    assert len({p.json()["safety"]["screener_url"] for p in pages}) == 1
    assert Response.objects.filter(member=member).count() == 1
    assert RiskAlert.objects.count() == 1


def test_a_refused_submission_on_another_local_day_is_another_check_in(
    client: Client, member: User, phq9_answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 23:00 and 01:00 in Auckland (UTC+13 in January) are the same UTC day but two local days.
    member.time_zone = "Pacific/Auckland"
    member.save(update_fields=["time_zone"])
    answers = refused_answers(phq9_answers)
    for hour in (10, 12):
        moment = dt.datetime(2027, 1, 5, hour, 0, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert submit(client, member, instrument="phq9", answers=answers).status_code == 422

    assert Response.objects.filter(member=member).count() == 2


# --- a corrected submission -------------------------------------------------------------------


def test_a_corrected_submission_without_a_key_completes_the_held_check_in(
    client: Client, member: User, phq9_answers: Any
) -> None:
    refused = submit(client, member, instrument="phq9", answers=refused_answers(phq9_answers))

    fixed = submit(client, member, instrument="phq9", answers=phq9_answers(10, item9=2))

    assert fixed.status_code == 201
    assert fixed.json()["safety"] == refused.json()["safety"]
    stored = Response.objects.get(member=member)
    assert stored.status == Response.Status.COMPLETE
    assert stored.answers == phq9_answers(10, item9=2)
    assert RiskAlert.objects.count() == 1
    # Nothing unfinished is left behind for the web to pick up.
    started = services.start_checkin(user=member, instrument_id="phq9")
    assert started.pk != stored.pk
    assert started.answers == {}


def test_good_answers_under_the_key_after_the_alert_was_resolved_alert_again(
    client: Client, member: User, moderator: User, phq9_answers: Any
) -> None:
    submit(
        client,
        member,
        instrument="phq9",
        answers=refused_answers(phq9_answers),
        idempotency_key="k",
    )
    resolve_every_alert(moderator)

    fixed = submit(
        client, member, instrument="phq9", answers=phq9_answers(10, item9=3), idempotency_key="k"
    )

    assert fixed.status_code == 201
    [alert] = open_alerts()
    assert alert.object_id == str(fixed.json()["id"])
    assert alert.evidence[0]["value"] == 3


# --- the web ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "k1"])
def test_the_web_never_resumes_the_check_in_of_a_refused_submission(
    client: Client, member: User, moderator: User, phq9_answers: Any, key: str
) -> None:
    refused = submit(
        client,
        member,
        instrument="phq9",
        answers=refused_answers(phq9_answers),
        idempotency_key=key,
    )
    held_id = refused.json()["safety"]["screener_url"].split("/")[3]
    resolve_every_alert(moderator)

    response = services.start_checkin(user=member, instrument_id="phq9")
    answer_all_on_the_web(response, member, item9=3)

    assert str(response.pk) != held_id
    [alert] = open_alerts()
    assert alert.object_id == str(response.pk)
    assert alert.evidence[0]["value"] == 3


def test_the_pages_offer_to_begin_not_to_continue_a_refused_submission(
    client: Client, member: User, phq9_answers: Any
) -> None:
    refused = submit(client, member, instrument="phq9", answers=refused_answers(phq9_answers))
    held = Response.objects.get(member=member)
    client.force_login(member)

    start = client.get("/outcomes/checkin/phq9/")
    screener = client.get(refused.json()["safety"]["screener_url"])
    take = client.get(f"/outcomes/response/{held.pk}/")

    assert "Continue where I left off" not in start.content.decode()
    assert "Continue the check-in" not in screener.content.decode()
    assert take.status_code == 302
    assert take["Location"] == "/outcomes/checkin/phq9/"


def test_a_positive_item_9_answered_again_after_the_alert_was_resolved_alerts_again(
    member: User, moderator: User
) -> None:
    response = services.start_checkin(user=member, instrument_id="phq9")
    answer_all_on_the_web(response, member, item9=2)
    resolve_every_alert(moderator)

    # "Back to the previous question", and a new answer to item 9.
    services.answer_item(response=response, user=member, item_id="phq9_9", value=3)
    # Answered once more while the new alert is open, then finished: nothing more.
    services.answer_item(response=response, user=member, item_id="phq9_9", value=3)
    services.answer_item(response=response, user=member, item_id="phq9_10", value=1)
    services.complete_checkin(response=response, user=member)

    [alert] = open_alerts()
    assert alert.object_id == str(response.pk)
    assert alert.evidence[0]["value"] == 3
    assert RiskAlert.objects.count() == 2
