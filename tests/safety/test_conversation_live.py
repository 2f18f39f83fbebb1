"""Live updates of the conversation with the safety team: the JSON the member's page and the
moderator's alert page poll for new messages, who may read it, what it marks read and audits,
and what the pages give the script (safety/live_conversation.js)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.safety import conversation, services, views
from peerhaven.safety.models import RiskAlert, SafetyMessage

# Invented texts.
FIRST = "How are you doing tonight?"
SECOND = "We are still here. Take your time."
REPLY = "A bit better, thank you."
MARKUP = '<script>alert("x")</script><b>not bold</b> & <img src=x onerror=alert(1)>'
MODERATOR_NAME = "Watchful Heron"  # the ``moderator`` persona

MEMBER_URL = "/safety/messages/updates/"
JS = Path(__file__).resolve().parents[2] / "src/peerhaven/safety/static/safety/live_conversation.js"


@pytest.fixture
def reached_out(make_alert: Callable[..., RiskAlert], moderator: User, member: User) -> RiskAlert:
    """An alert about ``member`` that ``moderator`` holds and has written to the member from."""
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(alert=alert, moderator=moderator, title="We are here", body=FIRST)
    return alert


@pytest.fixture
def first(reached_out: RiskAlert, member: User) -> SafetyMessage:
    return SafetyMessage.objects.get(member=member, body=FIRST)


def _write(alert: RiskAlert, moderator: User, body: str = SECOND) -> SafetyMessage:
    services.send_outreach(alert=alert, moderator=moderator, title="Still here", body=body)
    return SafetyMessage.objects.filter(from_team=True).latest("pk")


def _poll(client: Client, url: str, after: int | str, **extra: int | str) -> Any:
    return client.get(url, {"after": after, **extra}, HTTP_ACCEPT="application/json")


def _bodies(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["body"] for m in response.json()["messages"]]


def _moderator_url(alert: RiskAlert) -> str:
    return f"/moderation/alerts/{alert.pk}/messages/updates/"


# --- The member's page --------------------------------------------------------------------------


def test_the_member_gets_only_messages_newer_than_the_one_given_oldest_first(
    reached_out: RiskAlert, first: SafetyMessage, moderator: User, member_client: Client
) -> None:
    second = _write(reached_out, moderator)
    reply = conversation.reply_to_team(member=first.member, body=REPLY)
    response = _poll(member_client, MEMBER_URL, first.pk)
    assert _bodies(response) == [SECOND, REPLY]
    data = response.json()
    assert data["more"] is False
    assert [(m["id"], m["who"], m["from_team"]) for m in data["messages"]] == [
        (second.pk, "Safety team", True),
        (reply.pk, "You", False),
    ]
    assert MODERATOR_NAME not in response.content.decode()  # the member never sees who wrote
    assert _bodies(_poll(member_client, MEMBER_URL, reply.pk)) == []
    assert _bodies(_poll(member_client, MEMBER_URL, 0)) == [FIRST, SECOND, REPLY]


def test_a_long_wait_is_delivered_in_batches_without_gaps_or_repeats(
    reached_out: RiskAlert,
    first: SafetyMessage,
    member: User,
    member_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conversation, "UPDATES_BATCH", 3)
    SafetyMessage.objects.bulk_create(
        SafetyMessage(member=member, from_team=True, body=f"note {n}") for n in range(5)
    )
    seen: list[str] = []
    after, more = first.pk, True
    while more:
        data = _poll(member_client, MEMBER_URL, after).json()
        assert len(data["messages"]) <= 3
        seen += [m["body"] for m in data["messages"]]
        after, more = data["messages"][-1]["id"], data["more"]
    assert seen == [f"note {n}" for n in range(5)]


def test_delivered_team_messages_count_as_read_as_on_the_page(
    reached_out: RiskAlert, first: SafetyMessage, moderator: User, member_client: Client
) -> None:
    member_client.get("/safety/messages/")  # the page marks what it shows read
    second = _write(reached_out, moderator)
    assert second.read_at is None
    # A poll that does not deliver it (the page already shows it) leaves it unread...
    assert _bodies(_poll(member_client, MEMBER_URL, second.pk)) == []
    second.refresh_from_db()
    assert second.read_at is None
    # ...and the poll that puts it on the screen marks it read.
    assert _bodies(_poll(member_client, MEMBER_URL, first.pk)) == [SECOND]
    second.refresh_from_db()
    assert second.read_at is not None


def test_another_member_only_ever_gets_their_own_empty_conversation(
    reached_out: RiskAlert, first: SafetyMessage, client: Client, member: User, outsider: User
) -> None:
    login(client, outsider)
    # No member id in the URL; a guessed one in the query string or the path changes nothing.
    response = client.get(MEMBER_URL, {"after": 0, "member": member.pk})
    assert _bodies(response) == []
    assert client.get(f"/safety/messages/{member.pk}/updates/").status_code == 404
    first.refresh_from_db()
    assert first.read_at is None


def test_signed_out_polls_answer_401_without_content(
    reached_out: RiskAlert, client: Client
) -> None:
    response = _poll(client, MEMBER_URL, 0)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert FIRST not in response.content.decode()


def test_a_banned_member_still_gets_the_teams_messages(
    reached_out: RiskAlert, first: SafetyMessage, member: User, second_moderator: User
) -> None:
    services.take_action(member=member, moderator=second_moderator, kind="ban", reason="Spam")
    client = login(Client(), member)
    assert client.get("/forums/").status_code == 403  # the ban is in force
    assert _bodies(_poll(client, MEMBER_URL, 0)) == [FIRST]


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", "²", "9" * 19])
def test_a_malformed_cursor_is_refused_with_400(
    reached_out: RiskAlert, member_client: Client, after: str
) -> None:
    response = _poll(member_client, MEMBER_URL, after)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_polls_are_rate_limited_with_retry_after(
    reached_out: RiskAlert, member_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversation, "LIVE_LIMIT", 2)
    assert _poll(member_client, MEMBER_URL, 0).status_code == 200
    assert _poll(member_client, MEMBER_URL, 0).status_code == 200
    refused = _poll(member_client, MEMBER_URL, 0)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= conversation.LIVE_WINDOW
    assert FIRST not in refused.content.decode()


def test_the_answer_is_private_json_never_cached_and_only_for_get(
    reached_out: RiskAlert, member_client: Client
) -> None:
    response = _poll(member_client, MEMBER_URL, 0)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert member_client.post(MEMBER_URL, {"after": 0}).status_code == 405


def test_member_text_is_sent_as_plain_text_for_the_script_to_insert_as_text(
    reached_out: RiskAlert, first: SafetyMessage, member_client: Client, moderator: User
) -> None:
    conversation.reply_to_team(member=first.member, body=MARKUP)
    response = _poll(member_client, MEMBER_URL, first.pk)
    # Exactly what was written: not HTML-escaped here (the script uses textContent, so escaping
    # here would show "&lt;" to the member), and JSON is never rendered as a page (nosniff).
    assert _bodies(response) == [MARKUP]
    moderator_response = _poll(login(Client(), moderator), _moderator_url(reached_out), first.pk)
    assert _bodies(moderator_response) == [MARKUP]
    # The pages themselves, without JavaScript, escape it.
    html = member_client.get("/safety/messages/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_the_script_never_inserts_text_as_html() -> None:
    source = JS.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, sink
    assert "textContent" in source and "createTextNode" in source


def test_the_member_poll_reads_in_constant_queries(
    reached_out: RiskAlert,
    first: SafetyMessage,
    member: User,
    member_client: Client,
    django_assert_num_queries: Any,
) -> None:
    def add(n: int) -> int:
        start = SafetyMessage.objects.latest("pk").pk
        SafetyMessage.objects.bulk_create(
            SafetyMessage(member=member, from_team=i % 2 == 0, body=f"m{i}") for i in range(n)
        )
        return start

    after = add(1)
    with CaptureQueriesContext(connection) as one:
        assert len(_bodies(_poll(member_client, MEMBER_URL, after))) == 1
    after = add(10)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(_bodies(_poll(member_client, MEMBER_URL, after))) == 10


# --- The moderator's alert page -----------------------------------------------------------------


def test_the_moderator_gets_new_replies_marked_read_and_the_delivery_audited(
    reached_out: RiskAlert, first: SafetyMessage, member: User, moderator: User
) -> None:
    staff = login(Client(), moderator)
    staff.get(f"/moderation/alerts/{reached_out.pk}/")
    AuditEvent.objects.filter(action="safety.messages.read").delete()
    reply = conversation.reply_to_team(member=member, body=REPLY)
    response = _poll(staff, _moderator_url(reached_out), first.pk)
    assert _bodies(response) == [REPLY]
    [message] = response.json()["messages"]
    assert message["who"] == "Member" and message["id"] == reply.pk
    assert {"text": "this alert"} in message["notes"]
    reply.refresh_from_db()
    assert reply.read_at is not None
    event = AuditEvent.objects.get(action="safety.messages.read")
    assert event.actor == moderator and event.subject == member
    assert event.detail == {"alert": reached_out.pk, "messages": [reply.pk], "live": True}
    assert REPLY not in json.dumps(event.detail)  # ids, never words


def test_empty_moderator_polls_write_no_audit_rows(
    reached_out: RiskAlert, first: SafetyMessage, moderator: User
) -> None:
    staff = login(Client(), moderator)
    before = AuditEvent.objects.count()
    for _ in range(3):
        assert _bodies(_poll(staff, _moderator_url(reached_out), first.pk)) == []
    assert AuditEvent.objects.count() == before


def test_the_moderator_sees_who_wrote_for_the_team_and_where(
    reached_out: RiskAlert,
    first: SafetyMessage,
    member: User,
    moderator: User,
    make_alert: Callable[..., RiskAlert],
) -> None:
    # The conversation spans alerts: a message written from another alert links to it.
    other = make_alert()
    services.claim_alert(alert_id=other.pk, moderator=moderator)
    second = _write(other, moderator)
    data = _poll(login(Client(), moderator), _moderator_url(reached_out), first.pk).json()
    [message] = data["messages"]
    assert message["id"] == second.pk and message["who"] == f"Safety team ({MODERATOR_NAME})"
    assert {"text": f"alert {other.pk}", "href": f"/moderation/alerts/{other.pk}/"} in message[
        "notes"
    ]
    assert {"text": "not read yet", "read": False} in message["notes"]


def test_a_reply_at_risk_shows_its_screening_to_the_moderator(
    reached_out: RiskAlert, first: SafetyMessage, member: User, moderator: User
) -> None:
    conversation.reply_to_team(member=member, body="I wish I was dead")
    data = _poll(login(Client(), moderator), _moderator_url(reached_out), first.pk).json()
    [message] = data["messages"]
    assert {"text": "screened: Ideation", "strong": True} in message["notes"]


@pytest.mark.parametrize("persona", ["member", "outsider", "peer_supporter", "clinician"])
def test_only_moderators_may_poll_the_alert_conversation(
    reached_out: RiskAlert, first: SafetyMessage, request: pytest.FixtureRequest, persona: str
) -> None:
    reply = conversation.reply_to_team(member=first.member, body=REPLY)
    person: User = request.getfixturevalue(persona)
    before = AuditEvent.objects.filter(action="safety.messages.read").count()
    response = _poll(login(Client(), person), _moderator_url(reached_out), 0)
    assert response.status_code in (302, 403)
    assert REPLY not in response.content.decode() and FIRST not in response.content.decode()
    reply.refresh_from_db()
    assert reply.read_at is None
    assert AuditEvent.objects.filter(action="safety.messages.read").count() == before


def test_a_moderator_without_two_factor_is_sent_to_set_it_up(
    reached_out: RiskAlert, make_user: Callable[..., User]
) -> None:
    unsecured = make_user(roles=(Role.MODERATOR,), two_factor=False)
    response = _poll(login(Client(), unsecured), _moderator_url(reached_out), 0)
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_a_moderator_without_two_factor_is_refused_even_past_the_middleware(
    reached_out: RiskAlert, make_user: Callable[..., User], rf: Any
) -> None:
    # The view checks on its own too, as the alert page does (can_moderate needs two factors).
    unsecured = make_user(roles=(Role.MODERATOR,), two_factor=False)
    request = rf.get(_moderator_url(reached_out), {"after": "0"})
    request.user = unsecured
    response = views.alert_messages_updates(request, reached_out.pk)
    assert response.status_code == 403
    assert FIRST not in response.content.decode()


def test_the_moderator_poll_answers_401_signed_out_and_404_for_no_such_alert(
    reached_out: RiskAlert, client: Client, moderator: User
) -> None:
    response = _poll(client, _moderator_url(reached_out), 0)
    assert response.status_code == 401 and FIRST not in response.content.decode()
    staff = login(Client(), moderator)
    assert (
        _poll(staff, f"/moderation/alerts/{reached_out.pk + 999}/messages/updates/", 0).status_code
        == 404
    )


def _add_messages(member: User, moderator: User, n: int, *, team_only: bool = False) -> int:
    """Add ``n`` messages to the member's conversation (alternately member's and team's, or
    the team's only); returns the newest id before them."""
    start = SafetyMessage.objects.latest("pk").pk
    SafetyMessage.objects.bulk_create(
        SafetyMessage(
            member=member,
            from_team=team_only or i % 2 == 1,
            sender=moderator if team_only or i % 2 else None,
            body=f"m{i}",
        )
        for i in range(n)
    )
    return start


def test_the_moderator_poll_reads_in_constant_queries(
    reached_out: RiskAlert,
    first: SafetyMessage,
    member: User,
    moderator: User,
    django_assert_num_queries: Any,
) -> None:
    staff = login(Client(), moderator)
    after = _add_messages(member, moderator, 1)
    with CaptureQueriesContext(connection) as one:
        assert len(_bodies(_poll(staff, _moderator_url(reached_out), after))) == 1
    after = _add_messages(member, moderator, 10)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(_bodies(_poll(staff, _moderator_url(reached_out), after))) == 10


# --- The "read by the member" label of messages already shown -----------------------------------


def test_the_moderator_poll_tells_when_the_member_reads_a_message_already_shown(
    reached_out: RiskAlert, first: SafetyMessage, member_client: Client, moderator: User
) -> None:
    staff = login(Client(), moderator)
    url = _moderator_url(reached_out)
    staff.get(f"/moderation/alerts/{reached_out.pk}/")  # shows ``first`` as "not read yet"
    before = _poll(staff, url, first.pk, unread=first.pk).json()
    assert before["messages"] == [] and before["read"] == []
    member_client.get("/safety/messages/")  # the member reads it
    after = _poll(staff, url, first.pk, unread=first.pk).json()
    assert after["messages"] == []
    assert after["read"] == [first.pk]
    assert after["read_label"] == "read by the member"
    # Without ``unread`` (the page shows nothing unread) the poll does not look.
    assert _poll(staff, url, first.pk).json()["read"] == []


def test_the_read_state_covers_only_what_the_page_shows_as_unread(
    reached_out: RiskAlert, first: SafetyMessage, member: User, moderator: User
) -> None:
    second = _write(reached_out, moderator)
    third = _write(reached_out, moderator, body="A third note.")
    conversation.mark_read_by_member(member=member)
    reply = conversation.reply_to_team(member=member, body=REPLY)
    staff = login(Client(), moderator)
    data = _poll(staff, _moderator_url(reached_out), second.pk, unread=second.pk).json()
    # From the oldest unread shown (``second``) to the newest shown (``after``): not ``first``
    # (the page already shows it read), not ``third`` (delivered now, with its own state), and
    # never the member's own reply.
    assert data["read"] == [second.pk]
    assert [m["id"] for m in data["messages"]] == [third.pk, reply.pk]
    assert {"text": "read by the member", "read": True} in data["messages"][0]["notes"]
    assert not any("read" in note for note in data["messages"][1]["notes"])
    # An ``unread`` above ``after`` finds nothing.
    assert _poll(staff, _moderator_url(reached_out), first.pk, unread=third.pk).json()["read"] == []


def test_a_poll_that_brings_only_the_read_state_writes_no_audit_row(
    reached_out: RiskAlert, first: SafetyMessage, member: User, moderator: User
) -> None:
    staff = login(Client(), moderator)
    conversation.mark_read_by_member(member=member)
    before = AuditEvent.objects.count()
    for _ in range(2):
        data = _poll(staff, _moderator_url(reached_out), first.pk, unread=first.pk).json()
        assert data["read"] == [first.pk] and data["messages"] == []
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("unread", ["", "abc", "-1", "9" * 19])
def test_a_malformed_unread_cursor_is_refused_with_400(
    reached_out: RiskAlert, first: SafetyMessage, moderator: User, unread: str
) -> None:
    response = _poll(
        login(Client(), moderator), _moderator_url(reached_out), first.pk, unread=unread
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_only_moderators_learn_the_read_state(
    reached_out: RiskAlert,
    first: SafetyMessage,
    member: User,
    request: pytest.FixtureRequest,
    persona: str,
) -> None:
    conversation.mark_read_by_member(member=member)
    person: User = request.getfixturevalue(persona)
    response = _poll(
        login(Client(), person), _moderator_url(reached_out), first.pk, unread=first.pk
    )
    assert response.status_code in (302, 403)
    assert b'"read"' not in response.content
    with pytest.raises(PermissionDenied):
        conversation.read_by_member_between(
            moderator=person, member=member, first=first.pk, last=first.pk
        )


def test_the_member_poll_carries_no_read_state(
    reached_out: RiskAlert, first: SafetyMessage, member_client: Client
) -> None:
    data = _poll(member_client, MEMBER_URL, 0, unread=first.pk).json()
    assert set(data) == {"messages", "more"}


def test_the_read_state_costs_one_query_whatever_the_number_of_messages(
    reached_out: RiskAlert,
    first: SafetyMessage,
    member: User,
    moderator: User,
    django_assert_num_queries: Any,
) -> None:
    staff = login(Client(), moderator)
    url = _moderator_url(reached_out)

    def add(n: int) -> int:
        _add_messages(member, moderator, n, team_only=True)
        conversation.mark_read_by_member(member=member)
        return SafetyMessage.objects.latest("pk").pk

    last = add(0)
    with CaptureQueriesContext(connection) as plain:
        _poll(staff, url, last)
    with CaptureQueriesContext(connection) as one:
        assert _poll(staff, url, last, unread=first.pk).json()["read"] == [first.pk]
    assert len(one.captured_queries) == len(plain.captured_queries) + 1
    last = add(10)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(_poll(staff, url, last, unread=first.pk).json()["read"]) == 11


def test_the_alert_page_marks_the_label_the_script_updates(
    reached_out: RiskAlert, first: SafetyMessage, member: User, moderator: User
) -> None:
    staff = login(Client(), moderator)
    answer = conversation.reply_to_team(member=member, body=REPLY)
    html = staff.get(f"/moderation/alerts/{reached_out.pk}/").content.decode()
    team = re.search(rf'<li [^>]*data-id="{first.pk}"[^>]*>', html)
    assert team and 'data-read="no"' in team.group(0)
    assert '<span class="safety-message-read">not read yet</span>' in html
    reply = re.search(rf'<li [^>]*data-id="{answer.pk}"[^>]*>', html)
    assert reply and "data-read" not in reply.group(0)  # the member's own: no label
    # Without JavaScript, a reload shows the read.
    conversation.mark_read_by_member(member=member)
    html = staff.get(f"/moderation/alerts/{reached_out.pk}/").content.decode()
    team = re.search(rf'<li [^>]*data-id="{first.pk}"[^>]*>', html)
    assert team and 'data-read="yes"' in team.group(0)
    assert '<span class="safety-message-read">read by the member</span>' in html


def test_the_script_updates_the_read_label_in_place_never_the_whole_message() -> None:
    source = JS.read_text()
    assert '"&unread="' in source
    # The label's text changes; the message is not re-rendered (that would be announced again).
    assert "firstChild.data = label" in source
    mark_read = source[source.index("function markRead") : source.index("function receive")]
    assert "render(" not in mark_read and "appendChild" not in mark_read


# --- What the pages give the script -------------------------------------------------------------


def _attr(html: str, element_id: str, name: str) -> str:
    tag = re.search(rf'<[^>]*\bid="{element_id}"[^>]*>', html)
    assert tag, element_id
    value = re.search(rf'\b{name}="([^"]*)"', tag.group(0))
    assert value, name
    return value.group(1)


def test_the_member_page_starts_live_updates_after_its_newest_message(
    reached_out: RiskAlert, moderator: User, member_client: Client
) -> None:
    newest = _write(reached_out, moderator)
    html = member_client.get("/safety/messages/").content.decode()
    assert _attr(html, "safety-conversation", "data-after") == str(newest.pk)
    assert _attr(html, "safety-conversation", "data-updates") == MEMBER_URL
    assert _attr(html, "safety-conversation", "aria-live") == "polite"
    assert f'data-id="{newest.pk}"' in html
    assert _attr(html, "conversation-status", "role") == "status"
    # An external script, as the Content-Security-Policy (script-src 'self') requires.
    assert '<script src="/static/safety/live_conversation.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_the_member_page_without_a_conversation_waits_for_the_first_message(
    member_client: Client,
) -> None:
    html = member_client.get("/safety/messages/").content.decode()
    assert _attr(html, "safety-conversation", "data-after") == "0"
    assert re.search(r'<p id="reply-offer"[^>]*\bhidden\b', html)  # shown by the script
    assert 'name="body"' not in html


def test_the_alert_page_starts_live_updates_after_its_newest_message(
    reached_out: RiskAlert, first: SafetyMessage, moderator: User
) -> None:
    html = login(Client(), moderator).get(f"/moderation/alerts/{reached_out.pk}/").content.decode()
    assert _attr(html, "safety-conversation", "data-after") == str(first.pk)
    assert _attr(html, "safety-conversation", "data-updates") == _moderator_url(reached_out)
    assert _attr(html, "safety-conversation", "aria-live") == "polite"
    assert "/static/safety/live_conversation.js" in html


def test_an_alert_page_without_a_conversation_does_not_poll(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    alert = make_alert()
    html = login(Client(), moderator).get(f"/moderation/alerts/{alert.pk}/").content.decode()
    assert "live_conversation.js" not in html
