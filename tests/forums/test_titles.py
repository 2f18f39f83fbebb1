"""Changing a thread's title: the author within the edit window, moderators at any time; the
old title goes into a history only moderators see; the new one is screened like any text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import AuditEvent, User
from peerhaven.accounts.services import create_token
from peerhaven.forums import services
from peerhaven.forums.models import Board, ModerationAction, Thread, ThreadRevision
from peerhaven.notifications.models import Notification
from peerhaven.safety.gate import GateOutcome

pytestmark = pytest.mark.django_db

HOLD = GateOutcome(level="imminent", evidence=[{"rule": "method"}], method=True)


def _age(thread: Thread, minutes: int) -> None:
    Thread.objects.filter(pk=thread.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    thread.refresh_from_db()


def test_the_author_changes_the_title_and_the_old_one_is_kept(thread: Thread, member: User) -> None:
    services.edit_title(thread=thread, actor=member, title="  Mornings,   still hard ")
    thread.refresh_from_db()
    assert thread.title == "Mornings, still hard"
    assert thread.title_edited_at is not None
    revision = ThreadRevision.objects.get(thread=thread)
    assert (revision.title, revision.editor) == ("Mornings are the hardest", member)
    # The same title again is no change and no new revision.
    services.edit_title(thread=thread, actor=member, title="Mornings, still hard")
    assert ThreadRevision.objects.count() == 1


def test_the_new_title_is_screened_before_it_is_stored(thread: Thread, member: User) -> None:
    with mock.patch(
        "peerhaven.forums.services.screen_user_text", return_value=GateOutcome(level="none")
    ) as screen:
        services.edit_title(thread=thread, actor=member, title="A gentler title")
    assert screen.call_args.kwargs["text"] == "A gentler title"
    assert screen.call_args.kwargs["author"] == member


def test_a_title_held_by_screening_holds_the_thread_and_counts_it_once(
    board: Board, thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        services.edit_title(thread=thread, actor=member, title="Held words here")
    thread.refresh_from_db()
    board.refresh_from_db()
    assert thread.is_held and thread.posts.get(position=1).is_held
    assert board.thread_count == 0
    assert (
        login(Client(), outsider).get(reverse("forums:thread", args=[thread.pk])).status_code == 404
    )
    services.release_post(post=thread.posts.get(position=1), actor=moderator, reason="Fine")
    board.refresh_from_db()
    assert board.thread_count == 1 and board.post_count == 1


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Give your thread a title"), (" a ", "Give your thread a title"),
     ("x" * 141, "Titles can be up to 140 characters")],
)  # fmt: skip
def test_empty_and_too_long_titles_are_refused_with_a_message(
    thread: Thread, member: User, title: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.edit_title(thread=thread, actor=member, title=title)
    assert message in " ".join(exc.value.messages)
    thread.refresh_from_db()
    assert thread.title == "Mornings are the hardest"


def test_after_the_edit_window_only_moderators_can_change_the_title(
    thread: Thread, member: User, moderator: User
) -> None:
    _age(thread, 61)
    with pytest.raises(ValidationError) as exc:
        services.edit_title(thread=thread, actor=member, title="Too late now")
    assert exc.value.code == "edit_window"
    with pytest.raises(ValidationError) as exc:
        services.edit_title(thread=thread, actor=moderator, title="Clearer title")
    assert "reason" in exc.value.message_dict
    services.edit_title(thread=thread, actor=moderator, title="Clearer title", reason="Typo")
    thread.refresh_from_db()
    assert thread.title == "Clearer title"


def test_a_moderators_change_is_audited_and_its_reason_shown_to_the_author(
    thread: Thread, member: User, moderator: User
) -> None:
    services.edit_title(
        thread=thread, actor=moderator, title="Mornings", reason="Shorter for the board list"
    )
    action = ModerationAction.objects.get(thread=thread)
    assert (action.action, action.reason) == ("retitle", "Shorter for the board list")
    assert AuditEvent.objects.filter(action="forums.thread.retitle", subject=member).exists()
    note = Notification.objects.get(recipient=member, kind="moderation")
    assert "Shorter for the board list" in note.body
    page = login(Client(), member).get(reverse("forums:thread", args=[thread.pk]))
    assert "Title changed" in page.content.decode()
    assert "Shorter for the board list" in page.content.decode()


def test_others_and_locked_threads_are_refused(
    thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.edit_title(thread=thread, actor=outsider, title="Not mine")
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="Calm down")
    with pytest.raises(ValidationError) as exc:
        services.edit_title(thread=thread, actor=member, title="Still mine")
    assert exc.value.code == "locked"


# --- web ----------------------------------------------------------------------------------------


def test_the_author_changes_the_title_on_the_web(thread: Thread, member: User) -> None:
    c = login(Client(), member)
    page = c.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    url = reverse("forums:edit_title", args=[thread.pk])
    assert url in page
    assert c.get(url).status_code == 200
    response = c.post(url, {"title": "Mornings are easier now"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.title == "Mornings are easier now"


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Give your thread a title"), ("MY-DRAFT-" + "x" * 200, "Titles can be up to 140")],
)
def test_bad_titles_on_the_web_are_a_422_that_keeps_the_draft(
    thread: Thread, member: User, title: str, message: str
) -> None:
    response = login(Client(), member).post(
        reverse("forums:edit_title", args=[thread.pk]), {"title": title}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert f'value="{title}"' in page if title else 'name="title"' in page


def test_after_the_window_the_web_form_is_a_403_that_shows_the_text(
    thread: Thread, member: User
) -> None:
    _age(thread, 61)
    c = login(Client(), member)
    page = c.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert reverse("forums:edit_title", args=[thread.pk]) not in page
    response = c.post(reverse("forums:edit_title", args=[thread.pk]), {"title": "LATE-DRAFT"})
    assert response.status_code == 403
    assert "LATE-DRAFT" in response.content.decode()


def test_other_members_get_a_404(thread: Thread, outsider: User) -> None:
    c = login(Client(), outsider)
    assert c.get(reverse("forums:edit_title", args=[thread.pk])).status_code == 404
    assert c.post(reverse("forums:edit_title", args=[thread.pk]), {"title": "x"}).status_code == 404


def test_the_title_history_is_for_moderators_and_each_look_is_audited(
    thread: Thread, member: User, moderator: User
) -> None:
    services.edit_title(thread=thread, actor=member, title="Second title")
    url = reverse("forums:thread_history", args=[thread.pk])
    assert login(Client(), member).get(url).status_code == 404
    mod = login(Client(), moderator)
    assert url in mod.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    page = mod.get(url).content.decode()
    assert "Mornings are the hardest" in page and "Second title" in page
    assert AuditEvent.objects.filter(action="forums.thread.history.read", subject=member).exists()


def test_a_moderator_needs_a_reason_on_the_web_and_keeps_the_draft(
    thread: Thread, moderator: User
) -> None:
    c = login(Client(), moderator)
    url = reverse("forums:edit_title", args=[thread.pk])
    response = c.post(url, {"title": "MOD-DRAFT title"})
    assert response.status_code == 422
    assert "MOD-DRAFT title" in response.content.decode()
    assert c.post(url, {"title": "MOD-DRAFT title", "reason": "Clearer"}).status_code == 302


# --- API ----------------------------------------------------------------------------------------


def _patch(client: Client, thread: Thread, user: User, data: dict[str, Any]) -> Any:
    token = create_token(user=user, name="t").secret
    return client.patch(
        f"/api/forums/threads/{thread.pk}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_api_changes_titles_with_the_same_rules(
    client: Client, thread: Thread, member: User, outsider: User
) -> None:
    response = _patch(client, thread, member, {"title": "From the app"})
    assert response.status_code == 200 and response.json()["title"] == "From the app"
    assert _patch(client, thread, member, {"title": ""}).status_code == 422
    assert _patch(client, thread, member, {"title": "y" * 141}).status_code == 422
    assert _patch(client, thread, outsider, {"title": "Mine now"}).status_code == 403
    _age(thread, 61)
    late = _patch(client, thread, member, {"title": "Too late"})
    assert late.status_code == 403 and late.json()["error"]["code"] == "edit_window"
    thread.refresh_from_db()
    assert thread.title == "From the app"
