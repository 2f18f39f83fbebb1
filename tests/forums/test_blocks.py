"""Blocks and anonymous posts: a block protects the blocker, and never tells them who wrote an
anonymous post (docs/forums.md, "Blocks and anonymous posts").

The tests compare what the blocker gets with what a member who blocked nobody gets: the same
HTML for the post and the thread row, the same search hits and API fields, the same
notifications. Any difference would be a way to link an anonymous post to a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.forums import queries, services
from peerhaven.forums.models import Block, Board, Post, Thread
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocker(make_user: Callable[..., User]) -> User:
    return make_user(display_name="Gentle Fern")


@pytest.fixture
def bystander(make_user: Callable[..., User]) -> User:
    """Someone who blocked nobody: what the blocker sees must look exactly like this."""
    return make_user(display_name="Calm Willow")


@pytest.fixture
def blocked(make_user: Callable[..., User], blocker: User) -> User:
    person = make_user(display_name="Loud Thunder")
    services.block_member(blocker=blocker, blocked=person)
    return person


def _article(page: str, position: int) -> str:
    """One post's <article>, with the viewer's CSRF token taken out."""
    start = page.index('<article class="post')
    start = page.index(f'id="post-{position}"', start)
    start = page.rindex("<article", 0, start)
    end = page.index("</article>", start) + len("</article>")
    return re.sub(r'value="[A-Za-z0-9]{64}"', 'value="TOKEN"', page[start:end])


def _thread_row(page: str, thread: Thread) -> str:
    start = page.index(f'href="{reverse("forums:thread", args=[thread.pk])}')
    start = page.rindex("<li", 0, start)
    return page[start : page.index("</li>", start)]


def test_a_blocked_members_anonymous_post_looks_to_the_blocker_as_to_anyone(
    make_thread: Callable[..., Thread], blocker: User, blocked: User, bystander: User,
    peer_supporter: User,
) -> None:  # fmt: skip
    thread = make_thread(peer_supporter, title="Evenings alone")
    anonymous = services.reply(
        thread=thread, author=blocked, body="ANONYMOUS-WORDS", anonymous=True
    )
    named = services.reply(thread=thread, author=blocked, body="NAMED-WORDS")
    url = reverse("forums:thread", args=[thread.pk])
    mine = login(Client(), blocker).get(url).content.decode()
    theirs = login(Client(), bystander).get(url).content.decode()
    assert "ANONYMOUS-WORDS" in mine
    assert _article(mine, anonymous.position) == _article(theirs, anonymous.position)
    # What the blocked member wrote under their name is still hidden from the blocker.
    assert "NAMED-WORDS" not in mine and "NAMED-WORDS" in theirs
    assert "You blocked this member" in _article(mine, named.position)


def test_a_blocked_members_anonymous_thread_stays_on_the_blockers_board(
    board: Board, blocker: User, blocked: User, bystander: User
) -> None:
    anonymous = services.create_thread(
        board=board, author=blocked, title="Nobody knows it is me", body="x", anonymous=True
    )
    named = services.create_thread(board=board, author=blocked, title="Signed by me", body="y")
    url = reverse("forums:board", args=[board.slug])
    mine = login(Client(), blocker).get(url).content.decode()
    theirs = login(Client(), bystander).get(url).content.decode()
    assert _thread_row(mine, anonymous) == _thread_row(theirs, anonymous)
    assert named.title not in mine and named.title in theirs
    both = {t.pk for t in queries.needs_reply(blocker, older_than=queries.timedelta(0))}
    assert anonymous.pk in both and named.pk not in both


def test_search_and_the_api_treat_anonymous_posts_alike_for_the_blocker(
    client: Client, board: Board, blocker: User, blocked: User, bystander: User
) -> None:
    thread = services.create_thread(
        board=board, author=blocked, title="Quiet place", body="pumpkins at night", anonymous=True
    )
    assert [h.post.pk for h in queries.search(blocker, "pumpkins")] == [
        h.post.pk for h in queries.search(bystander, "pumpkins")
    ]
    assert queries.visible_posts(blocker).filter(thread=thread).exists()

    def posts(user: User) -> list[dict[str, object]]:
        token = create_token(user=user, name="t").secret
        response = client.get(
            f"/api/forums/threads/{thread.pk}/posts", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        return [
            {k: v for k, v in item.items() if k != "my_reactions"}
            for item in response.json()["items"]
        ]

    assert posts(blocker) == posts(bystander)
    assert posts(blocker)[0]["author"] == "Anonymous member"


def test_an_anonymous_reply_notifies_a_following_blocker_like_anyone(
    make_thread: Callable[..., Thread], blocker: User, blocked: User, bystander: User,
    peer_supporter: User,
) -> None:  # fmt: skip
    thread = make_thread(peer_supporter)
    for person in (blocker, bystander):
        services.follow_thread(thread=thread, user=person)
    services.reply(thread=thread, author=blocked, body="Me too, honestly", anonymous=True)
    titles = {
        person.pk: list(
            Notification.objects.filter(recipient=person).values_list("title", "body", "url")
        )
        for person in (blocker, bystander)
    }
    assert titles[blocker.pk] == titles[bystander.pk] != []


def test_an_anonymous_first_reply_reaches_a_blocker_who_started_an_anonymous_thread(
    board: Board, blocker: User, blocked: User, bystander: User
) -> None:
    # The blocker started the thread anonymously: refusing the blocked member's reply here
    # would tell them who started it. So they may reply, and the blocker hears as usual.
    thread = services.create_thread(
        board=board, author=blocker, title="Please, anyone", body="x", anonymous=True
    )
    services.reply(thread=thread, author=blocked, body="I am here", anonymous=True)
    assert Notification.objects.filter(recipient=blocker, kind="reply").count() == 1
    page = login(Client(), blocked).get(reverse("forums:thread", args=[thread.pk]))
    assert 'id="reply-heading"' in page.content.decode()


def test_a_blocked_member_cannot_reply_in_the_blockers_named_thread(
    make_thread: Callable[..., Thread], blocker: User, blocked: User
) -> None:
    thread = make_thread(blocker)
    c = login(Client(), blocked)
    page = c.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert 'id="reply-heading"' not in page
    response = c.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "MY-DRAFT", "anonymous": "on"}
    )
    assert response.status_code == 403
    assert "MY-DRAFT" in response.content.decode()
    assert thread.posts.count() == 1
    with pytest.raises(PermissionDenied):
        services.reply(thread=thread, author=blocked, body="x", anonymous=True)


def test_a_blocked_member_cannot_mention_the_blocker_even_anonymously(
    make_thread: Callable[..., Thread], blocker: User, blocked: User, peer_supporter: User
) -> None:
    thread = make_thread(peer_supporter)
    with pytest.raises(ValidationError) as exc:
        services.reply(thread=thread, author=blocked, body="Hey @Gentle Fern, look", anonymous=True)
    assert "@Gentle Fern" in exc.value.messages[0]
    response = login(Client(), blocked).post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Hey @Gentle Fern, MY-DRAFT"}
    )
    assert response.status_code == 422
    assert "MY-DRAFT" in response.content.decode()
    assert "You cannot mention @Gentle Fern" in response.content.decode()
    assert not Notification.objects.filter(recipient=blocker).exists()
    # Others can still be mentioned.
    services.reply(thread=thread, author=blocked, body="Hey @Steady Lantern")


def test_an_anonymous_posts_author_cannot_be_blocked(
    make_thread: Callable[..., Thread], blocker: User, bystander: User, peer_supporter: User
) -> None:
    thread = make_thread(peer_supporter)
    post = services.reply(thread=thread, author=bystander, body="quietly", anonymous=True)
    c = login(Client(), blocker)
    page = c.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert reverse("forums:block", args=[post.pk]) not in _article(page, post.position)
    response = c.post(reverse("forums:block", args=[post.pk]))
    assert response.status_code == 400
    assert "Anonymous posts cannot be blocked" in response.content.decode()
    assert not Block.objects.filter(blocker=blocker).exists()
    with pytest.raises(ValidationError):
        services.block_author(blocker=blocker, post=Post.objects.get(pk=post.pk))
    # A named post's author can be blocked from the same page.
    named = services.reply(thread=thread, author=bystander, body="out loud")
    assert c.post(reverse("forums:block", args=[named.pk])).status_code == 302
    assert Block.objects.filter(blocker=blocker, blocked=bystander).exists()
