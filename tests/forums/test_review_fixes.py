"""Regression tests for the forum review: the CSRF placeholder in cached fragments, releases of
held edits, moderators' title edits, rate limits on edits, and the block endpoint's answer for
anonymous posts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.forums import fragments, services
from peerhaven.forums.models import Board, Post, Thread
from peerhaven.notifications.models import Notification
from peerhaven.safety.gate import GateOutcome
from peerhaven.safety.models import RiskAlert

pytestmark = pytest.mark.django_db

HOLD = GateOutcome(level="imminent", evidence=[{"rule": "method"}], method=True)
CALM = GateOutcome(level="none")
EDITS = 30  # edits (of posts and titles together) a member may make in 10 minutes
FIELD = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)">')


# --- 1. the CSRF placeholder ------------------------------------------------------------------


def _tokens_outside_form_fields(page: str) -> tuple[set[str], str]:
    """The CSRF tokens in the page's real form fields, and the page without those fields."""
    tokens = set(FIELD.findall(page))
    return tokens, FIELD.sub("", page)


@pytest.mark.parametrize(
    "bait", ["csrf-placeholder-2f9c", "<csrf-token/>", "PLACEHOLDER"], ids=["old", "new", "current"]
)
def test_member_text_cannot_pull_a_readers_csrf_token_into_the_page(
    make_thread: Callable[..., Thread],
    make_user: Callable[..., User],
    member: User,
    outsider: User,
    moderator: User,
    bait: str,
) -> None:
    bait = fragments.PLACEHOLDER if bait == "PLACEHOLDER" else bait
    named = make_user(display_name=f"Name {bait}")
    thread = make_thread(member, body=f"Plain words {bait} and more")
    services.reply(thread=thread, author=named, body=f"[x](https://evil.example/steal?t={bait})")
    services.reply(
        thread=thread, author=member, body=f'[y](https://evil.example/ "title {bait}") {bait}'
    )
    services.react(post=thread.posts.get(position=1), user=named, kind="hear_you")
    hidden = services.reply(thread=thread, author=member, body="hide me")
    services.hide_post(post=hidden, actor=moderator, reason=f"Reason {bait}")
    url = reverse("forums:thread", args=[thread.pk])
    for viewer in (outsider, moderator):
        client = login(Client(enforce_csrf_checks=True), viewer)
        for _ in range(2):  # rendered, then from the cache
            page = client.get(url).content.decode()
            tokens, rest = _tokens_outside_form_fields(page)
            assert tokens and all(len(t) == 64 for t in tokens), tokens
            for token in tokens:
                assert token not in rest
            assert "evil.example/steal?t=" in rest  # the member's link is there, token-free
        # The real fields carry a working token.
        react = reverse("forums:react", args=[thread.posts.get(position=1).pk])
        token = re.search(
            rf'action="{re.escape(react)}" class="reactions"><input type="hidden" '
            r'name="csrfmiddlewaretoken" value="([^"]*)">',
            page,
        )
        assert token is not None
        response = client.post(react, {"toggle": "me_too", "csrfmiddlewaretoken": token.group(1)})
        assert response.status_code == 302


# --- 2. releasing held edits ------------------------------------------------------------------


def _backdate(thread: Thread, board: Board) -> timezone.datetime:
    then = timezone.now() - timedelta(days=3)
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=then)
    Board.objects.filter(pk=board.pk).update(last_activity_at=then)
    return then


def _news() -> int:
    return Notification.objects.filter(kind__in=["reply", "mention"]).count()


def test_releasing_a_held_title_edit_neither_notifies_again_nor_moves_activity(
    board: Board,
    make_thread: Callable[..., Thread],
    member: User,
    outsider: User,
    peer_supporter: User,
    moderator: User,
) -> None:
    thread = make_thread(member, body="Hello @Steady Lantern, mornings again")
    services.reply(thread=thread, author=outsider, body="Me too, and @Steady Lantern knows")
    news = _news()
    assert news >= 3  # mentions and the first reply were sent once
    then = _backdate(thread, board)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        services.edit_title(thread=thread, actor=member, title="Held words here")
    thread.refresh_from_db()
    assert thread.is_held
    services.release_post(post=thread.posts.get(position=1), actor=moderator, reason="Fine")
    thread.refresh_from_db()
    board.refresh_from_db()
    assert not thread.is_held
    assert _news() == news
    assert thread.last_activity_at == then and board.last_activity_at == then
    assert (board.thread_count, board.post_count, thread.reply_count) == (1, 2, 1)


def test_releasing_a_held_post_edit_from_the_safety_queue_does_not_notify_again(
    board: Board,
    make_thread: Callable[..., Thread],
    member: User,
    outsider: User,
    peer_supporter: User,
) -> None:
    thread = make_thread(member)
    services.follow_thread(thread=thread, user=peer_supporter)
    post = services.reply(thread=thread, author=outsider, body="I hear you, @Quiet Harbor")
    news = _news()
    then = _backdate(thread, board)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        services.edit_post(post=post, actor=outsider, body="Held words, @Quiet Harbor")
    thread.refresh_from_db()
    assert thread.reply_count == 0
    services.release_held_from_safety(str(post.pk), True)
    thread.refresh_from_db()
    board.refresh_from_db()
    assert not Post.objects.get(pk=post.pk).is_held
    assert _news() == news
    assert thread.last_activity_at == then and board.last_activity_at == then
    assert (thread.reply_count, board.post_count) == (1, 2)
    assert thread.answered_at is not None


def test_the_first_release_of_a_reply_held_when_written_still_notifies_and_counts(
    board: Board, make_thread: Callable[..., Thread], member: User, outsider: User, moderator: User
) -> None:
    thread = make_thread(member)
    then = _backdate(thread, board)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        post = services.reply(thread=thread, author=outsider, body="Held when written")
    # Edited while still held: its release is still its first publication.
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        services.edit_post(post=post, actor=outsider, body="Held when written, edited")
    assert _news() == 0
    services.release_post(post=Post.objects.get(pk=post.pk), actor=moderator, reason="Fine")
    thread.refresh_from_db()
    assert Notification.objects.filter(recipient=member, kind="reply").count() == 1
    assert thread.last_activity_at > then and thread.reply_count == 1


def test_the_first_release_of_a_thread_held_when_written_still_notifies(
    board: Board, make_thread: Callable[..., Thread], member: User, moderator: User
) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        thread = make_thread(member, body="Hello @Watchful Heron")
        services.edit_title(thread=thread, actor=member, title="Still held title")
    services.release_post(post=thread.posts.get(position=1), actor=moderator, reason="Fine")
    board.refresh_from_db()
    assert Notification.objects.filter(recipient=moderator, kind="mention").count() == 1
    assert (board.thread_count, board.post_count) == (1, 1)


# --- 3. moderators' title edits and rate limits on edits --------------------------------------


def test_a_moderators_title_is_screened_as_theirs_and_never_holds_the_authors_thread(
    board: Board, thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD) as screen:
        services.edit_title(thread=thread, actor=moderator, title="Moderator words", reason="x")
    assert screen.call_args.kwargs["author"] == moderator
    thread.refresh_from_db()
    board.refresh_from_db()
    assert not thread.is_held and not thread.posts.get(position=1).is_held
    assert board.thread_count == 1
    url = reverse("forums:thread", args=[thread.pk])
    assert login(Client(), outsider).get(url).status_code == 200
    alert = RiskAlert.objects.get()
    assert alert.author == moderator and not alert.held


def test_the_authors_own_held_title_still_names_the_author(thread: Thread, member: User) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        services.edit_title(thread=thread, actor=member, title="Author's held words")
    alert = RiskAlert.objects.get()
    assert alert.author == member and alert.held


def test_post_edits_are_rate_limited_with_a_429_and_the_draft_kept(
    thread: Thread, member: User
) -> None:
    post = thread.posts.get(position=1)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=CALM):
        for i in range(EDITS):
            services.edit_post(post=post, actor=member, body=f"Version {i}")
        response = login(Client(), member).post(
            reverse("forums:edit", args=[post.pk]), {"body": "MY-LATEST-DRAFT"}
        )
    assert response.status_code == 429
    page = response.content.decode()
    assert "MY-LATEST-DRAFT" in page and "changes very quickly" in page
    assert Post.objects.get(pk=post.pk).body == f"Version {EDITS - 1}"


def test_title_edits_are_rate_limited_on_the_web_and_in_the_api(
    thread: Thread, member: User
) -> None:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=CALM):
        for i in range(EDITS):
            services.edit_title(thread=thread, actor=member, title=f"Title number {i}")
        response = login(Client(), member).post(
            reverse("forums:edit_title", args=[thread.pk]), {"title": "MY-TITLE-DRAFT"}
        )
        assert response.status_code == 429
        assert "MY-TITLE-DRAFT" in response.content.decode()
        assert "changes very quickly" in response.content.decode()
        token = create_token(user=member, name="t").secret
        api = Client().patch(
            f"/api/forums/threads/{thread.pk}",
            {"title": "From the API"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert api.status_code == 429
    thread.refresh_from_db()
    assert thread.title == f"Title number {EDITS - 1}"


def test_an_unchanged_edit_does_not_count_against_the_limit(thread: Thread, member: User) -> None:
    post = thread.posts.get(position=1)
    for _ in range(EDITS + 5):
        services.edit_post(post=post, actor=member, body=post.body)
        services.edit_title(thread=thread, actor=member, title=thread.title)
    services.edit_post(post=post, actor=member, body="Now a real change")


# --- 4. blocking from anonymous posts ---------------------------------------------------------


def test_every_anonymous_post_answers_400_whether_its_author_still_exists_or_not(
    make_thread: Callable[..., Thread],
    make_user: Callable[..., User],
    member: User,
    outsider: User,
) -> None:
    thread = make_thread(member)
    gone = make_user(display_name="Gone Wren")
    staying = make_user(display_name="Staying Wren")
    left = services.reply(thread=thread, author=gone, body="quietly", anonymous=True)
    here = services.reply(thread=thread, author=staying, body="quietly", anonymous=True)
    gone.delete()
    assert Post.objects.get(pk=left.pk).author_id is None
    c = login(Client(), outsider)
    answers = [c.post(reverse("forums:block", args=[p.pk])) for p in (left, here)]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].content == answers[1].content
    # The viewer's own anonymous post is not theirs to block: 404 as for their named posts.
    mine = services.reply(thread=thread, author=outsider, body="me", anonymous=True)
    assert c.post(reverse("forums:block", args=[mine.pk])).status_code == 404
