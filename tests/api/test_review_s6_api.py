"""Review s6: text no database can store answers 400 on every API endpoint, not 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db: object) -> Board:
    return Board.objects.create(slug="general", name="General", position=1)


@pytest.fixture
def thread(board: Board, member: User) -> Thread:
    return services.create_thread(board=board, author=member, title="Hello all", body="Hi.")


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


@pytest.mark.parametrize(
    "raw_body",
    [
        '{"body": "before\\u0000after"}',  # NUL: PostgreSQL text refuses it (500)
        '{"body": "before\\ud800after"}',  # unpaired surrogate: not UTF-8 at all (500)
    ],
)
def test_unstorable_text_in_a_json_body_is_refused(
    client: Client, member: User, thread: Thread, raw_body: str
) -> None:
    client.raise_request_exception = False
    response = client.post(
        f"/api/forums/threads/{thread.pk}/posts",
        raw_body,
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert Post.objects.filter(thread=thread).count() == 1


def test_unstorable_text_in_a_query_is_refused(
    client: Client, member: User, thread: Thread
) -> None:
    client.raise_request_exception = False
    response = client.get("/api/forums/search", {"q": "be\x00fore"}, **bearer(member))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_ordinary_text_still_goes_through(client: Client, member: User, thread: Thread) -> None:
    response = client.post(
        f"/api/forums/threads/{thread.pk}/posts",
        json.dumps({"body": "Ça va — 😊 “quotes”"}),
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 201
