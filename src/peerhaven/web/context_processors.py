from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def peerhaven(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = prime_viewer(request)
    return {"unread_notifications": unread, "guidelines_version": settings.GUIDELINES_VERSION}


def prime_viewer(request: HttpRequest) -> int:
    """Read the signed-in person's roles, two-factor state and unread count in one query (if
    this request has not read them yet) and return the unread count for the page header.

    A view calls it first when it needs roles anyway, so the roles check and the header's
    count cost one query instead of two or three. Nothing is kept beyond the request: a
    revoked role or a new notification shows on the very next page.
    """
    from peerhaven.accounts.permissions import (
        access_facts,
        access_is_primed,
        fetch_facts,
        prime_access,
    )
    from peerhaven.notifications.services import (
        remember_unread_count,
        remembered_unread_count,
        unread_count,
        unread_facts,
    )

    remembered = remembered_unread_count(request)
    if remembered is not None:
        return remembered
    user: Any = request.user
    if access_is_primed(user):
        count = unread_count(user)
        remember_unread_count(request, [("unread", count, "")])
        return count
    facts = fetch_facts(access_facts(user.pk), unread_facts(user.pk))
    prime_access(user, facts)
    remember_unread_count(request, facts)
    return next((n for fact, n, _t in facts if fact == "unread"), 0)
