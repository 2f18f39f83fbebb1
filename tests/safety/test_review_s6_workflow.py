"""Review session 6: the safety workflow's permission and fail-safe gaps.

Each test here failed before its fix (see the report of review session 6).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import services
from peerhaven.safety.models import (
    Appeal,
    AppealStatus,
    ModerationAction,
    RiskAlert,
    SafetyMessage,
)

IMMINENT_TEXT = "I am going to overdose on my pills tonight"


# --- Appeals: never decided by the person they are about ----------------------------------------


def test_a_sanctioned_moderator_cannot_decide_their_own_appeal(
    moderator: User, second_moderator: User, make_user: Callable[..., User]
) -> None:
    action = services.take_action(
        member=moderator, moderator=second_moderator, kind="mute", reason="Rude in a thread"
    )
    appeal = services.file_appeal(action=action, member=moderator, text="I was not rude")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal=appeal, moderator=moderator, overturn=True, response="Fine")
    appeal.refresh_from_db()
    action.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN and action.revoked_at is None


def test_the_appeal_form_refuses_the_sanctioned_moderator_without_revoking(
    client: Client, moderator: User, second_moderator: User
) -> None:
    action = services.take_action(
        member=moderator, moderator=second_moderator, kind="mute", reason="Rude in a thread"
    )
    appeal = services.file_appeal(action=action, member=moderator, text="I was not rude")
    login(client, moderator)
    client.post(
        f"/moderation/appeals/{appeal.pk}/decide/", {"overturn": "on", "response": "Overturned"}
    )
    assert ModerationAction.objects.get(pk=action.pk).revoked_at is None
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.OPEN


# --- An escalated alert is a nudge, not a claim -------------------------------------------------


def _escalated(make_alert: Callable[..., RiskAlert], member: User) -> RiskAlert:
    alert = make_alert(obj=member)
    services.escalate_overdue_alerts(now=alert.sla_due_at + datetime.timedelta(minutes=1))
    alert.refresh_from_db()
    return alert


def test_the_escalation_target_must_acknowledge_before_writing_to_the_member(
    make_alert: Callable[..., RiskAlert], on_duty: User, member: User
) -> None:
    alert = _escalated(make_alert, member)
    assert alert.status == "open" and alert.assigned_to == on_duty
    with pytest.raises(PermissionDenied):
        services.send_outreach(alert=alert, moderator=on_duty, title="Hello", body="Checking in")


def test_the_escalation_target_must_acknowledge_before_resolving(
    make_alert: Callable[..., RiskAlert], on_duty: User, member: User
) -> None:
    alert = _escalated(make_alert, member)
    with pytest.raises(PermissionDenied):
        services.resolve_alert(alert=alert, moderator=on_duty, outcome="no_risk")
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_api_refuses_to_resolve_an_escalated_alert_not_yet_acknowledged(
    client: Client, make_alert: Callable[..., RiskAlert], on_duty: User, member: User
) -> None:
    alert = _escalated(make_alert, member)
    login(client, on_duty)
    response = client.post(
        f"/api/safety/alerts/{alert.pk}/resolve",
        {"outcome": "no_risk"},
        content_type="application/json",
    )
    assert response.status_code == 409
    alert.refresh_from_db()
    assert alert.status == "open"


# --- Fail-safe: paging failures never lose the alert --------------------------------------------


def test_an_imminent_alert_is_kept_when_paging_the_moderators_fails(
    monkeypatch: pytest.MonkeyPatch, on_duty: User, member: User, outcome_for: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("notification store unavailable")

    monkeypatch.setattr(services, "notify", broken)
    alert = services.handle_screening(
        outcome=outcome_for(IMMINENT_TEXT), author=member, kind="forums.post", obj=member
    )
    assert alert is not None
    assert RiskAlert.objects.filter(author=member, level="imminent", status="open").count() == 1


def test_one_failing_page_still_reaches_the_other_moderators(
    monkeypatch: pytest.MonkeyPatch,
    on_duty: User,
    second_moderator: User,
    member: User,
    outcome_for: Any,
) -> None:
    from peerhaven.notifications.models import Notification

    services.set_on_duty(moderator=second_moderator, on_duty=True)
    real = services.notify

    def flaky(*, recipient: User, **kwargs: Any) -> Any:
        if recipient.pk == on_duty.pk:
            raise RuntimeError("this moderator's preferences are broken")
        return real(recipient=recipient, **kwargs)

    monkeypatch.setattr(services, "notify", flaky)
    services.handle_screening(
        outcome=outcome_for(IMMINENT_TEXT), author=member, kind="forums.post", obj=member
    )
    assert Notification.objects.filter(recipient=second_moderator, kind="safety").exists()


def test_one_failing_escalation_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch,
    make_alert: Callable[..., RiskAlert],
    on_duty: User,
    member: User,
    make_user: Callable[..., User],
) -> None:
    first = make_alert(obj=member)
    other = make_user()
    second = make_alert(obj=other, author=other)
    real = services.notify
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("mail queue down for a moment")
        return real(**kwargs)

    monkeypatch.setattr(services, "notify", flaky)
    later = max(first.sla_due_at, second.sla_due_at) + datetime.timedelta(minutes=1)
    services.escalate_overdue_alerts(now=later)
    counts = sorted(RiskAlert.objects.values_list("escalation_count", flat=True))
    # The alert whose page failed is escalated all the same (nobody must miss it) and so is
    # the other.
    assert counts == [1, 1]


# --- Pages go to someone on duty who can act ----------------------------------------------------


def test_a_banned_moderator_left_on_duty_does_not_swallow_the_imminent_pages(
    on_duty: User, second_moderator: User, member: User, outcome_for: Any
) -> None:
    from peerhaven.notifications.models import Notification

    services.take_action(member=on_duty, moderator=second_moderator, kind="ban", reason="Misuse")
    services.handle_screening(
        outcome=outcome_for(IMMINENT_TEXT), author=member, kind="forums.post", obj=member
    )
    # Nobody who can open the queue is on duty: everyone who moderates is paged.
    assert Notification.objects.filter(recipient=second_moderator, kind="safety").exists()
    assert on_duty not in services.on_duty_moderators()


def test_an_escalation_never_goes_to_a_moderator_without_two_factor(
    make_alert: Callable[..., RiskAlert], on_duty: User, second_moderator: User, member: User
) -> None:
    from allauth.mfa.models import Authenticator

    services.set_on_duty(moderator=second_moderator, on_duty=True)
    Authenticator.objects.filter(user=on_duty).delete()
    alert = make_alert(obj=member)
    targets = []
    for _round in range(2):  # round-robin: two escalations would reach both on duty
        services.escalate_overdue_alerts(now=alert.sla_due_at + datetime.timedelta(minutes=1))
        alert.refresh_from_db()
        targets.append(alert.assigned_to)
    assert targets == [second_moderator, second_moderator]


# --- A refused moderator form keeps what was typed ---------------------------------------------

WORDS = "We noticed your post and wanted to check in with you tonight."  # invented


def _held_by(make_alert: Callable[..., RiskAlert], moderator: User) -> RiskAlert:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    return alert


def test_a_refused_message_to_the_member_is_shown_again_with_its_words(
    moderator_client: Client, make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    alert = _held_by(make_alert, moderator)
    # A title over 200 characters: the message is refused, never silently dropped.
    response = moderator_client.post(
        f"/moderation/alerts/{alert.pk}/outreach/", {"title": "x" * 201, "body": WORDS}
    )
    assert response.status_code == 400
    assert WORDS in response.content.decode()
    assert not SafetyMessage.objects.exists()


def test_a_refused_sanction_keeps_the_reason_typed(
    moderator_client: Client, make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    alert = _held_by(make_alert, moderator)
    response = moderator_client.post(
        f"/moderation/alerts/{alert.pk}/action/",
        {"kind": "mute", "hours": "0", "reason": "Repeated personal attacks in replies"},
    )
    assert response.status_code == 400
    assert "Repeated personal attacks in replies" in response.content.decode()
    assert not ModerationAction.objects.exists()


def test_a_resolve_refused_because_another_moderator_took_over_gives_the_note_back(
    client: Client,
    make_alert: Callable[..., RiskAlert],
    moderator: User,
    second_moderator: User,
) -> None:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=second_moderator)
    login(client, moderator)
    response = client.post(
        f"/moderation/alerts/{alert.pk}/resolve/",
        {"outcome": "no_risk", "note": "Spoke with them by phone; safe for now"},
    )
    assert response.status_code == 403
    assert "Spoke with them by phone; safe for now" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


def test_a_refused_appeal_decision_keeps_the_response_typed(
    client: Client, moderator: User, second_moderator: User, member: User
) -> None:
    action = services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Spam links"
    )
    appeal = services.file_appeal(action=action, member=member, text="They were not spam")
    # The moderator who imposed it may not decide it: refused, with the words kept.
    login(client, moderator)
    response = client.post(
        f"/moderation/appeals/{appeal.pk}/decide/",
        {"overturn": "on", "response": "Looked again: the links were to a charity"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Looked again: the links were to a charity" in html
    assert "Another moderator must decide" in html
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.OPEN


def test_an_appeal_decided_meanwhile_keeps_the_words_and_says_why(
    client: Client, moderator: User, second_moderator: User, make_user: Callable[..., User]
) -> None:
    """The appeal has left the open list, so its box is gone: the error and the words show
    above the list (before, the page said only "No open appeals." and the words were lost)."""
    member = make_user(display_name="Quiet Meadow")
    action = services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Spam links"
    )
    appeal = services.file_appeal(action=action, member=member, text="They were not spam")
    third = make_user(display_name="Steady Oak", roles=("moderator",))
    services.decide_appeal(appeal=appeal, moderator=third, overturn=True, response="Reversed")
    login(client, second_moderator)
    response = client.post(
        f"/moderation/appeals/{appeal.pk}/decide/",
        {"response": "Upheld: the links were adverts"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Upheld: the links were adverts" in html
    assert "already decided" in html


def test_reading_the_open_appeals_is_audited_per_member(
    client: Client, moderator: User, second_moderator: User, member: User
) -> None:
    from peerhaven.accounts.models import AuditEvent

    action = services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Spam links"
    )
    services.file_appeal(action=action, member=member, text="They were not spam")
    login(client, second_moderator)
    assert client.get("/moderation/appeals/").status_code == 200
    read = AuditEvent.objects.filter(action="safety.appeals.read")
    assert [(e.actor_id, e.subject_id) for e in read] == [(second_moderator.pk, member.pk)]
