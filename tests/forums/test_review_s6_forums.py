"""Review s6: bad input that answered 500, mutes the "needs a reply" list ignored, notifications
that outlived access to a thread, and reaction toggling that flooded an author."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.forums import services
from peerhaven.forums.models import Block, Board, Mute, Thread
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


def cursor_of(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.fixture
def tolerant(client: Client) -> Client:
    """A client that returns a 500 as a response instead of raising."""
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "raw", ["2024-01-01T00:00:00+00:00|abc", "2024-01-01T00:00:00+00:00|²", "2024-01-01T00:00|1"]
)
def test_a_forged_board_cursor_is_not_a_server_error(
    tolerant: Client, member: User, board: Board, thread: Thread, raw: str
) -> None:
    tolerant.force_login(member)
    page = tolerant.get(f"/forums/b/{board.slug}/", {"after": cursor_of(raw)})
    assert page.status_code == 200
    api = tolerant.get(
        f"/api/forums/boards/{board.slug}/threads", {"cursor": cursor_of(raw)}, **bearer(member)
    )
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "bad_cursor"


def test_a_quote_id_that_only_looks_like_digits_is_ignored(
    tolerant: Client, member: User, thread: Thread
) -> None:
    tolerant.force_login(member)
    response = tolerant.get(f"/forums/t/{thread.pk}/reply/", {"quote": "²"})
    assert response.status_code == 200


def test_a_post_cursor_that_only_looks_like_digits_is_refused(
    tolerant: Client, member: User, thread: Thread
) -> None:
    response = tolerant.get(
        f"/api/forums/threads/{thread.pk}/posts", {"cursor": "²"}, **bearer(member)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_cursor"


@pytest.mark.parametrize("field", ["unblock", "unmute"])
def test_settings_undo_with_a_bad_id_changes_nothing_and_is_no_server_error(
    tolerant: Client, member: User, outsider: User, thread: Thread, field: str
) -> None:
    services.block_member(blocker=member, blocked=outsider)
    services.mute_thread(thread=thread, user=member)
    tolerant.force_login(member)
    response = tolerant.post("/forums/settings/", {field: "abc"})
    assert response.status_code == 302
    assert Block.objects.filter(blocker=member).count() == 1
    assert Mute.objects.filter(user=member).count() == 1


def test_needs_reply_leaves_out_muted_threads_and_muted_warnings(
    client: Client, member: User, outsider: User, make_thread: Callable[..., Thread]
) -> None:
    warned = make_thread(member, title="A heavy night", content_warning="suicide")
    muted = make_thread(member, title="A thread I muted")
    kept = make_thread(member, title="Mornings again")
    Thread.objects.update(created_at=timezone.now() - timedelta(days=1))
    services.mute_warning(user=outsider, warning="suicide")
    services.mute_thread(thread=muted, user=outsider)
    client.force_login(outsider)
    html = client.get("/forums/needs-reply/").content.decode()
    assert kept.title in html
    assert warned.title not in html
    assert muted.title not in html


def test_followers_who_lost_access_to_a_thread_are_not_told_about_replies(
    member: User,
    outsider: User,
    peer_supporter: User,
    moderator: User,
    lounge: Board,
    thread: Thread,
) -> None:
    services.reply(thread=thread, author=outsider, body="I hear you.")
    services.follow_thread(thread=thread, user=peer_supporter)
    services.move_thread(thread=thread, actor=moderator, board=lounge, reason="Peer topic")
    Notification.objects.all().delete()
    thread.refresh_from_db()
    services.reply(thread=thread, author=peer_supporter, body="Something for peers only.")
    told = set(Notification.objects.values_list("recipient__display_name", flat=True))
    # The thread's author (a member) and the member who replied cannot open the lounge.
    assert member.display_name not in told
    assert outsider.display_name not in told


def test_followers_who_can_see_a_restricted_thread_are_still_told(
    peer_supporter: User, make_user: Callable[..., User], lounge: Board
) -> None:
    from peerhaven.accounts.models import Role

    other = make_user(display_name="Another Peer", roles=(Role.PEER_SUPPORTER,))
    t = services.create_thread(
        board=lounge, author=peer_supporter, title="Supervision", body="How do you rest?"
    )
    services.reply(thread=t, author=other, body="Long walks.")
    assert Notification.objects.filter(recipient=peer_supporter, kind="reply").exists()


def test_toggling_a_reaction_over_and_over_tells_the_author_once(
    client: Client, member: User, outsider: User, thread: Thread
) -> None:
    post = thread.posts.get(position=1)
    client.force_login(outsider)
    for _ in range(10):
        client.post(f"/forums/p/{post.pk}/react/", {"toggle": "me_too"})
    assert Notification.objects.filter(recipient=member, kind="reaction").count() == 1
    client.post(f"/forums/p/{post.pk}/react/", {"toggle": "strength"})
    assert Notification.objects.filter(recipient=member, kind="reaction").count() == 2


def test_the_new_thread_title_has_no_maxlength_that_would_cut_a_paste(
    client: Client, member: User, board: Board
) -> None:
    client.force_login(member)
    html = client.get(f"/forums/b/{board.slug}/new/").content.decode()
    title_input = html[html.index('name="title"') - 200 : html.index('name="title"') + 200]
    assert "maxlength" not in title_input
    long_title = "My long title " + "x" * 200
    response = client.post(
        f"/forums/b/{board.slug}/new/", {"title": long_title, "body": "Some words."}
    )
    assert response.status_code == 422
    assert long_title in response.content.decode()
    assert "Titles can be up to 140 characters" in response.content.decode()


def test_a_nul_in_a_search_is_dropped_not_sent_to_the_database(
    client: Client, member: User, outsider: User, thread: Thread
) -> None:
    # On PostgreSQL a NUL in the query was a 500 (text cannot hold it); here it is a space.
    client.force_login(outsider)
    response = client.get("/forums/search/", {"q": "\x00Mornings"})
    assert response.status_code == 200
    assert thread.title in response.content.decode()


def test_quoting_a_post_with_a_content_warning_preselects_that_warning(
    client: Client, member: User, outsider: User, make_thread: Callable[..., Thread]
) -> None:
    t = make_thread(member, title="A hard week", content_warning="self_harm")
    post = t.posts.get(position=1)
    client.force_login(outsider)
    html = client.get(f"/forums/t/{t.pk}/reply/", {"quote": post.pk}).content.decode()
    assert '<option value="self_harm" selected>' in html


def test_a_thread_author_does_not_see_moderators_notes_about_other_members_posts(
    client: Client, member: User, outsider: User, moderator: User, thread: Thread
) -> None:
    from unittest import mock

    from peerhaven.safety.gate import GateOutcome

    hold = GateOutcome(level="imminent", evidence=[{"rule": "method"}], method=True)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=hold):
        held = services.reply(thread=thread, author=outsider, body="held for review")
    # A note meant for the person whose post was held: not for the thread's author.
    services.release_post(post=held, actor=moderator, reason="NOTE-FOR-THE-REPLIER")
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="NOTE-ON-THE-THREAD")
    client.force_login(member)
    html = client.get(f"/forums/t/{thread.pk}/").content.decode()
    assert "NOTE-ON-THE-THREAD" in html
    assert "NOTE-FOR-THE-REPLIER" not in html
