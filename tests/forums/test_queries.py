"""Permission-aware reads: visibility rules, constant query counts on big fixtures, search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import permissions, queries, services
from peerhaven.forums.models import Board, Post, Reaction, Thread
from peerhaven.forums.rendering import render_markdown

pytestmark = pytest.mark.django_db


def add_reactions(thread: Thread, people: list[User]) -> None:
    posts = list(thread.posts.all())
    Reaction.objects.bulk_create(
        Reaction(post=p, user=u, kind=kind)
        for p in posts
        for u in people
        for kind in ("me_too", "hear_you")
    )


def test_thread_page_with_500_posts_uses_a_constant_number_of_queries(
    board: Board,
    make_user: Callable[..., User],
    django_assert_max_num_queries: Any,
    make_big_thread: Callable[..., Thread],
) -> None:
    people = [make_user() for _ in range(5)]
    thread = make_big_thread(board, people[0], posts=500)
    add_reactions(thread, people[1:])
    client = login(Client(), people[1])
    url = reverse("forums:thread", args=[thread.pk])
    for page in ("1", "5", "last"):
        client.get(f"{url}?page={page}")  # the first look at a page moves the read mark
        # Session, user, the member's sanctions (safety), one query for roles + unread count
        # + blocks, mutes, follow and read mark, the thread, its posts, their reactions.
        with django_assert_max_num_queries(7):
            response = client.get(f"{url}?page={page}")
        assert response.status_code == 200
        assert response.content.decode().count('class="post') >= 50
    # The thread's author (and moderators) also get the moderation notes: one more.
    author = login(Client(), people[0])
    author.get(url)
    with django_assert_max_num_queries(8):
        assert author.get(url).status_code == 200


def test_thread_page_queries_do_not_grow_with_the_posts_on_the_page(
    board: Board,
    make_user: Callable[..., User],
    settings: Any,
    make_big_thread: Callable[..., Thread],
) -> None:
    from django.test.utils import CaptureQueriesContext

    people = [make_user() for _ in range(3)]
    small = make_big_thread(board, people[0], posts=3)
    big = make_big_thread(board, people[0], posts=300)
    add_reactions(small, people[1:])
    add_reactions(big, people[1:])
    settings.FORUMS_POSTS_PER_PAGE = 300
    client = login(Client(), people[1])
    for t in (small, big):  # the first visit creates the read state
        client.get(reverse("forums:thread", args=[t.pk]))
    counts = []
    for t in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("forums:thread", args=[t.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_board_page_among_many_threads_uses_a_constant_number_of_queries(
    board: Board,
    make_user: Callable[..., User],
    django_assert_max_num_queries: Any,
    make_big_thread: Callable[..., Thread],
) -> None:
    authors = [make_user() for _ in range(10)]
    for i in range(400):
        make_big_thread(board, authors[i % 10], posts=2, title=f"Thread {i}", age_days=i % 30)
    reader = authors[0]
    services.block_member(blocker=reader, blocked=authors[9])
    services.mute_warning(user=reader, warning="grief")
    client = login(Client(), reader)
    url = reverse("forums:board", args=[board.slug])
    # Session, user, sanctions, the facts query (roles, unread count, blocks, mutes), the
    # board, its pinned threads, a page of threads, their read marks.
    with django_assert_max_num_queries(8):
        first = client.get(url)
    assert first.status_code == 200
    cursor = first.context["page"].next_cursor
    with django_assert_max_num_queries(7):
        assert client.get(f"{url}?after={cursor}").status_code == 200


def test_api_lists_use_a_constant_number_of_queries(
    board: Board,
    make_user: Callable[..., User],
    django_assert_max_num_queries: Any,
    make_big_thread: Callable[..., Thread],
) -> None:
    people = [make_user() for _ in range(4)]
    thread = make_big_thread(board, people[0], posts=200)
    add_reactions(thread, people[1:])
    for i in range(100):
        make_big_thread(board, people[i % 4], posts=1, title=f"T{i}")
    client = login(Client(), people[1])
    # Session, user, sanctions, facts (roles, blocks, mutes), thread, posts, reactions.
    with django_assert_max_num_queries(7):
        assert client.get(f"/api/forums/threads/{thread.pk}/posts?limit=200").status_code == 200
    # Session, user, sanctions, facts, board, pinned threads, threads, read marks.
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/forums/boards/{board.slug}/threads?limit=100").status_code == 200


def test_visible_posts_leave_out_held_hidden_and_blocked(
    thread: Thread, member: User, outsider: User, moderator: User, peer_supporter: User
) -> None:
    hidden = services.reply(thread=thread, author=outsider, body="to hide")
    services.hide_post(post=hidden, actor=moderator, reason="r")
    held = services.reply(thread=thread, author=outsider, body="held")
    type(held).objects.filter(pk=held.pk).update(is_held=True)
    blocked = services.reply(thread=thread, author=peer_supporter, body="blocked")
    services.block_member(blocker=member, blocked=peer_supporter)
    visible = set(queries.visible_posts(member).values_list("pk", flat=True))
    assert hidden.pk not in visible and held.pk not in visible and blocked.pk not in visible
    own = set(queries.visible_posts(outsider).values_list("pk", flat=True))
    assert {hidden.pk, held.pk} <= own
    assert {hidden.pk, held.pk, blocked.pk} <= set(
        queries.visible_posts(moderator).values_list("pk", flat=True)
    )


def test_removed_threads_are_visible_to_their_author_only(
    thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    services.delete_thread(thread=thread, actor=moderator, reason="Off topic")
    thread.refresh_from_db()
    assert permissions.can_see_thread(member, thread)
    assert not permissions.can_see_thread(outsider, thread)
    assert (
        login(Client(), outsider).get(reverse("forums:thread", args=[thread.pk])).status_code == 404
    )
    page = login(Client(), member).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "Reason: Off topic" in page


def test_search_on_sqlite_or_postgres_finds_titles_and_bodies(
    board: Board, member: User, outsider: User
) -> None:
    services.create_thread(board=board, author=member, title="Walking in the rain", body="x y")
    services.create_thread(board=board, author=member, title="Sleep", body="I walked to the shop")
    titles = [h.post.thread.title for h in queries.search(outsider, "walking")]
    assert "Walking in the rain" in titles
    if connection.vendor == "postgresql":
        # Stemming: "walking" also finds "walked"; the title match ranks first.
        assert titles == ["Walking in the rain", "Sleep"]
    assert queries.search(outsider, "w") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_search_ranks_and_uses_the_gin_index(
    board: Board, member: User, outsider: User
) -> None:
    services.create_thread(
        board=board, author=member, title="Therapy waitlists", body="therapy therapy therapy"
    )
    services.create_thread(board=board, author=member, title="Other", body="about therapy once")
    hits = queries.search(outsider, "therapy")
    assert hits[0].post.thread.title == "Therapy waitlists"
    assert hits[0].rank > hits[-1].rank
    from django.contrib.postgres.search import SearchQuery, SearchVector

    # The indexes must be on the very expressions the search compiles to, or they go unused.
    q = SearchQuery("therapy", config="english", search_type="websearch")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    body_plan = Post.objects.annotate(v=SearchVector("body", config="english")).filter(v=q)
    title_plan = Thread.objects.annotate(v=SearchVector("title", config="english")).filter(v=q)
    assert "forums_post_body_fts" in body_plan.explain()
    assert "forums_thread_title_fts" in title_plan.explain()


def test_markdown_render_is_stored_once(board: Board, member: User) -> None:
    thread = services.create_thread(board=board, author=member, title="Once", body="*x*")
    assert thread.posts.get().body_html == render_markdown("*x*")
