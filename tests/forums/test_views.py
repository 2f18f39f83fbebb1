"""Forum pages as a member, an outsider (no access) and a moderator would use them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import AuditEvent, User
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, Reaction, Report, Thread
from peerhaven.safety.gate import GateOutcome

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return login(Client(), user)


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, board: Board) -> None:
    response = client.get(reverse("forums:board", args=[board.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_board_list_shows_only_boards_the_member_may_see(
    member_client: Client, board: Board, lounge: Board
) -> None:
    page = member_client.get(reverse("forums:index")).content.decode()
    assert board.name in page
    assert "lounge" not in page


def test_a_restricted_board_is_a_404_for_people_without_the_role(
    member_client: Client, lounge: Board, peer_supporter: User
) -> None:
    assert member_client.get(reverse("forums:board", args=[lounge.slug])).status_code == 404
    assert member_client.get(reverse("forums:new_thread", args=[lounge.slug])).status_code == 404
    response = member_client.post(
        reverse("forums:new_thread", args=[lounge.slug]), {"title": "Hi", "body": "Hello"}
    )
    assert response.status_code == 404
    assert (
        client_for(peer_supporter).get(reverse("forums:board", args=[lounge.slug])).status_code
        == 200
    )


def test_a_thread_in_a_restricted_board_is_a_404_for_outsiders(
    lounge: Board, peer_supporter: User, outsider: User
) -> None:
    thread = services.create_thread(board=lounge, author=peer_supporter, title="Tired", body="x")
    c = client_for(outsider)
    assert c.get(reverse("forums:thread", args=[thread.pk])).status_code == 404
    post = thread.posts.get()
    assert c.post(reverse("forums:reply", args=[thread.pk]), {"body": "hi"}).status_code == 404
    assert c.post(reverse("forums:react", args=[post.pk]), {"toggle": "me_too"}).status_code == 404
    assert c.get(reverse("forums:report", args=[post.pk])).status_code == 404


def test_a_member_starts_a_thread_with_a_content_warning(
    member_client: Client, board: Board
) -> None:
    response = member_client.post(
        reverse("forums:new_thread", args=[board.slug]),
        {"title": "A hard anniversary", "body": "It has been a year since **Dad** died.",
         "content_warning": "grief"},
    )  # fmt: skip
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("forums:thread", args=[thread.pk])
    page = member_client.get(response["Location"]).content.decode()
    assert '<details class="cw">' in page
    assert "Content warning: Grief and loss" in page
    assert "<strong>Dad</strong>" in page


def test_a_half_written_thread_survives_a_validation_error(
    member_client: Client, board: Board
) -> None:
    response = member_client.post(
        reverse("forums:new_thread", args=[board.slug]),
        {"title": "", "body": "Something I have wanted to say for a while"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Something I have wanted to say for a while" in page
    assert "Give your thread a title" in page or "This field is required" in page
    assert not Thread.objects.exists()


def test_a_100000_character_post_is_refused_and_the_text_kept(
    member_client: Client, thread: Thread
) -> None:
    text = "word " * 20_000
    response = member_client.post(reverse("forums:reply", args=[thread.pk]), {"body": text})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Posts can be up to 20000 characters" in page
    assert text.strip() in page
    assert thread.posts.count() == 1


def test_replying_to_a_locked_thread_shows_why_and_keeps_the_text(
    thread: Thread, outsider: User, moderator: User
) -> None:
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="Calm down time")
    response = client_for(outsider).post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Wait, one more thing"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "locked" in page and "Wait, one more thing" in page


def test_a_reply_lands_on_the_thread_and_notifies_the_author(
    thread: Thread, outsider: User, member: User
) -> None:
    response = client_for(outsider).post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Mornings are hard for me too."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#post-2")
    assert member.notifications.filter(kind="reply").exists()  # type: ignore[attr-defined]


def test_the_quote_link_prefills_the_reply_with_a_quote(thread: Thread, outsider: User) -> None:
    post = thread.posts.get()
    page = (
        client_for(outsider)
        .get(reverse("forums:reply", args=[thread.pk]) + f"?quote={post.pk}")
        .content.decode()
    )
    assert "&gt; **Quiet Harbor**" in page
    assert "&gt; Does anyone else find mornings" in page


def test_quoting_an_anonymous_post_does_not_name_its_author(
    make_thread: Callable[..., Thread], member: User, outsider: User
) -> None:
    thread = make_thread(member, anonymous=True)
    post = thread.posts.get()
    page = (
        client_for(outsider)
        .get(reverse("forums:reply", args=[thread.pk]) + f"?quote={post.pk}")
        .content.decode()
    )
    assert "Quiet Harbor" not in page
    assert "Anonymous member" in page


def test_anonymous_posts_show_the_author_only_to_moderators(
    make_thread: Callable[..., Thread], member: User, outsider: User, moderator: User
) -> None:
    thread = make_thread(member, anonymous=True)
    url = reverse("forums:thread", args=[thread.pk])
    assert "Quiet Harbor" not in client_for(outsider).get(url).content.decode()
    assert "Quiet Harbor" in client_for(moderator).get(url).content.decode()


def test_reactions_toggle_and_show_counts_and_who(
    thread: Thread, outsider: User, peer_supporter: User, member: User
) -> None:
    post = thread.posts.get()
    url = reverse("forums:react", args=[post.pk])
    client_for(outsider).post(url, {"toggle": "me_too"})
    client_for(peer_supporter).post(url, {"toggle": "me_too"})
    client_for(peer_supporter).post(url, {"toggle": "hear_you"})
    assert Reaction.objects.filter(kind="me_too").count() == 2
    page = client_for(member).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "2 people said me too" in page
    assert "Stray Comet, Steady Lantern" in page
    # Pressing a pressed button takes the reaction back.
    mine = client_for(outsider).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert 'value="me_too" class="reaction on" aria-pressed="true"' in mine
    client_for(outsider).post(url, {"toggle": "me_too"})
    assert Reaction.objects.filter(kind="me_too").count() == 1
    assert client_for(outsider).post(url, {"toggle": "hugs"}).status_code == 400


def test_members_cannot_react_to_their_own_post(thread: Thread, member_client: Client) -> None:
    post = thread.posts.get()
    response = member_client.post(reverse("forums:react", args=[post.pk]), {"toggle": "me_too"})
    assert response.status_code == 302
    assert not Reaction.objects.exists()


def test_editing_after_the_window_is_refused_with_the_text_kept(
    thread: Thread, member_client: Client
) -> None:
    post = thread.posts.get()
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=2))
    response = member_client.post(reverse("forums:edit", args=[post.pk]), {"body": "new words"})
    assert response.status_code == 403
    assert "new words" in response.content.decode()
    post.refresh_from_db()
    assert post.body.startswith("Does anyone")


def test_nobody_opens_the_edit_page_of_someone_elses_post(thread: Thread, outsider: User) -> None:
    post = thread.posts.get()
    assert client_for(outsider).get(reverse("forums:edit", args=[post.pk])).status_code == 404


def test_held_posts_are_visible_to_author_and_moderators_only(
    thread: Thread, outsider: User, member: User, moderator: User
) -> None:
    hold = GateOutcome(level="imminent", method=True)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=hold):
        response = client_for(outsider).post(
            reverse("forums:reply", args=[thread.pk]), {"body": "UNIQUE-HELD-TEXT"}
        )
    assert response.status_code == 302
    url = reverse("forums:thread", args=[thread.pk])
    own = client_for(outsider).get(url).content.decode()
    assert "UNIQUE-HELD-TEXT" in own and "waiting for a moderator" in own
    assert "UNIQUE-HELD-TEXT" not in client_for(member).get(url).content.decode()
    assert "UNIQUE-HELD-TEXT" in client_for(moderator).get(url).content.decode()


def test_the_author_is_told_kindly_that_a_post_is_held(thread: Thread, outsider: User) -> None:
    hold = GateOutcome(level="imminent", method=True)
    c = client_for(outsider)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=hold):
        response = c.post(reverse("forums:reply", args=[thread.pk]), {"body": "x"}, follow=True)
    assert "a moderator will read it before others can" in response.content.decode()


def test_hidden_posts_show_the_reason_instead_of_the_text(
    thread: Thread, outsider: User, moderator: User, member: User
) -> None:
    post = services.reply(thread=thread, author=outsider, body="SECRET-PHONE-NUMBER")
    services.hide_post(post=post, actor=moderator, reason="Personal details")
    url = reverse("forums:thread", args=[thread.pk])
    page = client_for(member).get(url).content.decode()
    assert "SECRET-PHONE-NUMBER" not in page
    assert "Reason: Personal details" in page
    own = client_for(outsider).get(url).content.decode()
    assert "SECRET-PHONE-NUMBER" in own and "Personal details" in own


def test_blocking_hides_the_members_posts(thread: Thread, outsider: User, member: User) -> None:
    post = services.reply(thread=thread, author=outsider, body="BLOCKED-WORDS")
    c = client_for(member)
    c.post(reverse("forums:block", args=[post.pk]))
    page = c.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "BLOCKED-WORDS" not in page
    assert "You blocked this member" in page


def test_muting_a_warning_category_hides_those_threads_from_the_board(
    make_thread: Callable[..., Thread], board: Board, outsider: User, member_client: Client
) -> None:
    make_thread(outsider, title="About food", content_warning="eating")
    make_thread(outsider, title="About sleep")
    member_client.post(reverse("forums:settings"), {"warnings": ["eating"]})
    page = member_client.get(reverse("forums:board", args=[board.slug])).content.decode()
    assert "About sleep" in page and "About food" not in page


def test_the_board_shows_unread_state(
    thread: Thread, board: Board, outsider: User, member_client: Client
) -> None:
    url = reverse("forums:board", args=[board.slug])
    page = client_for(outsider).get(url).content.decode()
    assert 'class="thread-row unread"' in page
    client_for(outsider).get(reverse("forums:thread", args=[thread.pk]))
    assert 'class="thread-row unread"' not in client_for(outsider).get(url).content.decode()
    services.reply(thread=thread, author=outsider, body="x")
    assert "1 new" in member_client.get(url).content.decode()


def test_the_board_paginates_by_last_activity(
    make_thread: Callable[..., Thread], board: Board, outsider: User, member_client: Client
) -> None:
    with mock.patch("peerhaven.forums.queries.THREADS_PER_PAGE", 2):
        from peerhaven.forums import queries

        for i in range(5):
            make_thread(outsider, title=f"Thread number {i}")
        first = queries.board_threads(outsider, board, limit=2)
        assert [r.thread.title for r in first.rows] == ["Thread number 4", "Thread number 3"]
        second = queries.board_threads(outsider, board, cursor=first.next_cursor, limit=2)
        assert [r.thread.title for r in second.rows] == ["Thread number 2", "Thread number 1"]
    page = member_client.get(
        reverse("forums:board", args=[board.slug]) + f"?after={first.next_cursor}"
    )
    assert page.status_code == 200


def test_needs_a_reply_lists_old_unanswered_threads(
    make_thread: Callable[..., Thread], outsider: User, member: User, peer_supporter: User
) -> None:
    lonely = make_thread(outsider, title="Nobody answered me")
    answered = make_thread(outsider, title="Somebody answered")
    services.reply(thread=answered, author=member, body="I did")
    Thread.objects.update(created_at=timezone.now() - timedelta(days=2))
    page = client_for(peer_supporter).get(reverse("forums:needs_reply")).content.decode()
    assert lonely.title in page and answered.title not in page
    fresh = client_for(peer_supporter).get(reverse("forums:needs_reply") + "?hours=100")
    assert lonely.title not in fresh.content.decode()


def test_a_report_reaches_the_moderation_queue_and_a_moderator_hides_the_post(
    thread: Thread, outsider: User, moderator: User, member: User
) -> None:
    post = thread.posts.get()
    response = client_for(outsider).post(
        reverse("forums:report", args=[post.pk]), {"reason": "unkind", "detail": "harsh"}
    )
    assert response.status_code == 302
    mod = client_for(moderator)
    queue = mod.get(reverse("forums:moderation"))
    assert queue.status_code == 200 and "Unkind or harassing" in queue.content.decode()
    mod.post(
        reverse("forums:moderate_post", args=[post.pk, "hide"]),
        {"reason": "Too harsh", "next": reverse("forums:moderation")},
    )
    post.refresh_from_db()
    assert post.is_hidden
    assert Report.objects.get().resolved_at is not None
    assert "No open reports" in mod.get(reverse("forums:moderation")).content.decode()


def test_the_moderation_queue_is_a_404_for_members(member_client: Client) -> None:
    assert member_client.get(reverse("forums:moderation")).status_code == 404


def test_moderator_thread_actions_work_from_the_thread_page(
    thread: Thread, moderator: User
) -> None:
    mod = client_for(moderator)
    for action in ("lock", "pin"):
        mod.post(reverse("forums:moderate_thread", args=[thread.pk, action]), {"reason": "why"})
    thread.refresh_from_db()
    assert thread.is_locked and thread.is_pinned


def test_moderators_see_the_edit_history_and_the_look_is_audited(
    thread: Thread, member: User, moderator: User
) -> None:
    post = thread.posts.get()
    services.edit_post(post=post, actor=member, body="Edited words")
    page = client_for(moderator).get(reverse("forums:history", args=[post.pk])).content.decode()
    assert "Does anyone else" in page and "Edited words" in page
    assert AuditEvent.objects.filter(action="forums.post.history.read", subject=member).exists()


def test_search_finds_visible_posts_only(
    thread: Thread, lounge: Board, peer_supporter: User, outsider: User
) -> None:
    services.create_thread(board=lounge, author=peer_supporter, title="Mornings lounge", body="x")
    page = client_for(outsider).get(reverse("forums:search") + "?q=mornings").content.decode()
    assert thread.title in page
    assert "Mornings lounge" not in page


def test_the_forum_pages_load_for_a_member(member_client: Client, thread: Thread) -> None:
    for name in ("forums:index", "forums:search", "forums:needs_reply", "forums:settings"):
        assert member_client.get(reverse(name)).status_code == 200
    assert (
        member_client.get(reverse("forums:thread", args=[thread.pk]) + "?page=x").status_code == 200
    )


def test_cached_post_fragments_carry_each_viewers_own_csrf_token(
    thread: Thread, outsider: User, peer_supporter: User
) -> None:
    import re

    post = thread.posts.get()
    for person in (outsider, peer_supporter):
        c = login(Client(enforce_csrf_checks=True), person)
        page = c.get(reverse("forums:thread", args=[thread.pk])).content.decode()
        form = page[page.index('action="' + reverse("forums:react", args=[post.pk])) :]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert match is not None
        response = c.post(
            reverse("forums:react", args=[post.pk]),
            {"toggle": "me_too", "csrfmiddlewaretoken": match.group(1)},
        )
        assert response.status_code == 302
    assert Reaction.objects.filter(kind="me_too").count() == 2
