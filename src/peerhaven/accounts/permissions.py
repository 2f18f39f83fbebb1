"""Who may do what with accounts. ``can_*`` are pure predicates; ``check_*`` raise."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.db import connection

from peerhaven.accounts.models import Role, RoleAssignment, User


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


# --- Per-request facts, folded into one query --------------------------------------------------
# A page needs a few small facts about the viewer (roles, two-factor, unread count, its own
# per-viewer state). Each used to cost a query. Apps contribute SELECT branches that give
# (fact, number, text) rows and a page runs them as one UNION ALL. Nothing is cached across
# requests, so a revoked role or a removed authenticator stops working at once.

Fact = tuple[str, int, str]
# SQL of one or more SELECT branches giving (fact, number, text) rows, and its parameters.
FactsQuery = tuple[str, list[Any]]


def fetch_facts(*parts: FactsQuery) -> list[Fact]:
    """Run ``parts`` as one query (UNION ALL) and return their rows."""
    sql = " UNION ALL ".join(part[0] for part in parts)
    params = [value for part in parts for value in part[1]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(str(fact), int(number or 0), str(text or "")) for fact, number, text in rows]


def access_facts(user_id: int) -> FactsQuery:
    """('role', verified, role) per role assignment and ('totp', 1, '') with a TOTP device."""
    qn = connection.ops.quote_name
    roles = qn(RoleAssignment._meta.db_table)
    authenticators = qn(Authenticator._meta.db_table)
    return (
        f"SELECT 'role', CASE WHEN verified_at IS NULL THEN 0 ELSE 1 END, role FROM {roles} "  # noqa: S608 - table names from model metadata
        f"WHERE user_id = %s UNION ALL "
        f"SELECT 'totp', 1, '' FROM {authenticators} WHERE user_id = %s AND type = %s",
        [user_id, user_id, Authenticator.Type.TOTP.value],
    )


def _unwrap(user: Any) -> Any:
    """The User behind ``request.user``'s lazy wrapper (or ``user`` itself)."""
    _ = user.pk  # makes a lazy request.user load its person
    return getattr(user, "_wrapped", user)


def access_is_primed(user: Any) -> bool:
    """True once the person's roles are known for this request (loaded or primed)."""
    return "roles" in vars(_unwrap(user))


def prime_access(user: Any, facts: list[Fact]) -> None:
    """Set the roles, clinician verification and two-factor state from ``facts`` read in this
    request, so that the permission checks that follow need no query of their own."""
    person = _unwrap(user)
    granted = [(text, number) for fact, number, text in facts if fact == "role"]
    vars(person)["roles"] = frozenset({Role.MEMBER.value, *(role for role, _v in granted)})
    vars(person)["is_verified_clinician"] = any(
        role == Role.CLINICIAN and verified for role, verified in granted
    )
    person._has_two_factor = any(fact == "totp" for fact, _n, _t in facts)
