"""Render-once fragments: pages of posts and thread rows come from the cache (shared and this
process's own), and any change shows at once because it makes a new key."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import fragments, services
from peerhaven.forums.models import Thread

pytestmark = pytest.mark.django_db


def test_a_page_served_from_memory_still_shows_a_change_at_once(
    thread: Thread, member: User, outsider: User, peer_supporter: User
) -> None:
    url = reverse("forums:thread", args=[thread.pk])
    reader = login(Client(), outsider)
    reader.get(url)
    with mock.patch("peerhaven.forums.fragments.render_to_string") as render:
        assert "Does anyone else" in reader.get(url).content.decode()
    render.assert_not_called()  # the whole page came from the cache
    services.react(post=thread.posts.get(), user=peer_supporter, kind="me_too")
    cache.clear()  # the process's own copy must not hide the change either
    page = reader.get(url).content.decode()
    assert "Steady Lantern" in page and '<span class="count">1</span>' in page


def test_the_board_rows_show_new_replies_at_once(thread: Thread, outsider: User) -> None:
    url = reverse("forums:board", args=[thread.board.slug])
    reader = login(Client(), outsider)
    assert "0 replies" in reader.get(url).content.decode()
    services.reply(thread=thread, author=outsider, body="Me too")
    assert "1 reply" in reader.get(url).content.decode()


def test_the_processs_own_copies_are_bounded() -> None:
    for i in range(fragments.LOCAL_PAGES + 10):
        fragments._local_put(f"k{i}", "x")
    assert len(fragments._local) == fragments.LOCAL_PAGES
    assert "k0" not in fragments._local and f"k{fragments.LOCAL_PAGES + 9}" in fragments._local
