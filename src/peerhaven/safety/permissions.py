"""Who may see and do what in safety. ``can_*`` are pure predicates; ``check_*`` raise."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from peerhaven.accounts.models import Role
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.safety import sanctions
from peerhaven.safety.sanctions import PostingRestrictedError, active_ban, active_sanction

__all__ = [
    "PostingRestrictedError",
    "can_manage_resources",
    "can_moderate",
    "can_post",
    "can_view_held",
    "check_moderate",
    "check_post",
    "is_banned",
    "is_muted",
    "may_decide_appeal",
]


def can_moderate(user: Any) -> bool:
    """Moderators with two-factor authentication work the queue."""
    return can_use_staff_role(user, Role.MODERATOR)


def check_moderate(user: Any) -> None:
    if not can_moderate(user):
        raise PermissionDenied


def may_decide_appeal(user: Any, action: Any) -> bool:
    """Whether ``user`` (a moderator) may decide an appeal against ``action``: neither the
    moderator who took it nor the member it is about (a muted moderator cannot lift their
    own mute). Pure: the caller checks ``can_moderate``."""
    return user.pk not in (action.created_by_id, action.member_id)


def can_manage_resources(user: Any) -> bool:
    return can_use_staff_role(user, Role.ADMIN) or can_moderate(user)


def can_view_held(user: Any, author: Any) -> bool:
    """Held content (imminent risk with a method) is visible to its author and moderators only.

    ``author`` is a user or a user id (``None`` when the author's account was erased).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    author_id = getattr(author, "pk", author)
    if author_id is not None and author_id == user.pk:
        return True
    return can_moderate(user)


def is_muted(user: Any, *, now: datetime.datetime | None = None) -> bool:
    """A muted or banned member cannot post (``check_post`` says why and until when)."""
    return active_sanction(user, now=now) is not None


def is_banned(user: Any, *, now: datetime.datetime | None = None) -> bool:
    return active_ban(user, now=now) is not None


def can_post(user: Any, *, now: datetime.datetime | None = None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not is_muted(user, now=now)


def check_post(
    user: Any, *, allow_muted: bool = False, now: datetime.datetime | None = None
) -> None:
    """Before storing text others will read: raise ``PostingRestrictedError`` under a mute or ban.

    ``allow_muted`` is for a mentee's messages to their own mentor (a mute silences public
    spaces, not a person's own peer support); a ban refuses everything.
    """
    sanctions.check_post(user, allow_muted=allow_muted, now=now)
