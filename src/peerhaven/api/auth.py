"""API authentication: the web session (with CSRF) or a personal access token.

Both also enforce onboarding: the web sends a member who has not accepted the current
community guidelines to /welcome/ (``OnboardingMiddleware``), and /api/ is exempt from that
redirect, so the API refuses the same member here with a 403 ``onboarding_required`` — except
for the few endpoints the web keeps open before acceptance (see ``BEFORE_ONBOARDING``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja.security import HttpBearer, SessionAuth

from peerhaven.accounts.services import authenticate_token
from peerhaven.api.errors import ApiError

# (method, Django route) of the endpoints a member may use before accepting the guidelines.
# They mirror what ``accounts.middleware.ONBOARDING_EXEMPT_PREFIXES`` keeps open on the web:
# help in a crisis (/help/: crisis lines; /safety/plan/ and /safety/messages/: the member's own
# safety plan and conversation with the safety team) and the member's
# own data (/settings/privacy/: reading the account, listing and revoking their own tokens,
# which only ever takes access away). Every other endpoint, reads included, is refused, as
# every other web page redirects. Creating a token is refused too (/settings/tokens/ redirects).
BEFORE_ONBOARDING: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "api/me"),
        ("GET", "api/tokens"),
        ("DELETE", "api/tokens/<token_id>"),
        ("GET", "api/safety/resources"),
        ("GET", "api/safety/plan"),
        ("PUT", "api/safety/plan"),
        ("GET", "api/safety/messages"),
        ("POST", "api/safety/messages"),
    }
)


def allowed_before_onboarding(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    return (request.method or "", route or "") in BEFORE_ONBOARDING


def check_onboarded(request: HttpRequest, user: Any) -> None:
    """Refuse a member who has not accepted the current guidelines (403 onboarding_required)."""
    if user.needs_onboarding and not allowed_before_onboarding(request):
        raise ApiError(
            403,
            "onboarding_required",
            "Please read and accept the current community guidelines first, on the website at "
            f"{request.build_absolute_uri(reverse('accounts:welcome'))}. Crisis resources stay "
            "available at /api/safety/resources.",
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ph_…``. Tokens skip CSRF: they are not sent by browsers."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            # A token is one factor: staff features (which need two-factor sign-in) refuse it.
            user.authenticated_by_token = True  # type: ignore[attr-defined]
            request.user = user
            check_onboarded(request, user)
        return user


class MemberSessionAuth(SessionAuth):
    """Session auth for the web front end; CSRF-checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            check_onboarded(request, user)
            return user
        return None


API_AUTH = [TokenAuth(), MemberSessionAuth(csrf=True)]


def auth_user(request: HttpRequest) -> Any:
    """The authenticated member of an API request (set by TokenAuth or MemberSessionAuth)."""
    return request.auth  # type: ignore[attr-defined]
