"""The forums API, with tokens: the same permissions and refusals as the web pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.forums import services
from peerhaven.forums.models import Board, Reaction, Report, Thread

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


def post_json(client: Client, url: str, data: dict[str, Any], user: User) -> Any:
    return client.post(url, data, content_type="application/json", **bearer(user))


def test_the_api_needs_authentication(client: Client, board: Board) -> None:
    assert client.get("/api/forums/boards").status_code == 401


def test_boards_list_leaves_out_restricted_boards(
    client: Client, board: Board, lounge: Board, member: User, peer_supporter: User
) -> None:
    slugs = [b["slug"] for b in client.get("/api/forums/boards", **bearer(member)).json()]
    assert slugs == [board.slug]
    slugs = [b["slug"] for b in client.get("/api/forums/boards", **bearer(peer_supporter)).json()]
    assert slugs == [board.slug, lounge.slug]


def test_a_member_starts_a_thread_replies_and_pages_through_posts(
    client: Client, board: Board, member: User, outsider: User
) -> None:
    created = post_json(
        client,
        f"/api/forums/boards/{board.slug}/threads",
        {"title": "First week back at work", "body": "It went *OK*.", "content_warning": ""},
        member,
    )
    assert created.status_code == 201, created.content
    thread_id = created.json()["thread"]["id"]
    assert created.json()["held"] is False
    for i in range(3):
        r = post_json(client, f"/api/forums/threads/{thread_id}/posts", {"body": f"r{i}"}, outsider)
        assert r.status_code == 201
    page = client.get(f"/api/forums/threads/{thread_id}/posts?limit=2", **bearer(member)).json()
    assert [p["position"] for p in page["items"]] == [1, 2]
    assert page["items"][0]["body_html"] == "<p>It went <em>OK</em>.</p>\n"
    rest = client.get(
        f"/api/forums/threads/{thread_id}/posts?limit=2&cursor={page['next_cursor']}",
        **bearer(member),
    ).json()
    assert [p["position"] for p in rest["items"]] == [3, 4] and rest["next_cursor"] is None
    threads = client.get(f"/api/forums/boards/{board.slug}/threads", **bearer(member)).json()
    assert threads["items"][0]["reply_count"] == 3


def test_thread_lists_paginate_by_cursor(
    client: Client, board: Board, member: User, make_thread: Any
) -> None:
    for i in range(3):
        make_thread(member, title=f"Thread {i}")
    first = client.get(f"/api/forums/boards/{board.slug}/threads?limit=2", **bearer(member)).json()
    assert [t["title"] for t in first["items"]] == ["Thread 2", "Thread 1"]
    second = client.get(
        f"/api/forums/boards/{board.slug}/threads?limit=2&cursor={first['next_cursor']}",
        **bearer(member),
    ).json()
    assert [t["title"] for t in second["items"]] == ["Thread 0"]
    bad = client.get(f"/api/forums/boards/{board.slug}/threads?cursor=@@", **bearer(member))
    assert bad.status_code == 400


def test_posting_to_a_board_one_may_not_see_is_a_404(
    client: Client, lounge: Board, member: User
) -> None:
    r = post_json(
        client, f"/api/forums/boards/{lounge.slug}/threads", {"title": "Hi", "body": "x"}, member
    )
    assert r.status_code == 404
    assert not Thread.objects.exists()


def test_a_thread_in_a_restricted_board_is_a_404_to_outsiders(
    client: Client, lounge: Board, peer_supporter: User, outsider: User
) -> None:
    thread = services.create_thread(board=lounge, author=peer_supporter, title="Lounge", body="x")
    post = thread.posts.get()
    assert client.get(f"/api/forums/threads/{thread.pk}", **bearer(outsider)).status_code == 404
    r = post_json(client, f"/api/forums/threads/{thread.pk}/posts", {"body": "x"}, outsider)
    assert r.status_code == 404
    r = post_json(client, f"/api/forums/posts/{post.pk}/reactions", {"kind": "me_too"}, outsider)
    assert r.status_code == 404
    assert (
        client.put(f"/api/forums/threads/{thread.pk}/follow", **bearer(outsider)).status_code == 404
    )


def test_empty_and_overlong_posts_get_a_422_with_a_message(
    client: Client, thread: Thread, outsider: User
) -> None:
    url = f"/api/forums/threads/{thread.pk}/posts"
    empty = post_json(client, url, {"body": "  "}, outsider)
    assert empty.status_code == 422
    assert "write something" in str(empty.json()["error"])
    long = post_json(client, url, {"body": "x" * 100_000}, outsider)
    assert long.status_code == 422
    assert "20000" in str(long.json()["error"]["fields"]["body"])


def test_replying_to_a_locked_thread_is_a_403_locked(
    client: Client, thread: Thread, outsider: User, moderator: User
) -> None:
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="Closed")
    r = post_json(client, f"/api/forums/threads/{thread.pk}/posts", {"body": "hello"}, outsider)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "locked"


def test_reacting_twice_is_a_409_and_unreacting_works(
    client: Client, thread: Thread, outsider: User
) -> None:
    post = thread.posts.get()
    url = f"/api/forums/posts/{post.pk}/reactions"
    first = post_json(client, url, {"kind": "me_too"}, outsider)
    assert first.status_code == 201
    assert first.json()["reactions"]["me_too"] == 1
    assert first.json()["my_reactions"] == ["me_too"]
    again = post_json(client, url, {"kind": "me_too"}, outsider)
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate"
    assert post_json(client, url, {"kind": "hugs"}, outsider).status_code == 422
    assert client.delete(f"{url}/me_too", **bearer(outsider)).status_code == 204
    assert not Reaction.objects.exists()


def test_follow_and_report(client: Client, thread: Thread, outsider: User) -> None:
    assert (
        client.put(f"/api/forums/threads/{thread.pk}/follow", **bearer(outsider)).status_code == 204
    )
    post = thread.posts.get()
    r = post_json(client, f"/api/forums/posts/{post.pk}/reports", {"reason": "risk"}, outsider)
    assert r.status_code == 201
    assert Report.objects.get().reporter == outsider
    bad = post_json(client, f"/api/forums/posts/{post.pk}/reports", {"reason": "meh"}, outsider)
    assert bad.status_code == 422


def test_search_never_returns_what_the_searcher_may_not_see(
    client: Client, board: Board, lounge: Board, member: User, outsider: User,
    peer_supporter: User, moderator: User,
) -> None:  # fmt: skip
    services.create_thread(board=board, author=member, title="Gardening helps", body="pumpkins")
    services.create_thread(board=lounge, author=peer_supporter, title="Lounge", body="pumpkins")
    hidden = services.create_thread(board=board, author=member, title="Hidden", body="pumpkins")
    services.hide_post(post=hidden.posts.get(), actor=moderator, reason="no")
    blocked = services.create_thread(
        board=board, author=peer_supporter, title="Blocked one", body="pumpkins"
    )
    services.block_member(blocker=outsider, blocked=peer_supporter)
    hits = client.get("/api/forums/search?q=pumpkins", **bearer(outsider)).json()
    assert [h["thread_title"] for h in hits] == ["Gardening helps"]
    assert blocked.pk
