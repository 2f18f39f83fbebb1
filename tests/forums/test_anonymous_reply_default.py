"""Someone who wrote anonymously in a thread finds "Post anonymously" ticked when they reply
there, on the thread page and on the reply page: replying by habit would put their name beside
their anonymous post."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Thread

pytestmark = pytest.mark.django_db


def anonymous_box_ticked(html: str) -> bool:
    box = re.search(r'<input[^>]*name="anonymous"[^>]*>', html)
    assert box is not None, "the reply form has the anonymous box"
    return "checked" in box.group(0)


def pages(user: User, thread: Thread) -> list[str]:
    client = login(Client(), user)
    return [
        client.get(reverse("forums:thread", args=[thread.pk])).content.decode(),
        client.get(reverse("forums:reply", args=[thread.pk])).content.decode(),
    ]


def test_the_anonymous_author_replies_anonymously_by_default(
    make_thread: Callable[..., Thread], member: User, outsider: User
) -> None:
    thread = make_thread(member, anonymous=True)

    assert all(anonymous_box_ticked(html) for html in pages(member, thread))
    # Everyone else, and the same form cached for them, starts unticked.
    assert not any(anonymous_box_ticked(html) for html in pages(outsider, thread))


def test_a_member_who_replied_anonymously_keeps_replying_anonymously(
    thread: Thread, outsider: User
) -> None:
    services.reply(thread=thread, author=outsider, body="Same here.", anonymous=True)

    assert all(anonymous_box_ticked(html) for html in pages(outsider, thread))


def test_a_named_author_starts_unticked(thread: Thread, member: User) -> None:
    assert not any(anonymous_box_ticked(html) for html in pages(member, thread))
