"""Session 8: reactions that link a name to an anonymous post, notifications lost between
anonymous reactors, and the API telling an app that its member wrote anonymously in a thread.

A reaction given again after being taken back keeps the anonymity it was first given with and
tells the post's author nothing (a named reaction turning anonymous, on the post and in a
second notification, would say who wrote the anonymous reply). The author is told once per
reactor and kind, so two anonymous members saying "Me too" are two notifications.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.accounts.services import create_token
from peerhaven.forums import services
from peerhaven.forums.models import Post, Reaction, ReactionGiven, Thread
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def page_of(user: User, thread: Thread) -> str:
    return login(Client(), user).get(reverse("forums:thread", args=[thread.pk])).content.decode()


def who_reacted(html: str, position: int) -> dict[str, str]:
    """{reaction label: the names listed} in post ``position``'s "Who reacted"."""
    article = html.split(f'id="post-{position}"', 1)[1].split("</article>", 1)[0]
    if "Who reacted" not in article:
        return {}
    listed = article.split("Who reacted", 1)[1].split("</details>", 1)[0]
    return dict(re.findall(r"<li><strong>(.+?):</strong> (.*?)</li>", listed))


def reaction_notices(user: User) -> list[tuple[str, str, str]]:
    """Everything the author can see of their reaction notifications, oldest first."""
    rows = Notification.objects.filter(recipient=user, kind="reaction").order_by("created_at", "id")
    return [(n.title, n.body, n.url) for n in rows]


def toggle(client: Client, post: Post, kind: str) -> None:
    response = client.post(reverse("forums:react", args=[post.pk]), {"toggle": kind})
    assert response.status_code in (200, 302)


def test_a_named_reaction_given_again_after_an_anonymous_reply_stays_named_and_quiet(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    opening = thread.posts.get(position=1)
    reactor = login(Client(), outsider)
    toggle(reactor, opening, "thank_you")  # by name: Quiet Harbor is told "Stray Comet said …"
    services.reply(thread=thread, author=outsider, body="It was me all along.", anonymous=True)
    toggle(reactor, opening, "thank_you")  # taken back …
    toggle(reactor, opening, "thank_you")  # … and given again

    # Still by name, as it was first given: turning anonymous now would show the switch
    # beside the new anonymous reply.
    assert not Reaction.objects.get(user=outsider, kind="thank_you").is_anonymous
    assert who_reacted(page_of(peer_supporter, thread), 1) == {"Thank you": "Stray Comet"}
    # One notification, by name: no "Anonymous member said “Thank you”" to pair it with.
    assert [title for title, _body, _url in reaction_notices(member)] == [
        "Stray Comet said “Thank you” to your post"
    ]


def test_an_anonymous_reaction_given_again_stays_anonymous_after_the_reply_is_hidden(
    thread: Thread, member: User, outsider: User, peer_supporter: User, moderator: User
) -> None:
    opening = thread.posts.get(position=1)
    reply = services.reply(thread=thread, author=outsider, body="Me as well.", anonymous=True)
    services.react(post=opening, user=outsider, kind="hear_you")
    services.hide_post(post=reply, actor=moderator, reason="Off topic")
    # With no visible anonymous post left, a new reaction would be named: given again, this
    # one keeps its first anonymity, or the name would replace "Anonymous member" under it.
    assert services.unreact(post=opening, user=outsider, kind="hear_you")
    services.react(post=opening, user=outsider, kind="hear_you")

    assert Reaction.objects.get(user=outsider, kind="hear_you").is_anonymous
    html = page_of(peer_supporter, thread)
    assert who_reacted(html, 1) == {"I hear you": "Anonymous member"}
    assert "Stray Comet" not in html
    assert [title for title, _body, _url in reaction_notices(member)] == [
        "Anonymous member said “I hear you” to your post"
    ]


def test_each_anonymous_reactor_is_told_to_the_author_alike(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    opening = thread.posts.get(position=1)
    for person in (outsider, peer_supporter):
        services.reply(thread=thread, author=person, body="Same for me.", anonymous=True)
        services.react(post=opening, user=person, kind="me_too")
    # Taking one back and giving it again adds nothing.
    services.unreact(post=opening, user=outsider, kind="me_too")
    services.react(post=opening, user=outsider, kind="me_too")

    notices = reaction_notices(member)
    assert len(notices) == 2
    # The two are the same in everything the author sees: nothing tells the reactors apart.
    assert notices[0] == notices[1]
    assert notices[0][0] == "Anonymous member said “Me too” to your post"
    seen = " ".join(" ".join(n) for n in notices)
    assert "Stray Comet" not in seen
    assert "Steady Lantern" not in seen


def test_the_export_keeps_reactions_taken_back_and_erasure_forgets_them(
    thread: Thread, outsider: User
) -> None:
    opening = thread.posts.get(position=1)
    services.react(post=opening, user=outsider, kind="strength")
    services.unreact(post=opening, user=outsider, kind="strength")
    data = export_member_data(user=outsider)["forums"]
    assert data["reactions"] == []
    assert [(r["post_id"], r["kind"]) for r in data["reactions_given"]] == [
        (opening.pk, "strength")
    ]
    erase_member(user=outsider, mode=EraseMode.ANONYMISE)
    assert not ReactionGiven.objects.filter(user_id=outsider.pk).exists()


def test_reactions_present_at_the_migration_are_remembered_with_their_anonymity(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    opening = thread.posts.get(position=1)
    services.reply(thread=thread, author=outsider, body="Me too.", anonymous=True)
    # Given before migration 0008: rows in Reaction only (one named, from before the
    # anonymous reply, one anonymous), and nobody notified yet in this test.
    Reaction.objects.bulk_create(
        [
            Reaction(post=opening, user=outsider, kind="hear_you", is_anonymous=False),
            Reaction(post=opening, user=peer_supporter, kind="me_too", is_anonymous=True),
        ]
    )

    class Editor:
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str, params: Any = ()) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration = importlib.import_module("peerhaven.forums.migrations.0008_reaction_given")
    migration.backfill(apps, Editor())

    assert set(ReactionGiven.objects.values_list("user__display_name", "kind", "is_anonymous")) == {
        ("Stray Comet", "hear_you", False),
        ("Steady Lantern", "me_too", True),
    }
    # Taken back and given again: named as it was, and not news to the author.
    services.unreact(post=opening, user=outsider, kind="hear_you")
    services.react(post=opening, user=outsider, kind="hear_you")
    assert not Reaction.objects.get(user=outsider).is_anonymous
    assert reaction_notices(member) == []


# --- the API's thread detail --------------------------------------------------------------------


def api_thread(user: User, thread: Thread) -> Any:
    token = create_token(user=user, name="test").secret
    response = Client().get(
        f"/api/forums/threads/{thread.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    return response.json()


def web_reply_form_is_anonymous(user: User, thread: Thread) -> bool:
    html = login(Client(), user).get(reverse("forums:reply", args=[thread.pk])).content.decode()
    box = re.search(r'<input[^>]*name="anonymous"[^>]*>', html)
    assert box is not None
    return "checked" in box.group(0)


def test_the_thread_detail_tells_the_viewer_they_wrote_anonymously_there(
    thread: Thread, member: User, outsider: User, peer_supporter: User, moderator: User
) -> None:
    services.reply(thread=thread, author=outsider, body="Same here.", anonymous=True)
    # A held anonymous reply counts too, as for the web's reply form.
    services.reply(
        thread=thread,
        author=peer_supporter,
        body="I am going to overdose on my pills tonight",
        anonymous=True,
    )
    assert Post.objects.get(thread=thread, author=peer_supporter).is_held
    expected = {member: False, outsider: True, peer_supporter: True, moderator: False}
    for user, anonymous in expected.items():
        assert api_thread(user, thread)["viewer_anonymous_here"] is anonymous, user
        assert web_reply_form_is_anonymous(user, thread) is anonymous, user


def test_the_thread_detail_is_a_404_to_outsiders_and_costs_no_extra_query(
    lounge: Any,
    member: User,
    peer_supporter: User,
    django_assert_max_num_queries: Any,
) -> None:
    hidden = services.create_thread(
        board=lounge, author=peer_supporter, title="Supervision", body="x", anonymous=True
    )
    token = create_token(user=member, name="test").secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get(f"/api/forums/threads/{hidden.pk}")
    assert response.status_code == 404
    assert "viewer_anonymous_here" not in response.content.decode()

    token = create_token(user=peer_supporter, name="test").secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    # Sanctions, the token (and its last use), the facts (roles, blocks, mutes, anonymous
    # here: one query, as the roles alone were before) and the thread.
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/forums/threads/{hidden.pk}")
    assert response.json()["viewer_anonymous_here"] is True
