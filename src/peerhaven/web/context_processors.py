from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def peerhaven(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from peerhaven.notifications.services import unread_count

        unread = unread_count(user)
    return {"unread_notifications": unread, "guidelines_version": settings.GUIDELINES_VERSION}
