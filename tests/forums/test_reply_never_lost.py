"""Nothing a member writes is silently dropped: a reply, a new thread or an edit whose thread is
removed, held or moved away while they write comes back with their words (and nothing about the
thread), every refusal keeps them, and the browser draft is forgotten only on the page a stored
post leads to (drafts.js reads the server's ``data-draft-sent`` mark there, never on submit)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.services import revoke_role
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, Thread, Visibility
from peerhaven.safety import services as safety_services
from peerhaven.safety.gate import GateOutcome

pytestmark = pytest.mark.django_db

HOLD = GateOutcome(level="imminent", evidence=[{"rule": "method"}], method=True)
WORDS = 'I nearly didn\'t write this. <b>Thank you</b> & "sorry" for the long one.'
TITLE_WORDS = "Something <i>small</i> that helped"
GONE = "This conversation is no longer available"
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def client_for(user: User) -> Client:
    return login(Client(), user)


def kept(page: str, words: str) -> bool:
    """``words`` are in a textarea of ``page``, escaped (a browser shows them as typed)."""
    return (
        re.search(r"<textarea[^>]*>\n?" + re.escape(html.escape(words)) + "</textarea>", page)
        is not None
    )


def sent_marks(page: str) -> list[str]:
    return re.findall(r'data-draft-sent="([^"]*)"', page)


def _remove(thread: Thread, moderator: User) -> None:
    services.delete_thread(thread=thread, actor=moderator, reason="Off-topic for this board")


def _hold(thread: Thread, moderator: User) -> None:
    opening = thread.posts.get(position=1)
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        services.edit_post(post=opening, actor=thread.author, body="Changed opening words")


def _move(thread: Thread, moderator: User) -> None:
    lounge = Board.objects.create(
        slug="quiet-room",
        name="SECRET-BOARD-NAME",
        visibility=Visibility.ROLE,
        required_role=Role.PEER_SUPPORTER,
    )
    services.move_thread(thread=thread, actor=moderator, board=lounge, reason="Better there")


GONE_WAYS = {"removed": _remove, "held": _hold, "moved": _move}


# --- the thread goes away while the member writes ----------------------------------------------


@pytest.mark.parametrize("way", GONE_WAYS)
def test_a_reply_to_a_thread_that_went_away_comes_back_with_the_words(
    way: str, make_thread: Callable[..., Thread], member: User, outsider: User, moderator: User
) -> None:
    thread = make_thread(member, title="SECRET-THREAD-TITLE")
    GONE_WAYS[way](thread, moderator)
    response = client_for(outsider).post(reverse("forums:reply", args=[thread.pk]), {"body": WORDS})
    assert response.status_code == 404
    page = response.content.decode()
    assert GONE in page
    assert kept(page, WORDS)
    assert "<b>Thank you</b>" not in page  # escaped, never markup
    # Nothing about the thread beyond "no longer available": not its title, board or reason.
    for secret in ("SECRET-THREAD-TITLE", "SECRET-BOARD-NAME", "Off-topic", "Better there"):
        assert secret not in page
    assert not sent_marks(page)
    assert not Post.objects.filter(body=WORDS).exists()


def test_the_answer_is_the_same_for_a_thread_that_went_away_and_one_that_never_was(
    thread: Thread, outsider: User, moderator: User
) -> None:
    _remove(thread, moderator)
    client = client_for(outsider)
    gone = client.post(reverse("forums:reply", args=[thread.pk]), {"body": WORDS})
    never = client.post(reverse("forums:reply", args=[thread.pk + 1000]), {"body": WORDS})
    assert gone.status_code == never.status_code == 404
    # The page names no id, title or board: apart from the CSRF tokens the two are identical.
    assert TOKENS.sub("", gone.content.decode()) == TOKENS.sub("", never.content.decode())


def test_a_reply_to_a_thread_that_went_away_keeps_a_leading_blank_line(
    thread: Thread, outsider: User, moderator: User
) -> None:
    _remove(thread, moderator)
    body = "\nFirst line after a blank one"
    response = client_for(outsider).post(reverse("forums:reply", args=[thread.pk]), {"body": body})
    # A browser drops the first newline in a textarea: the page writes one more before the text.
    assert "<textarea" in response.content.decode()
    assert ">\n\nFirst line after a blank one</textarea>" in response.content.decode()


def test_a_new_thread_in_a_board_that_went_away_comes_back_with_title_and_words(
    lounge: Board, peer_supporter: User
) -> None:
    client = client_for(peer_supporter)
    assert client.get(reverse("forums:new_thread", args=[lounge.slug])).status_code == 200
    revoke_role(user=peer_supporter, role=Role.PEER_SUPPORTER, actor=None)
    response = client.post(
        reverse("forums:new_thread", args=[lounge.slug]), {"title": TITLE_WORDS, "body": WORDS}
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert GONE in page and kept(page, WORDS) and kept(page, TITLE_WORDS)
    assert lounge.name not in page
    assert not Thread.objects.filter(title=TITLE_WORDS).exists()


def test_a_new_thread_in_a_board_that_became_announcements_keeps_title_and_words(
    board: Board, member: User
) -> None:
    Board.objects.filter(pk=board.pk).update(visibility=Visibility.ANNOUNCEMENTS)
    response = client_for(member).post(
        reverse("forums:new_thread", args=[board.slug]), {"title": TITLE_WORDS, "body": WORDS}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert kept(page, WORDS) and kept(page, TITLE_WORDS)
    assert "Only moderators start threads in this board" in page


@pytest.mark.parametrize("way", GONE_WAYS)
def test_an_edit_of_a_reply_in_a_thread_that_went_away_comes_back_with_the_words(
    way: str, make_thread: Callable[..., Thread], member: User, outsider: User, moderator: User
) -> None:
    thread = make_thread(member, title="SECRET-THREAD-TITLE")
    post = services.reply(thread=thread, author=outsider, body="My first words")
    GONE_WAYS[way](thread, moderator)
    response = client_for(outsider).post(reverse("forums:edit", args=[post.pk]), {"body": WORDS})
    assert response.status_code == 404
    page = response.content.decode()
    assert GONE in page and kept(page, WORDS)
    assert "SECRET-THREAD-TITLE" not in page and "SECRET-BOARD-NAME" not in page
    assert Post.objects.get(pk=post.pk).body == "My first words"


def test_an_edit_in_a_locked_thread_says_it_is_locked_and_keeps_the_words(
    thread: Thread, member: User, moderator: User
) -> None:
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="Resting")
    post = thread.posts.get(position=1)
    response = client_for(member).post(reverse("forums:edit", args=[post.pk]), {"body": WORDS})
    assert response.status_code == 403
    page = response.content.decode()
    assert kept(page, WORDS)
    assert "This thread is locked" in page
    assert "The time for editing this post has passed" not in page


def test_a_new_title_for_a_thread_that_went_away_comes_back(
    thread: Thread, member: User, moderator: User
) -> None:
    _move(thread, moderator)
    response = client_for(member).post(
        reverse("forums:edit_title", args=[thread.pk]), {"title": TITLE_WORDS}
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert GONE in page and kept(page, TITLE_WORDS)


def test_opening_the_reply_page_of_a_gone_thread_is_still_a_plain_404(
    thread: Thread, outsider: User, moderator: User
) -> None:
    _remove(thread, moderator)
    response = client_for(outsider).get(reverse("forums:reply", args=[thread.pk]))
    assert response.status_code == 404
    assert GONE not in response.content.decode()


def test_a_reply_quoting_a_post_that_was_hidden_meanwhile_is_still_posted(
    make_thread: Callable[..., Thread], member: User, outsider: User, moderator: User
) -> None:
    thread = make_thread(member)
    quoted = services.reply(thread=thread, author=member, body="Quote me")
    services.hide_post(post=quoted, actor=moderator, reason="Unkind")
    url = reverse("forums:reply", args=[thread.pk]) + f"?quote={quoted.pk}"
    response = client_for(outsider).post(url, {"body": WORDS})
    assert response.status_code == 302
    assert Post.objects.filter(thread=thread, body=WORDS).exists()


# --- refusals keep the words and the draft; only a stored post marks it --------------------------


def _rate_limited(thread: Thread, outsider: User, moderator: User) -> None:
    for i in range(services.POST_RATE[0]):
        services.reply(thread=thread, author=outsider, body=f"Reply {i}")


def _muted(thread: Thread, outsider: User, moderator: User) -> None:
    safety_services.take_action(member=outsider, moderator=moderator, kind="mute", reason="Pause")


def _banned(thread: Thread, outsider: User, moderator: User) -> None:
    safety_services.take_action(member=outsider, moderator=moderator, kind="ban", reason="Spam")


def _locked(thread: Thread, outsider: User, moderator: User) -> None:
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="Resting")


REFUSALS = {
    "too-long": (None, 422, "word " * 4001),
    "rate-limited": (_rate_limited, 429, WORDS),
    "muted": (_muted, 403, WORDS),
    "banned": (_banned, 403, WORDS),
    "locked": (_locked, 403, WORDS),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_reply_keeps_the_words_and_leaves_the_draft_alone(
    refusal: str, thread: Thread, outsider: User, moderator: User
) -> None:
    setup, status, body = REFUSALS[refusal]
    if setup is not None:
        setup(thread, outsider, moderator)
    client = client_for(outsider)
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": body})
    assert response.status_code == status
    page = response.content.decode()
    assert kept(page, body)
    assert not sent_marks(page)
    # Nor does a later page take the refused words for stored ones.
    later = client.get(reverse("forums:thread", args=[thread.pk]))
    assert not sent_marks(later.content.decode())
    assert not Post.objects.filter(thread=thread, body=body).exists()


def test_only_the_page_a_stored_reply_leads_to_marks_its_draft_as_sent(
    thread: Thread, outsider: User
) -> None:
    client = client_for(outsider)
    refused = client.post(reverse("forums:reply", args=[thread.pk]), {"body": " "})
    assert refused.status_code == 422 and not sent_marks(refused.content.decode())
    stored = client.post(reverse("forums:reply", args=[thread.pk]), {"body": WORDS})
    assert stored.status_code == 302
    landing = client.get(stored["Location"])
    assert sent_marks(landing.content.decode()) == [f"u{outsider.pk}:forums:reply:{thread.pk}"]
    assert f'data-draft-key="u{outsider.pk}:forums:reply:{thread.pk}"' in landing.content.decode()
    # Said once: a later visit must not forget a new draft for the same thread.
    again = client.get(reverse("forums:thread", args=[thread.pk]))
    assert not sent_marks(again.content.decode())


def test_a_stored_new_thread_marks_the_boards_draft_as_sent(board: Board, member: User) -> None:
    client = client_for(member)
    form = client.get(reverse("forums:new_thread", args=[board.slug])).content.decode()
    assert f'data-draft-key="u{member.pk}:forums:new:{board.slug}"' in form
    stored = client.post(
        reverse("forums:new_thread", args=[board.slug]), {"title": TITLE_WORDS, "body": WORDS}
    )
    assert stored.status_code == 302
    landing = client.get(stored["Location"])
    assert sent_marks(landing.content.decode()) == [f"u{member.pk}:forums:new:{board.slug}"]


def test_an_edit_keeps_a_draft_until_it_is_stored(thread: Thread, member: User) -> None:
    post = thread.posts.get(position=1)
    client = client_for(member)
    form = client.get(reverse("forums:edit", args=[post.pk])).content.decode()
    assert f'data-draft-key="u{member.pk}:forums:edit:{post.pk}"' in form
    assert 'data-draft="body"' in form
    assert "forums/drafts" in form
    refused = client.post(reverse("forums:edit", args=[post.pk]), {"body": ""})
    assert refused.status_code == 422 and not sent_marks(refused.content.decode())
    stored = client.post(reverse("forums:edit", args=[post.pk]), {"body": WORDS})
    assert stored.status_code == 302
    landing = client.get(stored["Location"])
    assert sent_marks(landing.content.decode()) == [f"u{member.pk}:forums:edit:{post.pk}"]


def test_the_draft_script_forgets_drafts_only_where_the_server_says_so() -> None:
    # The browser side of the rule, checked in e2e/test_forums_drafts.py; here only that the
    # script no longer forgets a draft on submit.
    from django.contrib.staticfiles import finders

    path = finders.find("forums/drafts.js")
    assert path is not None
    with open(path, encoding="utf-8") as f:
        script = f.read()
    assert "data-draft-sent" in script
    submit = script[script.index('addEventListener("submit"') :]
    assert "removeItem" not in submit[: submit.index("});")]
