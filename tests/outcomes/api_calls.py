"""Calls to the outcomes API as a member with a personal token (shared by the API tests)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from peerhaven.accounts.models import User
from peerhaven.accounts.services import create_token


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='test').secret}"}


def submit(client: Client, user: User, **payload: Any) -> Any:
    """POST /api/outcomes/responses with ``payload`` as JSON."""
    return client.post(
        "/api/outcomes/responses", payload, content_type="application/json", **bearer(user)
    )
