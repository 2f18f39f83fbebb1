"""The API of a member's conversation with the safety team: same checks as the page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.safety import conversation, services
from peerhaven.safety.models import RiskAlert, SafetyMessage

IMMINENT_TEXT = "I am going to overdose on my pills tonight"  # invented
CALM_REPLY = "Thank you. I slept a little."
URL = "/api/safety/messages"


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


def post(client: Client, body: Any, **headers: str) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def reached_out(make_alert: Callable[..., RiskAlert], moderator: User, member: User) -> RiskAlert:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(
        alert=alert, moderator=moderator, title="We are here", body="How are you doing tonight?"
    )
    return alert


def test_the_conversation_needs_authentication(client: Client, db: None) -> None:
    for response in (client.get(URL), post(client, {"body": "hello"})):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    assert not SafetyMessage.objects.exists()


def test_a_member_reads_their_conversation_signed_safety_team(
    reached_out: RiskAlert, client: Client, member: User
) -> None:
    data = client.get(URL, **bearer(member)).json()
    assert data["can_reply"] is True
    [message] = data["messages"]
    assert message["from_team"] is True and message["author"] == "Safety team"
    assert message["body"] == "How are you doing tonight?" and message["title"] == "We are here"
    assert "Watchful Heron" not in json.dumps(data)  # never the moderator's name
    assert SafetyMessage.objects.get(member=member).read_at is not None


def test_a_member_answers_and_a_calm_reply_has_no_crisis_payload(
    reached_out: RiskAlert, client: Client, member: User
) -> None:
    response = post(client, {"body": CALM_REPLY}, **bearer(member))
    assert response.status_code == 201
    data = response.json()
    assert data["message"]["body"] == CALM_REPLY and data["message"]["author"] == "You"
    assert data["support"] is None
    assert SafetyMessage.objects.filter(member=member, from_team=False, body=CALM_REPLY).exists()


def test_an_imminent_reply_raises_an_alert_and_returns_the_crisis_panel(
    reached_out: RiskAlert, client: Client, member: User
) -> None:
    response = post(client, {"body": IMMINENT_TEXT}, **bearer(member))
    assert response.status_code == 201
    support = response.json()["support"]
    assert support["type"] == "safety.panel" and support["level"] == "imminent"
    assert support["lines"] and support["help_url"] == "/help/"
    assert RiskAlert.objects.filter(kind="safety.message", level="imminent").exists()


def test_a_member_the_team_never_wrote_to_gets_403_in_the_api_shape(
    client: Client, member: User
) -> None:
    assert client.get(URL, **bearer(member)).json() == {
        "can_reply": False,
        "messages": [],
        "more": False,
    }
    response = post(client, {"body": "Is anyone there?"}, **bearer(member))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "no_conversation" and "crisis lines" in error["message"]
    assert not SafetyMessage.objects.exists()


def test_an_outsider_sees_only_their_own_empty_conversation_and_cannot_post_into_anothers(
    reached_out: RiskAlert, client: Client, member: User, outsider: User
) -> None:
    headers = bearer(outsider)
    data = client.get(f"{URL}?member={member.pk}", **headers).json()
    assert data == {"can_reply": False, "messages": [], "more": False}
    assert client.get(f"{URL}/{member.pk}", **headers).status_code == 404
    response = post(client, {"body": "intruding", "member": member.pk}, **headers)
    assert response.status_code == 403
    assert not SafetyMessage.objects.filter(body="intruding").exists()
    assert SafetyMessage.objects.get(member=member).read_at is None


@pytest.mark.parametrize(("body", "code"), [("  ", "empty"), ("x" * 4001, "too_long")])
def test_empty_or_too_long_replies_are_422_in_the_api_shape(
    reached_out: RiskAlert, client: Client, member: User, body: str, code: str
) -> None:
    response = post(client, {"body": body}, **bearer(member))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert not SafetyMessage.objects.filter(from_team=False).exists()


def test_a_missing_body_is_a_validation_error(
    reached_out: RiskAlert, client: Client, member: User
) -> None:
    response = post(client, {}, **bearer(member))
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid"


def test_replies_are_rate_limited_with_429(
    reached_out: RiskAlert, client: Client, member: User
) -> None:
    headers = bearer(member)
    for n in range(conversation.REPLY_LIMIT):
        assert post(client, {"body": f"message {n}"}, **headers).status_code == 201
    response = post(client, {"body": "one more"}, **headers)
    assert response.status_code == 429 and response.json()["error"]["code"] == "rate_limited"


def test_a_banned_members_token_still_reaches_the_conversation(
    reached_out: RiskAlert, client: Client, member: User, second_moderator: User
) -> None:
    services.take_action(member=member, moderator=second_moderator, kind="ban", reason="Spam")
    headers = bearer(member)
    assert client.get("/api/safety/plan", **headers).status_code == 403  # the ban is in force
    assert client.get(URL, **headers).status_code == 200
    assert post(client, {"body": CALM_REPLY}, **headers).status_code == 201


def test_session_replies_need_the_csrf_token(reached_out: RiskAlert, member: User) -> None:
    client = login(Client(enforce_csrf_checks=True), member)
    assert client.get(URL).status_code == 200
    assert post(client, {"body": CALM_REPLY}).status_code == 403
    assert not SafetyMessage.objects.filter(from_team=False).exists()


def test_after_an_id_only_newer_messages_come_and_a_bad_cursor_is_422(
    reached_out: RiskAlert, client: Client, member: User, moderator: User
) -> None:
    [first] = SafetyMessage.objects.filter(member=member)
    services.send_outreach(
        alert=reached_out, moderator=moderator, title="Still here", body="Any time tonight."
    )
    data = client.get(URL, {"after": first.pk}, **bearer(member)).json()
    assert [m["body"] for m in data["messages"]] == ["Any time tonight."]
    assert data["more"] is False
    assert not SafetyMessage.objects.filter(member=member, read_at=None).exclude(pk=first.pk)
    latest = data["messages"][0]["id"]
    assert client.get(URL, {"after": latest}, **bearer(member)).json()["messages"] == []
    for bad in ("-1", "abc"):
        refused = client.get(URL, {"after": bad}, **bearer(member))
        assert refused.status_code == 422, bad
    # Without a cursor: the whole conversation, as before.
    assert len(client.get(URL, **bearer(member)).json()["messages"]) == 2


def test_reads_after_an_id_share_the_pages_poll_budget(
    reached_out: RiskAlert, client: Client, member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from peerhaven.accounts import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000.0))
    monkeypatch.setattr(conversation, "LIVE_LIMIT", 2)
    page = login(Client(), member)
    assert page.get("/safety/messages/updates/", {"after": 0}).status_code == 200
    assert client.get(URL, {"after": 0}, **bearer(member)).status_code == 200
    refused = client.get(URL, {"after": 0}, **bearer(member))
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 20
    # The whole conversation (no cursor) is not a poll.
    assert client.get(URL, **bearer(member)).status_code == 200
