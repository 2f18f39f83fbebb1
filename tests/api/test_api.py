from __future__ import annotations

import json

import pytest
from django.test import Client
from personas import login

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token
from peerhaven.notifications.services import notify

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


def test_me_with_a_token(client: Client, member: User) -> None:
    response = client.get("/api/me", **bearer(member))
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == member.display_name
    assert body["email"] == member.email
    assert body["roles"] == ["member"]
    assert body["onboarded"] is True


def test_me_with_the_web_session(member_client: Client, member: User) -> None:
    assert member_client.get("/api/me").json()["display_name"] == member.display_name


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Bearer ph_nope",
        "Token abc",
        "Bearer " + "x" * 10000,
        "Basic Zm9vOmJhcg==",
    ],
)
def test_missing_or_malformed_tokens_get_a_401_in_the_standard_shape(
    client: Client, header: str
) -> None:
    response = client.get("/api/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_session_writes_need_the_csrf_token(member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, member)
    response = client.patch(
        "/api/me/profile", data=json.dumps({"bio": "forged"}), content_type="application/json"
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.bio != "forged"


def test_token_writes_do_not_need_csrf(member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        "/api/me/profile",
        data=json.dumps({"pronouns": "they/them"}),
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 200
    assert response.json()["pronouns"] == "they/them"


def test_profile_validation_errors_are_422_with_a_message(client: Client, member: User) -> None:
    response = client.patch(
        "/api/me/profile",
        data=json.dumps({"display_name": "admin"}),
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "reserved"
    response = client.patch(
        "/api/me/profile",
        data=json.dumps({"bio": 12}),
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 422
    assert "bio" in response.json()["error"]["fields"]
    response = client.patch(
        "/api/me/profile", data="{not json", content_type="application/json", **bearer(member)
    )
    assert 400 <= response.status_code < 500


def test_public_profiles_hide_the_email(client: Client, member: User, outsider: User) -> None:
    body = client.get(f"/api/profiles/{outsider.display_name}", **bearer(member)).json()
    assert body == {
        "display_name": outsider.display_name,
        "pronouns": "",
        "bio": "",
        "peer_supporter": False,
    }
    assert client.get("/api/profiles/Nobody%20Here", **bearer(member)).status_code == 404


def test_tokens_can_be_created_listed_and_revoked_over_the_api(
    client: Client, member: User
) -> None:
    auth = bearer(member)
    login(client, member)  # tokens are made from a signed-in session, never by another token
    created = client.post(
        "/api/tokens", data=json.dumps({"name": "cli"}), content_type="application/json"
    )
    client.logout()
    assert created.status_code == 201
    secret = created.json()["secret"]
    listing = client.get("/api/tokens", **auth).json()
    assert {t["name"] for t in listing} == {"test", "cli"}
    assert all("secret" not in t and "token_hash" not in t for t in listing)
    token_id = created.json()["id"]
    assert client.delete(f"/api/tokens/{token_id}", **auth).status_code == 204
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_nobody_revokes_another_members_token(client: Client, member: User, outsider: User) -> None:
    theirs = create_token(user=outsider, name="theirs")
    response = client.delete(f"/api/tokens/{theirs.token.pk}", **bearer(member))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_token_creation_is_rate_limited(client: Client, member: User) -> None:
    login(client, member)
    statuses = [
        client.post(
            "/api/tokens",
            data=json.dumps({"name": f"t{i}"}),
            content_type="application/json",
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 429


def test_notifications_paginate_by_cursor(
    client: Client, member: User, outsider: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for i in range(7):
        notify(recipient=member, kind="system", title=f"n{i}")
    notify(recipient=outsider, kind="system", title="not yours")
    auth = bearer(member)
    with django_assert_max_num_queries(4):
        first = client.get("/api/notifications?limit=5", **auth).json()
    assert [n["title"] for n in first["items"]] == ["n6", "n5", "n4", "n3", "n2"]
    second = client.get(f"/api/notifications?limit=5&cursor={first['next_cursor']}", **auth).json()
    assert [n["title"] for n in second["items"]] == ["n1", "n0"]
    assert second["next_cursor"] is None
    assert (
        client.get("/api/notifications?cursor=abc", **auth).json()["error"]["code"] == "bad_cursor"
    )
    assert client.get("/api/notifications?limit=0", **auth).status_code == 400


def test_marking_another_members_notification_read_is_not_found(
    client: Client, member: User, outsider: User
) -> None:
    theirs = notify(recipient=outsider, kind="system", title="private")
    response = client.post(f"/api/notifications/{theirs.pk}/read", **bearer(member))
    assert response.status_code == 404


def test_the_openapi_schema_documents_the_routers(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/me" in schema["paths"]
    assert "/api/notifications" in schema["paths"]
