"""A member's conversation with the safety team: outreach, the member's page and reply, the
moderator's view of it, who is told, sanctions, privacy."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.accounts.services import revoke_role
from peerhaven.notifications.models import Notification
from peerhaven.safety import conversation, live, services
from peerhaven.safety.models import AlertStatus, RiskAlert, SafetyMessage

# Invented texts.
IMMINENT_TEXT = "I am going to overdose on my pills tonight"
CALM_REPLY = "Thank you for writing. Today was a bit better."
PANEL_URGENT = "You matter. Help is here right now."
MODERATOR_NAME = "Watchful Heron"  # the ``moderator`` persona


@pytest.fixture
def reached_out(make_alert: Callable[..., RiskAlert], moderator: User, member: User) -> RiskAlert:
    """An alert about ``member`` that ``moderator`` holds and has written to the member from."""
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(
        alert=alert, moderator=moderator, title="We are here", body="How are you doing tonight?"
    )
    return alert


def _reply(client: Client, body: str) -> Any:
    return client.post("/safety/messages/", {"body": body})


# --- Outreach opens the conversation -------------------------------------------------------------


def test_outreach_stores_the_message_and_the_notification_leads_to_the_conversation(
    reached_out: RiskAlert, member: User, moderator: User
) -> None:
    message = SafetyMessage.objects.get(member=member)
    assert message.from_team and message.alert == reached_out and message.sender == moderator
    assert (message.title, message.body) == ("We are here", "How are you doing tonight?")
    note = Notification.objects.get(recipient=member, kind="safety")
    assert note.url == "/safety/messages/"
    assert note.title == "We are here" and note.body == "How are you doing tonight?"
    event = AuditEvent.objects.get(action="safety.alert.outreach", subject=member)
    assert event.detail["message"] == message.pk


def test_outreach_from_a_template_keeps_the_template_text_in_the_conversation(
    make_alert: Callable[..., RiskAlert], moderator: User, member: User
) -> None:
    from peerhaven.safety.models import OutreachTemplate

    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    template = OutreachTemplate.objects.get(name="Checking in")
    services.send_outreach(alert=alert, moderator=moderator, template=template)
    message = SafetyMessage.objects.get(member=member)
    assert member.display_name in message.body
    assert Notification.objects.get(recipient=member).body == message.body


def test_refused_outreach_stores_no_message(
    make_alert: Callable[..., RiskAlert], moderator: User, member: User
) -> None:
    alert = make_alert()
    with pytest.raises(Exception, match="Acknowledge"):
        services.send_outreach(alert=alert, moderator=moderator, title="Hi", body="Hello")
    assert not SafetyMessage.objects.exists()


# --- The member's page ---------------------------------------------------------------------------


def test_the_member_sees_the_team_signed_safety_team_never_the_moderators_name(
    reached_out: RiskAlert, member_client: Client, member: User
) -> None:
    page = member_client.get("/safety/messages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "How are you doing tonight?" in html and "Safety team" in html
    assert MODERATOR_NAME not in html
    assert 'href="/safety/plan/"' in html and 'href="/help/"' in html
    assert 'name="body"' in html and "csrfmiddlewaretoken" in html
    assert SafetyMessage.objects.get(member=member).read_at is not None


def test_the_page_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/safety/messages/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/safety/messages/", {"body": "hello"}).status_code == 302
    assert not SafetyMessage.objects.exists()


def test_a_member_replies_and_the_reply_is_stored_before_the_redirect(
    reached_out: RiskAlert, member_client: Client, member: User
) -> None:
    response = _reply(member_client, CALM_REPLY)
    assert response.status_code == 302 and response["Location"] == "/safety/messages/#latest"
    reply = SafetyMessage.objects.get(member=member, from_team=False)
    assert reply.body == CALM_REPLY and reply.sender == member and reply.risk_level == "none"
    assert reply.alert == reached_out  # what it answers
    html = member_client.get("/safety/messages/").content.decode()
    assert CALM_REPLY in html and "You" in html
    assert html.index("How are you doing tonight?") < html.index(CALM_REPLY)  # newest last


def test_an_imminent_reply_raises_an_alert_and_shows_the_crisis_panel(
    reached_out: RiskAlert, member_client: Client, member: User
) -> None:
    response = _reply(member_client, IMMINENT_TEXT)
    assert response.status_code == 302
    reply = SafetyMessage.objects.get(member=member, from_team=False)
    assert reply.risk_level == "imminent"
    alert = RiskAlert.objects.get(kind="safety.message")
    assert alert.author == member and alert.level == "imminent" and alert.object_id == str(reply.pk)
    # Only the team reads the conversation: nothing is "held" from anybody.
    assert not alert.held
    html = member_client.get(response["Location"]).content.decode()
    assert PANEL_URGENT in html
    assert "waiting for a moderator to read it" not in html


def test_the_reply_is_screened_through_the_gate(
    reached_out: RiskAlert, member_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real = conversation.screen_user_text

    def spy(*, text: str, kind: str, author: Any = None) -> Any:
        seen.append((text, kind))
        return real(text=text, kind=kind, author=author)

    monkeypatch.setattr(conversation, "screen_user_text", spy)
    _reply(member_client, CALM_REPLY)
    assert seen == [(CALM_REPLY, "safety.message")]


@pytest.mark.parametrize(
    ("typed", "says"),
    [("   ", "Write a message first."), ("x" * 4001, "under 4,000 characters")],
)
def test_an_empty_or_too_long_reply_is_refused_with_400_and_the_text_kept(
    reached_out: RiskAlert, member_client: Client, typed: str, says: str
) -> None:
    response = _reply(member_client, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    if typed.strip():
        assert typed in html  # the words are back in the box
    assert not SafetyMessage.objects.filter(from_team=False).exists()


def test_replies_are_rate_limited_and_the_refused_text_is_kept(
    reached_out: RiskAlert, member_client: Client, member: User
) -> None:
    for n in range(conversation.REPLY_LIMIT):
        assert _reply(member_client, f"message {n}").status_code == 302
    response = _reply(member_client, "one more thing I need to say")
    assert response.status_code == 429
    html = response.content.decode()
    assert "one more thing I need to say" in html and "wait a moment" in html
    assert SafetyMessage.objects.filter(member=member, from_team=False).count() == (
        conversation.REPLY_LIMIT
    )


def test_a_member_the_team_never_wrote_to_cannot_reply_and_is_shown_help_now(
    member_client: Client, member: User
) -> None:
    page = member_client.get("/safety/messages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "has not written to you" in html and 'name="body"' not in html
    assert "If you need someone right now" in html and 'href="/help/"' in html
    refused = _reply(member_client, "Is anyone there?")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Is anyone there?" in html and "crisis lines" in html
    assert not SafetyMessage.objects.exists()


def test_nobody_can_read_or_answer_another_members_conversation(
    reached_out: RiskAlert, client: Client, member: User, outsider: User
) -> None:
    login(client, outsider)
    # No id in the URL to guess; query strings and paths with the member's id do not exist.
    html = client.get(f"/safety/messages/?member={member.pk}").content.decode()
    assert "How are you doing tonight?" not in html and "has not written to you" in html
    assert client.get(f"/safety/messages/{member.pk}/").status_code == 404
    response = client.post("/safety/messages/", {"body": "intruding", "member": str(member.pk)})
    assert response.status_code == 403
    assert not SafetyMessage.objects.filter(body="intruding").exists()
    assert SafetyMessage.objects.get(member=member).read_at is None


def test_the_reply_form_needs_a_csrf_token(reached_out: RiskAlert, member: User) -> None:
    client = login(Client(enforce_csrf_checks=True), member)
    assert client.post("/safety/messages/", {"body": CALM_REPLY}).status_code == 403
    assert not SafetyMessage.objects.filter(from_team=False).exists()


def test_the_page_reads_in_constant_queries(
    reached_out: RiskAlert,
    member_client: Client,
    member: User,
    django_assert_max_num_queries: Any,
) -> None:
    SafetyMessage.objects.bulk_create(
        SafetyMessage(member=member, from_team=n % 2 == 0, body=f"message {n}") for n in range(150)
    )
    with django_assert_max_num_queries(20):
        html = member_client.get("/safety/messages/").content.decode()
    assert "message 149" in html


# --- Sanctions --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ban", "mute"])
def test_a_banned_or_muted_member_still_reads_and_answers_the_team(
    reached_out: RiskAlert, member: User, second_moderator: User, kind: str
) -> None:
    services.take_action(member=member, moderator=second_moderator, kind=kind, reason="Spam")
    client = login(Client(), member)
    if kind == "ban":
        assert client.get("/forums/").status_code == 403  # the ban is in force
    page = client.get("/safety/messages/")
    assert page.status_code == 200 and "How are you doing tonight?" in page.content.decode()
    assert _reply(client, CALM_REPLY).status_code == 302
    assert SafetyMessage.objects.filter(member=member, body=CALM_REPLY).exists()


def test_the_ban_page_points_to_the_conversation(member: User, second_moderator: User) -> None:
    services.take_action(member=member, moderator=second_moderator, kind="ban", reason="Spam")
    html = login(Client(), member).get("/forums/").content.decode()
    assert 'href="/safety/messages/"' in html


# --- The moderator's side ------------------------------------------------------------------------


def test_the_moderator_sees_replies_on_the_alert_page_and_the_read_is_audited(
    reached_out: RiskAlert, member_client: Client, member: User, moderator: User
) -> None:
    _reply(member_client, CALM_REPLY)
    moderator_client = login(Client(), moderator)
    reply = SafetyMessage.objects.get(member=member, from_team=False)
    assert reply.read_at is None
    html = moderator_client.get(f"/moderation/alerts/{reached_out.pk}/").content.decode()
    assert "Conversation with the safety team" in html
    assert html.index("How are you doing tonight?") < html.index(CALM_REPLY)
    event = AuditEvent.objects.get(action="safety.messages.read")
    assert event.actor == moderator and event.subject == member
    assert set(event.detail["messages"]) == set(
        SafetyMessage.objects.filter(member=member).values_list("pk", flat=True)
    )
    assert CALM_REPLY not in json.dumps(event.detail)  # ids, never words
    reply.refresh_from_db()
    assert reply.read_at is not None


def test_an_alert_page_without_messages_writes_no_conversation_read(
    make_alert: Callable[..., RiskAlert], moderator_client: Client
) -> None:
    alert = make_alert()
    html = moderator_client.get(f"/moderation/alerts/{alert.pk}/").content.decode()
    assert "Conversation with the safety team" not in html
    assert not AuditEvent.objects.filter(action="safety.messages.read").exists()


def test_members_cannot_open_the_moderators_view_of_a_conversation(
    reached_out: RiskAlert, client: Client, outsider: User
) -> None:
    login(client, outsider)
    response = client.get(f"/moderation/alerts/{reached_out.pk}/")
    assert response.status_code in (302, 403, 404)
    assert "How are you doing tonight?" not in response.content.decode()


def test_a_reply_notifies_the_moderator_handling_the_alert_and_updates_the_live_queue(
    reached_out: RiskAlert,
    member_client: Client,
    moderator: User,
    second_moderator: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.set_on_duty(moderator=second_moderator, on_duty=True)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "broadcast", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(member_client, CALM_REPLY)
    note = Notification.objects.get(recipient=moderator, title="A member answered the safety team")
    assert note.url == f"/moderation/alerts/{reached_out.pk}/"
    assert CALM_REPLY not in note.body and CALM_REPLY not in note.title
    assert not note.urgent
    assert not Notification.objects.filter(
        recipient=second_moderator, title="A member answered the safety team"
    ).exists()
    assert [(e["event"], e["alert"]["id"]) for e in sent] == [("replied", reached_out.pk)]
    assert CALM_REPLY not in json.dumps(sent)


def test_a_reply_at_risk_is_urgent_for_the_handler(
    reached_out: RiskAlert, member_client: Client, moderator: User
) -> None:
    _reply(member_client, IMMINENT_TEXT)
    note = Notification.objects.get(recipient=moderator, title="A member answered the safety team")
    assert note.urgent


def test_a_reply_goes_to_the_moderators_on_duty_when_the_handler_no_longer_moderates(
    reached_out: RiskAlert, member_client: Client, moderator: User, second_moderator: User
) -> None:
    services.set_on_duty(moderator=second_moderator, on_duty=True)
    revoke_role(user=moderator, role=Role.MODERATOR, actor=None)
    _reply(member_client, CALM_REPLY)
    title = "A member answered the safety team"
    assert Notification.objects.filter(recipient=second_moderator, title=title).exists()
    assert not Notification.objects.filter(recipient=moderator, title=title).exists()


def test_a_reply_after_the_alert_was_resolved_reaches_every_moderator_and_the_queue(
    reached_out: RiskAlert,
    member_client: Client,
    member: User,
    moderator: User,
    second_moderator: User,
) -> None:
    services.resolve_alert(alert=reached_out, moderator=moderator, outcome="reached_out")
    _reply(member_client, CALM_REPLY)
    title = "A member answered the safety team"
    # Nobody on duty: every moderator is told.
    for person in (moderator, second_moderator):
        assert Notification.objects.filter(recipient=person, title=title).exists()
    # The team answers from an alert they hold, so the reply enters the queue to be taken.
    queued = RiskAlert.objects.get(kind="safety.message", status=AlertStatus.OPEN)
    assert queued.author == member and queued.level == "concern"
    note = Notification.objects.filter(recipient=moderator, title=title).get()
    assert note.url == f"/moderation/alerts/{queued.pk}/"
    # A second reply does not queue a second item.
    _reply(member_client, "And one more thing.")
    assert RiskAlert.objects.filter(kind="safety.message").count() == 1


# --- Privacy -------------------------------------------------------------------------------------


def test_the_export_has_the_conversation_without_the_moderators_name(
    reached_out: RiskAlert, member_client: Client, member: User
) -> None:
    _reply(member_client, CALM_REPLY)
    data = export_member_data(user=member)["safety"]["messages_with_the_safety_team"]
    assert [(m["from"], m["body"]) for m in data] == [
        ("safety_team", "How are you doing tonight?"),
        ("me", CALM_REPLY),
    ]
    assert MODERATOR_NAME not in json.dumps(data)


@pytest.mark.parametrize("mode", list(EraseMode))
def test_erasure_deletes_the_members_conversation(
    reached_out: RiskAlert, member_client: Client, member: User, mode: EraseMode
) -> None:
    _reply(member_client, CALM_REPLY)
    erase_member(user=member, mode=mode)
    assert not SafetyMessage.objects.exists()


def test_a_moderators_erasure_keeps_their_messages_in_the_members_conversation(
    reached_out: RiskAlert, member: User, moderator: User
) -> None:
    erase_member(user=moderator, mode=EraseMode.ANONYMISE)
    message = SafetyMessage.objects.get(member=member)
    assert message.sender is None and message.body == "How are you doing tonight?"
