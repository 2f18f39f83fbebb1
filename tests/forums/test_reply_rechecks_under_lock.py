"""A reply re-checks the thread under its row lock: a moderator who removes, locks or moves the
thread after the member's page read it wins, and nothing is stored in a thread the member can
no longer reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, Thread

pytestmark = pytest.mark.django_db


def _stale(thread: Thread) -> Thread:
    """The thread as the member's page read it, before the moderator acted."""
    return Thread.objects.select_related("board").get(pk=thread.pk)


def test_a_thread_removed_after_the_page_read_it_takes_no_reply(
    thread: Thread, outsider: User, moderator: User
) -> None:
    seen = _stale(thread)
    services.delete_thread(thread=_stale(thread), actor=moderator, reason="Off topic")
    before, position = Post.objects.count(), seen.last_position
    with pytest.raises(PermissionDenied):
        services.reply(thread=seen, author=outsider, body="Sending you strength.")
    assert Post.objects.count() == before
    thread.refresh_from_db()
    assert thread.last_position == position  # the position was rolled back


def test_a_thread_locked_after_the_page_read_it_says_so(
    thread: Thread, outsider: User, moderator: User
) -> None:
    seen = _stale(thread)
    services.set_locked(thread=_stale(thread), actor=moderator, locked=True, reason="Resting")
    with pytest.raises(ValidationError) as caught:
        services.reply(thread=seen, author=outsider, body="Sending you strength.")
    assert caught.value.code == "locked"


def test_a_thread_moved_to_a_board_the_member_cannot_see_takes_no_reply(
    thread: Thread, outsider: User, moderator: User, lounge: Board
) -> None:
    seen = _stale(thread)
    services.move_thread(thread=_stale(thread), actor=moderator, board=lounge, reason="Peers")
    with pytest.raises(PermissionDenied):
        services.reply(thread=seen, author=outsider, body="Sending you strength.")
    assert not Post.objects.filter(thread=thread, author=outsider).exists()


def test_an_ordinary_reply_still_goes_through(
    thread: Thread, outsider: User, make_thread: Callable[..., Thread]
) -> None:
    post = services.reply(thread=_stale(thread), author=outsider, body="Sending you strength.")
    assert post.pk and post.thread_id == thread.pk
