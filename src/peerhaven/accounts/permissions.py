"""Who may do what with accounts. ``can_*`` are pure predicates; ``check_*`` raise."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied

from peerhaven.accounts.models import Role, User


def has_two_factor(user: Any) -> bool:
    """True if the person has an active TOTP authenticator (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_has_two_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_two_factor = cached
    return bool(cached)


def can_use_staff_role(user: Any, role: str) -> bool:
    """Staff features need the role *and* two-factor authentication (so never an API token)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and not getattr(user, "authenticated_by_token", False)
        and user.is_active
        and user.has_role(role)
        and has_two_factor(user)
    )


def check_staff_role(user: Any, role: str) -> None:
    if not can_use_staff_role(user, role):
        raise PermissionDenied


def can_verify_clinicians(user: Any) -> bool:
    return can_use_staff_role(user, Role.ADMIN)


def can_manage_roles(user: Any) -> bool:
    return can_use_staff_role(user, Role.ADMIN)


def can_act_as_verified_clinician(user: User) -> bool:
    return can_use_staff_role(user, Role.CLINICIAN) and user.is_verified_clinician
