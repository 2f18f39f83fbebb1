"""Who may see and do what in safety. ``can_*`` are pure predicates; ``check_*`` raise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from peerhaven.accounts.models import Role
from peerhaven.accounts.permissions import can_use_staff_role


def can_moderate(user: Any) -> bool:
    """Moderators with two-factor authentication work the queue."""
    return can_use_staff_role(user, Role.MODERATOR)


def check_moderate(user: Any) -> None:
    if not can_moderate(user):
        raise PermissionDenied


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


def _active_action(user: Any, kinds: tuple[str, ...]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from django.db.models import Q
    from django.utils import timezone

    from peerhaven.safety.models import ModerationAction

    now = timezone.now()
    return (
        ModerationAction.objects.filter(
            member=user, kind__in=kinds, revoked_at__isnull=True, starts_at__lte=now
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exists()
    )


def is_muted(user: Any) -> bool:
    """A muted or banned member cannot post or message (other apps check this before writes)."""
    return _active_action(user, ("mute", "ban"))


def is_banned(user: Any) -> bool:
    return _active_action(user, ("ban",))


def can_post(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not is_muted(user)


def check_post(user: Any) -> None:
    if not can_post(user):
        raise PermissionDenied
