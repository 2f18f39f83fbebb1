"""Forum fixtures: boards of each kind, a thread factory and a bulk builder for big fixtures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, Thread, Visibility
from peerhaven.forums.rendering import render_markdown


@pytest.fixture(autouse=True)
def _forget_local_fragments() -> None:
    # Rendered pages kept in this process (fragments.LOCAL_PAGES): each test starts clean.
    from peerhaven.forums import fragments

    with fragments._local_lock:
        fragments._local.clear()


@pytest.fixture
def board(db: Any) -> Board:
    return Board.objects.create(
        slug="living-with-depression", name="Living with depression", position=1
    )


@pytest.fixture
def lounge(db: Any) -> Board:
    return Board.objects.create(
        slug="peer-lounge",
        name="Peer supporters' lounge",
        visibility=Visibility.ROLE,
        required_role=Role.PEER_SUPPORTER,
        position=2,
    )


@pytest.fixture
def announcements(db: Any) -> Board:
    return Board.objects.create(
        slug="announcements", name="Announcements", visibility=Visibility.ANNOUNCEMENTS
    )


@pytest.fixture
def make_thread(board: Board) -> Callable[..., Thread]:
    def factory(author: User, *, title: str = "Mornings are the hardest", **kw: Any) -> Thread:
        body = kw.pop("body", "Does anyone else find mornings the hardest part of the day?")
        return services.create_thread(
            board=kw.pop("on", board), author=author, title=title, body=body, **kw
        )

    return factory


@pytest.fixture
def thread(make_thread: Callable[..., Thread], member: User) -> Thread:
    return make_thread(member)


def bulk_thread(
    board: Board, author: User, *, posts: int, title: str = "A long thread", age_days: int = 0
) -> Thread:
    """A thread with ``posts`` posts, written straight to the tables (fast, for big fixtures)."""
    now = timezone.now() - timedelta(days=age_days)
    t = Thread.objects.create(
        board=board,
        author=author,
        title=title,
        created_at=now,
        last_activity_at=now,
        reply_count=posts - 1,
        last_position=posts,
    )
    html = render_markdown("Thank you for writing this. *Me too.*")
    Post.objects.bulk_create(
        Post(
            thread=t,
            author=author,
            position=i,
            body="Thank you for writing this. *Me too.*",
            body_html=html,
            created_at=now,
            published_at=now,
        )
        for i in range(1, posts + 1)
    )
    return t


@pytest.fixture
def make_big_thread(db: Any) -> Callable[..., Thread]:
    return bulk_thread
