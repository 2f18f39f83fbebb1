"""API authentication: the web session (with CSRF) or a personal access token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from peerhaven.accounts.services import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ph_…``. Tokens skip CSRF: they are not sent by browsers."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            # A token is one factor: staff features (which need two-factor sign-in) refuse it.
            user.authenticated_by_token = True  # type: ignore[attr-defined]
            request.user = user
        return user


class MemberSessionAuth(SessionAuth):
    """Session auth for the web front end; CSRF-checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [TokenAuth(), MemberSessionAuth(csrf=True)]


def auth_user(request: HttpRequest) -> Any:
    """The authenticated member of an API request (set by TokenAuth or MemberSessionAuth)."""
    return request.auth  # type: ignore[attr-defined]
