"""A banned member cannot use the community until the ban ends.

Every page answers with a kind page (403) saying why, until when and how to appeal — except
what a person must always reach: crisis help, their safety plan, the appeal page, their
conversation with the safety team (page and API), their data (export and erasure), the
guidelines and signing out. Other API requests answer 403 in the API's one error shape. The
check reads the member's sanctions through ``safety.sanctions``: one indexed query per
signed-in request, none when ``SAFETY_SANCTION_CACHE_SECONDS`` turns its cache on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from peerhaven.api.errors import error_body
from peerhaven.safety.sanctions import (
    BAN,
    Sanction,
    active_sanction,
    pick_longest,
    refusal_message,
)

Handler = Callable[[HttpRequest], HttpResponse]

# Reachable during a ban. Prefixes, so the plan's edit and print pages and the appeal form
# are included; "/help/" is also the "Get help now" page.
BAN_EXEMPT_PREFIXES = (
    "/help/",
    "/safety/plan/",
    "/safety/actions/",
    # The member's conversation with the safety team (page and API): their own support.
    "/safety/messages/",
    "/api/safety/messages",
    "/settings/privacy/",
    "/accounts/logout/",
    "/guidelines/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/favicon.ico",
)
# Form fields that hold what a person was writing; shown back on the ban page so a POST refused
# by the ban loses nothing.
DRAFT_FIELDS = ("title", "body", "text", "note", "comment", "message")
_UNSET = object()


def sanction_for_request(request: HttpRequest) -> Sanction | None:
    """The signed-in member's mute or ban in force (computed once per request, cached)."""
    found = getattr(request, "_peerhaven_sanction", _UNSET)
    if found is _UNSET:
        user = getattr(request, "user", None)
        found = active_sanction(user, cached=True) if user is not None else None
        request._peerhaven_sanction = found  # type: ignore[attr-defined]
    return found  # type: ignore[return-value]


def _bearer_ban(request: HttpRequest) -> tuple[Sanction, Any] | None:
    """The ban in force on the member behind an API token, in one query (token joined to bans).

    The token itself is checked by the API's own authentication afterwards; a token that does
    not exist or has no ban simply passes through.
    """
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    from peerhaven.accounts.models import User
    from peerhaven.accounts.services import TOKEN_PREFIX, hash_token
    from peerhaven.safety.models import ModerationAction

    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = timezone.now()
    rows = list(
        ModerationAction.objects.filter(
            member__api_tokens__token_hash=hash_token(secret),
            kind=BAN,
            revoked_at__isnull=True,
            starts_at__lte=now,
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .values_list(
            "pk", "kind", "reason", "starts_at", "ends_at", "member_id", "member__time_zone"
        )
    )
    ban = pick_longest([Sanction(*row[:5]) for row in rows])
    if ban is None:
        return None
    # Enough of the person for the message (dates in their time zone).
    return ban, User(pk=rows[0][5], time_zone=rows[0][6])


class BanMiddleware:
    """Show a banned member the ban page instead of the community (see the module docstring)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(BAN_EXEMPT_PREFIXES):
            return self.get_response(request)
        user = getattr(request, "user", None)
        is_api = path.startswith("/api/")
        if user is not None and user.is_authenticated:
            sanction = sanction_for_request(request)
        elif is_api:
            found = _bearer_ban(request)
            sanction, user = found if found is not None else (None, None)
        else:
            return self.get_response(request)
        if sanction is None or not sanction.is_ban:
            return self.get_response(request)
        if is_api:
            return JsonResponse(error_body("banned", refusal_message(sanction, user)), status=403)
        return self.ban_page(request, sanction)

    def ban_page(self, request: HttpRequest, sanction: Sanction) -> HttpResponse:
        request._peerhaven_ban_page = True  # type: ignore[attr-defined]  # no notice twice
        drafts = []
        if request.method == "POST":
            drafts = [
                (name, request.POST[name][:20000])
                for name in DRAFT_FIELDS
                if request.POST.get(name, "").strip()
            ]
        return render(
            request,
            "safety/banned.html",
            {
                "sanction": sanction,
                "message": refusal_message(sanction, request.user),
                "drafts": drafts,
                "appeal_url": reverse("safety:my_actions"),
            },
            status=403,
        )
