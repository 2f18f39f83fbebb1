"""A reply's author sees, on their post in the thread, what a moderator did to it and why.

Until now only the thread's author had "Moderation notes" on the thread page; the author of a
reply learned about a release or a "shown again" from the notification alone. The reasons stay
theirs (and the moderators'): other readers, the thread's author included, do not see them.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Post, Thread
from peerhaven.safety.gate import GateOutcome

pytestmark = pytest.mark.django_db

HOLD = GateOutcome(level="imminent", evidence=[{"rule": "method"}], method=True)


def page_of(user: User, thread: Thread) -> str:
    return login(Client(), user).get(reverse("forums:thread", args=[thread.pk])).content.decode()


def article(html: str, position: int) -> str:
    return html.split(f'id="post-{position}"', 1)[1].split("</article>", 1)[0]


def held_reply(thread: Thread, author: User, body: str = "held for review") -> Post:
    with mock.patch("peerhaven.forums.services.screen_user_text", return_value=HOLD):
        return services.reply(thread=thread, author=author, body=body)


def test_a_replier_sees_why_their_held_reply_was_released_on_the_post(
    thread: Thread, member: User, outsider: User, peer_supporter: User, moderator: User
) -> None:
    held = held_reply(thread, outsider)
    services.release_post(post=held, actor=moderator, reason="NOTE-FOR-THE-REPLIER")
    own = article(page_of(outsider, thread), held.position)
    assert "Moderation notes on your post" in own
    assert "Released after review: NOTE-FOR-THE-REPLIER" in own
    # Nobody else reads it: not the thread's author, not another member.
    for other in (member, peer_supporter):
        html = page_of(other, thread)
        assert "NOTE-FOR-THE-REPLIER" not in html
        assert "Moderation notes on your post" not in html
    # Moderators have it in the thread's notes, as before.
    assert "NOTE-FOR-THE-REPLIER" in page_of(moderator, thread)


def test_a_post_hidden_and_shown_again_keeps_both_notes_for_its_author_only(
    thread: Thread, member: User, outsider: User, peer_supporter: User, moderator: User
) -> None:
    reply = services.reply(thread=thread, author=outsider, body="A reply")
    services.hide_post(post=reply, actor=moderator, reason="HIDE-REASON")
    services.unhide_post(post=reply, actor=moderator, reason="UNHIDE-REASON")
    own = article(page_of(outsider, thread), 2)
    assert "Shown again: UNHIDE-REASON" in own and "Hidden: HIDE-REASON" in own
    assert own.index("Shown again") < own.index("Hidden:")  # newest first, as on the thread
    for other in (member, peer_supporter):
        html = page_of(other, thread)
        assert "UNHIDE-REASON" not in html and "HIDE-REASON" not in html


def test_the_note_on_a_post_costs_no_query_unless_there_is_one(
    thread: Thread,
    outsider: User,
    peer_supporter: User,
    moderator: User,
    django_assert_max_num_queries: Any,
) -> None:
    services.reply(thread=thread, author=peer_supporter, body="Not moderated")
    noted = services.reply(thread=thread, author=outsider, body="Moderated")
    # Shown again: the post no longer carries the (public) reason it was hidden for.
    services.hide_post(post=noted, actor=moderator, reason="REASON-HIDDEN")
    services.unhide_post(post=noted, actor=moderator, reason="REASON-SHOWN-AGAIN")
    url = reverse("forums:thread", args=[thread.pk])
    plain, replier = login(Client(), peer_supporter), login(Client(), outsider)
    plain.get(url), replier.get(url)  # the first look moves the read marks
    # Session, user, sanctions, the facts (with which own posts have notes), thread, posts,
    # reactions; and for the replier with a note, the note.
    with django_assert_max_num_queries(7):
        assert "REASON-SHOWN-AGAIN" not in plain.get(url).content.decode()
    with django_assert_max_num_queries(8):
        assert "Shown again: REASON-SHOWN-AGAIN" in article(replier.get(url).content.decode(), 3)


def test_the_thread_author_gets_notes_on_the_thread_and_on_their_posts_in_one_query(
    thread: Thread, member: User, moderator: User, django_assert_max_num_queries: Any
) -> None:
    opening = thread.posts.get()
    services.hide_post(post=opening, actor=moderator, reason="OLDEST-NOTE")
    services.unhide_post(post=opening, actor=moderator, reason="SECOND-NOTE")
    # More thread notes than the thread's list shows (20): the post's own notes still show.
    for i in range(12):
        services.set_locked(thread=thread, actor=moderator, locked=True, reason=f"lock {i}")
        services.set_locked(thread=thread, actor=moderator, locked=False, reason=f"unlock {i}")
    url = reverse("forums:thread", args=[thread.pk])
    client = login(Client(), member)
    client.get(url)
    with django_assert_max_num_queries(8):
        html = client.get(url).content.decode()
    notes = html.split('id="modlog-heading"', 1)[1].split("</section>", 1)[0]
    assert notes.count("<li>") == 20 and "unlock 11" in notes and "OLDEST-NOTE" not in notes
    own = article(html, 1)
    assert "Hidden: OLDEST-NOTE" in own and "Shown again: SECOND-NOTE" in own
    assert "lock 3" not in own
