"""Session 8 review: the thread's "N people said me too" must not tell readers that an
anonymous "Me too" came from someone who said it by name in the same thread.

A member who said "Me too" by name and then replied anonymously gives later reactions in the
thread anonymously. If the thread's count stayed put when that anonymous "Me too" appeared
("1 person said me too" beside "Me too: Stray Comet" on one post and "Me too: Anonymous member"
on another), readers would know the anonymous reactor, hence the anonymous reply's author, is
Stray Comet. The count counts people as the thread shows them: a name and "Anonymous member"
are two."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Reaction, Thread

pytestmark = pytest.mark.django_db


def _page(user: User, thread: Thread) -> str:
    return login(Client(), user).get(reverse("forums:thread", args=[thread.pk])).content.decode()


def _me_too_said(html: str) -> str:
    found = re.search(r"(\d+) (?:person|people) said me too", html)
    return found.group(1) if found else "0"


def test_an_anonymous_me_too_beside_the_same_members_named_one_counts_as_another_person(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    opening = thread.posts.get(position=1)
    other = services.reply(thread=thread, author=peer_supporter, body="Same here.")
    services.react(post=opening, user=outsider, kind="me_too")  # by name
    services.reply(thread=thread, author=outsider, body="It is me.", anonymous=True)
    services.react(post=other, user=outsider, kind="me_too")  # now anonymous
    assert Reaction.objects.get(post=other, user=outsider).is_anonymous

    html = _page(member, thread)
    assert "Anonymous member" in html and "Stray Comet" in html
    # Two are listed, a name and "Anonymous member": two people as far as anyone can tell.
    assert _me_too_said(html) == "2"

    # Taking either back leaves one; both, none.
    assert services.unreact(post=other, user=outsider, kind="me_too")
    thread.refresh_from_db()
    assert thread.me_too_count == 1
    services.react(post=other, user=outsider, kind="me_too")
    assert services.unreact(post=opening, user=outsider, kind="me_too")
    thread.refresh_from_db()
    assert thread.me_too_count == 1
    assert services.unreact(post=other, user=outsider, kind="me_too")
    thread.refresh_from_db()
    assert thread.me_too_count == 0


def test_the_same_member_twice_by_name_or_twice_anonymously_is_still_one_person(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    opening = thread.posts.get(position=1)
    second = services.reply(thread=thread, author=peer_supporter, body="Same here.")
    third = services.reply(thread=thread, author=member, body="Thanks all.")
    services.reply(thread=thread, author=outsider, body="Me as well.", anonymous=True)
    for post in (opening, second, third):
        services.react(post=post, user=outsider, kind="me_too")
    thread.refresh_from_db()
    assert thread.me_too_count == 1
    services.unreact(post=second, user=outsider, kind="me_too")
    thread.refresh_from_db()
    assert thread.me_too_count == 1


def test_the_migration_counts_threads_that_already_have_both(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    opening = thread.posts.get(position=1)
    other = services.reply(thread=thread, author=peer_supporter, body="Same here.")
    Reaction.objects.bulk_create(
        [
            Reaction(post=opening, user=outsider, kind="me_too", is_anonymous=False),
            Reaction(post=other, user=outsider, kind="me_too", is_anonymous=True),
            Reaction(post=opening, user=peer_supporter, kind="me_too", is_anonymous=False),
        ]
    )
    Thread.objects.filter(pk=thread.pk).update(me_too_count=2)  # as counted before
    untouched = services.create_thread(board=thread.board, author=member, title="Another", body="x")
    Thread.objects.filter(pk=untouched.pk).update(me_too_count=5)  # no mixed reactor: left

    migration = importlib.import_module("peerhaven.forums.migrations.0009_me_too_people_as_shown")
    migration.recount(apps, None)

    thread.refresh_from_db()
    untouched.refresh_from_db()
    assert (thread.me_too_count, untouched.me_too_count) == (3, 5)
