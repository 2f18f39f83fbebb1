"""A held post a moderator reviews and keeps hidden no longer tells its author it is "waiting
for a moderator's review": it says it was reviewed and kept hidden, with the reason."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, Thread
from peerhaven.safety import services as safety
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db

HELD_TEXT = "I am going to overdose on my pills tonight"


def _resolve_kept_hidden(post: Post, moderator: User, reason: str) -> None:
    alert = RiskAlert.objects.get(object_id=str(post.pk))
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    safety.resolve_alert(
        alert=alert,
        moderator=moderator,
        outcome="reached_out",
        release_held=False,
        held_reason=reason,
    )


def test_a_reviewed_reply_says_so_to_its_author(
    client: Client, thread: Thread, outsider: User, moderator: User
) -> None:
    post = services.reply(thread=thread, author=outsider, body=HELD_TEXT)
    assert post.is_held
    _resolve_kept_hidden(post, moderator, "We have written to you privately.")
    post.refresh_from_db()
    assert post.is_held and post.is_hidden  # still nobody else's to read
    login(client, outsider)
    page = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "waiting for a moderator" not in page
    assert "reviewed this post and kept it hidden" in page
    assert "We have written to you privately." in page


def test_a_reviewed_opening_post_takes_the_thread_out_of_view_with_the_reason(
    client: Client, board: Board, member: User, moderator: User
) -> None:
    thread = services.create_thread(board=board, author=member, title="Tonight", body=HELD_TEXT)
    post = Post.objects.get(thread=thread, position=1)
    _resolve_kept_hidden(post, moderator, "")
    thread.refresh_from_db()
    assert thread.is_held and thread.deleted_at is not None
    login(client, member)
    page = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "waiting for a moderator" not in page
    assert "A moderator reviewed it and kept it hidden." in page


def test_a_thread_kept_hidden_says_so_rather_than_removed(
    client: Client, board: Board, member: User, moderator: User
) -> None:
    thread = services.create_thread(board=board, author=member, title="Tonight", body=HELD_TEXT)
    _resolve_kept_hidden(Post.objects.get(thread=thread, position=1), moderator, "")
    login(client, member)
    page = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "A moderator read this thread and kept it hidden." in page
    assert "A moderator removed this thread" not in page


@pytest.mark.parametrize("publish", [True, False])
def test_the_author_is_told_what_became_of_their_held_post(
    thread: Thread,
    outsider: User,
    moderator: User,
    publish: bool,
) -> None:
    from peerhaven.notifications.models import Notification

    post = services.reply(thread=thread, author=outsider, body=HELD_TEXT)
    alert = RiskAlert.objects.get(object_id=str(post.pk))
    safety.claim_alert(alert_id=alert.pk, moderator=moderator)
    before = set(Notification.objects.filter(recipient=outsider).values_list("pk", flat=True))

    safety.resolve_alert(
        alert=alert,
        moderator=moderator,
        outcome="reached_out",
        release_held=publish,
        held_reason="" if publish else "We have written to you privately.",
    )

    told = Notification.objects.filter(recipient=outsider, kind="moderation").exclude(pk__in=before)
    assert told.count() == 1
    note = told.get()
    if publish:
        assert note.title == "A moderator read what you wrote, and others can see it now"
    else:
        assert note.title == "A moderator read what you wrote and kept it hidden"
        assert note.body.startswith("We have written to you privately.")
    assert note.url == alert.url
