"""The API refuses a member who has not accepted the current community guidelines, as the web
does, and keeps help in a crisis and the member's own account data open."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import complete_onboarding, create_token
from peerhaven.forums.models import Board, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db: object) -> Board:
    return Board.objects.create(slug="general", name="General", position=1)


@pytest.fixture
def behind(make_user: Callable[..., User]) -> User:
    """Accepted an earlier version of the guidelines, not the current one."""
    return make_user(display_name="Late Owl", guidelines_version="0-old")


def _bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='script').secret}"}


def _assert_onboarding_required(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "onboarding_required"
    assert "/welcome/" in error["message"]


def test_posting_with_a_token_needs_the_current_guidelines_accepted(
    client: Client, behind: User, board: Board
) -> None:
    auth = _bearer(behind)  # made before the guidelines changed
    response = client.post(
        "/api/forums/boards/general/threads",
        data=json.dumps({"title": "Hello", "body": "First time here."}),
        content_type="application/json",
        **auth,
    )
    _assert_onboarding_required(response)
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/me/profile", {"bio": "hello"}),
        ("post", "/api/groups/1/join", None),
        ("get", "/api/forums/boards", None),  # the web redirects reads too
        ("get", "/api/notifications", None),
    ],
)
def test_other_endpoints_refuse_a_member_who_has_not_accepted_the_guidelines(
    client: Client, make_user: Callable[..., User], method: str, path: str, body: object
) -> None:
    newcomer = make_user(onboarded=False)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    response = getattr(client, method)(path, **kwargs, **_bearer(newcomer))
    _assert_onboarding_required(response)


def test_a_web_session_cannot_create_a_token_before_accepting_the_guidelines(
    client: Client, behind: User
) -> None:
    login(client, behind)
    response = client.post(
        "/api/tokens", data=json.dumps({"name": "bot"}), content_type="application/json"
    )
    _assert_onboarding_required(response)
    assert not behind.api_tokens.exists()


def test_crisis_resources_and_own_account_stay_available_before_acceptance(
    client: Client, behind: User
) -> None:
    # One request per entry of ``api.auth.BEFORE_ONBOARDING``: a renamed route fails here.
    auth = _bearer(behind)
    me = client.get("/api/me", **auth)
    assert me.status_code == 200
    assert me.json()["onboarded"] is False
    assert client.get("/api/safety/resources", **auth).status_code == 200
    assert client.get("/api/safety/plan", **auth).status_code == 200
    # A member's own support never waits for new guidelines: their plan and the safety team.
    plan = client.put(
        "/api/safety/plan",
        data=json.dumps({"warning_signs": "tired"}),
        content_type="application/json",
        **auth,
    )
    assert plan.status_code == 200
    assert client.get("/api/safety/messages", **auth).status_code == 200
    answer = client.post(
        "/api/safety/messages",
        data=json.dumps({"body": "hello"}),
        content_type="application/json",
        **auth,
    )
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "no_conversation"
    tokens = client.get("/api/tokens", **auth)
    assert tokens.status_code == 200
    [token] = tokens.json()
    # Revoking only takes access away: allowed, like everything under /settings/privacy/.
    assert client.delete(f"/api/tokens/{token['id']}", **auth).status_code == 204


def test_the_safety_plan_and_the_safety_team_open_on_the_web_before_acceptance(
    client: Client, behind: User
) -> None:
    login(client, behind)
    assert client.get("/safety/plan/").status_code == 200
    assert client.get("/safety/messages/").status_code == 200
    assert client.get("/forums/").status_code == 302  # everything else waits


def test_accepting_the_guidelines_opens_the_api_again(client: Client, behind: User) -> None:
    auth = _bearer(behind)
    _assert_onboarding_required(client.get("/api/forums/boards", **auth))
    complete_onboarding(
        user=behind, time_zone="UTC", language="en", country="", accept_guidelines=True
    )
    assert client.get("/api/forums/boards", **auth).status_code == 200


def test_an_onboarded_member_is_not_affected(client: Client, member: User) -> None:
    response = client.patch(
        "/api/me/profile",
        data=json.dumps({"bio": "hello"}),
        content_type="application/json",
        **_bearer(member),
    )
    assert response.status_code == 200
