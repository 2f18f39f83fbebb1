"""Ids too large for the database are "not found", on the web and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token

pytestmark = pytest.mark.django_db
BIG = "9" * 30


@pytest.mark.parametrize(
    "path",
    [
        f"/clinical/clients/{BIG}/",
        f"/clinical/clients/{BIG}/fhir.json",
        f"/outcomes/response/{BIG}/safety/",
        f"/settings/tokens/{BIG}/revoke/",
        f"/notifications/{BIG}/read/",
    ],
)
def test_huge_ids_on_pages_are_not_found(client: Client, clinician: User, path: str) -> None:
    client.force_login(clinician)
    response = client.post(path) if path.endswith(("/revoke/", "/read/")) else client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [f"/api/clinical/clients/{BIG}/results", f"/api/clinical/clients/{BIG}/fhir"],
)
def test_huge_ids_on_the_staff_api_are_not_found(
    client: Client, clinician: User, path: str
) -> None:
    client.force_login(clinician)  # staff endpoints take a two-factor session, not a token
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_huge_ids_on_the_member_api_are_not_found(client: Client, member: User) -> None:
    token = create_token(user=member, name="t").secret
    response = client.get(f"/api/mentoring/profiles/{BIG}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404


def test_staff_api_endpoints_refuse_tokens(client: Client, moderator: User) -> None:
    token = create_token(user=moderator, name="t").secret
    response = client.get("/api/safety/alerts", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    client.force_login(moderator)
    assert client.get("/api/safety/alerts").status_code == 200


def test_tokens_cannot_mint_tokens(client: Client, member: User) -> None:
    import json

    token = create_token(user=member, name="t").secret
    response = client.post(
        "/api/tokens",
        data=json.dumps({"name": "child"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "session_required"
