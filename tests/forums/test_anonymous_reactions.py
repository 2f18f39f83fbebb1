"""Reactions of a member who is anonymous in a thread do not name them.

The anonymous author of a thread who says "Thank you" under each reply, or a member who
replied anonymously and then reacts around their reply, would be named by "Who reacted" and
by the notification of the reaction. Such reactions read as the anonymous posts do:
"Anonymous member" to everyone, "(you)" for their giver, the name for moderators.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.forums import services
from peerhaven.forums.models import Block, Post, Reaction, Thread
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def page_of(user: User, thread: Thread) -> str:
    url = reverse("forums:thread", args=[thread.pk])
    return login(Client(), user).get(url).content.decode()


def who_reacted(html: str, position: int) -> dict[str, str]:
    """{reaction label: the names listed} in post ``position``'s "Who reacted"."""
    article = html.split(f'id="post-{position}"', 1)[1].split("</article>", 1)[0]
    if "Who reacted" not in article:
        return {}
    listed = article.split("Who reacted", 1)[1].split("</details>", 1)[0]
    return dict(re.findall(r"<li><strong>(.+?):</strong> (.*?)</li>", listed))


def test_the_anonymous_author_of_a_thread_reacts_as_anonymous_member(
    make_thread: Callable[..., Thread],
    member: User,
    outsider: User,
    peer_supporter: User,
    moderator: User,
) -> None:
    thread = make_thread(member, anonymous=True)  # by Quiet Harbor, anonymously
    answer = services.reply(thread=thread, author=outsider, body="You are not alone.")
    services.react(post=answer, user=member, kind="thank_you")
    services.react(post=answer, user=member, kind="me_too")
    services.react(post=answer, user=peer_supporter, kind="me_too")

    # A moderator looks first: the page they get (with the name) is cached for them only.
    assert who_reacted(page_of(moderator, thread), 2) == {
        "Me too": "Anonymous member (Quiet Harbor), Steady Lantern",
        "Thank you": "Anonymous member (Quiet Harbor)",
    }
    for bystander in (outsider, peer_supporter):
        html = page_of(bystander, thread)
        assert "Quiet Harbor" not in html
        assert who_reacted(html, 2) == {
            "Me too": "Anonymous member, Steady Lantern",
            "Thank you": "Anonymous member",
        }
        # Counts are the same as ever: each reaction counts, "me too" counts people.
        assert '<span class="count">2</span>' in html
        assert "2 people said me too" in html
    assert who_reacted(page_of(member, thread), 2) == {
        "Me too": "Anonymous member (you), Steady Lantern",
        "Thank you": "Anonymous member (you)",
    }

    # The reply's author is told about the reaction without the name.
    titles = set(
        Notification.objects.filter(recipient=outsider, kind="reaction").values_list(
            "title", flat=True
        )
    )
    assert titles == {
        "Anonymous member said “Thank you” to your post",
        "Anonymous member said “Me too” to your post",
        "Steady Lantern said “Me too” to your post",
    }
    assert not Notification.objects.filter(title__contains="Quiet Harbor").exists()

    # The JSON API has counts and the caller's own reactions, never a reactor's name.
    token = create_token(user=peer_supporter, name="test").secret
    api = Client().get(
        f"/api/forums/threads/{thread.pk}/posts", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    assert "Quiet Harbor" not in api.content.decode()
    assert api.json()["items"][1]["reactions"]["me_too"] == 2


def test_a_member_who_replied_anonymously_reacts_anonymously_from_then_on(
    thread: Thread, member: User, outsider: User, peer_supporter: User, moderator: User
) -> None:
    opening = thread.posts.get()
    # Said by name before replying anonymously: it stays so. Turning it anonymous the moment
    # the anonymous reply appears would tell everyone who wrote that reply.
    services.react(post=opening, user=outsider, kind="hear_you")
    services.reply(thread=thread, author=outsider, body="Me as well.", anonymous=True)
    services.react(post=opening, user=outsider, kind="me_too")
    later = services.reply(thread=thread, author=peer_supporter, body="Same here.")
    services.react(post=later, user=outsider, kind="strength")

    html = page_of(peer_supporter, thread)
    assert who_reacted(html, 1) == {"I hear you": "Stray Comet", "Me too": "Anonymous member"}
    assert who_reacted(html, 3) == {"Sending strength": "Anonymous member"}
    assert "Anonymous member (Stray Comet)" in page_of(moderator, thread)
    assert Notification.objects.filter(
        recipient=member, kind="reaction", title="Anonymous member said “Me too” to your post"
    ).exists()
    # Not in other threads: there they posted under their name.
    other = services.create_thread(board=thread.board, author=member, title="Evenings", body="x")
    services.react(post=other.posts.get(), user=outsider, kind="me_too")
    assert who_reacted(page_of(peer_supporter, other), 1) == {"Me too": "Stray Comet"}


def test_an_anonymous_reaction_reaches_a_blocker_like_anyone_elses(
    make_thread: Callable[..., Thread], member: User, outsider: User, peer_supporter: User
) -> None:
    # Quiet Harbor blocked Steady Lantern, who later replied anonymously in a thread by
    # someone else and reacts to Quiet Harbor's reply there. Leaving out the notification
    # would tell Quiet Harbor that the anonymous reactor is someone they blocked.
    thread = make_thread(outsider)
    mine = services.reply(thread=thread, author=member, body="Mornings, yes.")
    services.block_member(blocker=member, blocked=peer_supporter)
    services.reply(thread=thread, author=peer_supporter, body="For me too.", anonymous=True)
    services.react(post=mine, user=peer_supporter, kind="hear_you")
    assert Notification.objects.filter(
        recipient=member, kind="reaction", title="Anonymous member said “I hear you” to your post"
    ).exists()
    assert Block.objects.filter(blocker=member, blocked=peer_supporter).exists()


def test_a_held_anonymous_reply_does_not_make_reactions_anonymous(
    make_thread: Callable[..., Thread], member: User, outsider: User
) -> None:
    # An anonymous reaction would tell readers that someone has a held anonymous post, and
    # held posts usually mean risk: only posts others can read count.
    thread = make_thread(member)
    services.reply(
        thread=thread,
        author=outsider,
        body="I am going to overdose on my pills tonight",
        anonymous=True,
    )
    assert Post.objects.get(thread=thread, author=outsider).is_held
    opening = Post.objects.get(thread=thread, position=1)
    services.react(post=opening, user=outsider, kind="hear_you")
    assert not Reaction.objects.get(user=outsider).is_anonymous
