"""Who may do what in mentoring. ``can_*`` are pure predicates; ``check_*`` raise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from peerhaven.accounts.models import Role
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.mentoring.models import Mentorship, Supervision


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_peer_supporter(user: Any) -> bool:
    return _active(user) and user.has_role(Role.PEER_SUPPORTER)


def can_mentor(user: Any) -> bool:
    """Peer supporters may keep a mentor profile (training decides whether they get matches)."""
    return is_peer_supporter(user)


def can_keep_caseload(user: Any) -> bool:
    """Peer specialists are peer supporters who deliver services."""
    return is_peer_supporter(user)


def can_administer(user: Any) -> bool:
    """Programme admin work: training, supervision, cohorts, service types, totals (2FA)."""
    return can_use_staff_role(user, Role.ADMIN)


def check_administer(user: Any) -> None:
    if not can_administer(user):
        raise PermissionDenied


def is_participant(user: Any, mentorship: Mentorship) -> bool:
    return _active(user) and user.pk in (mentorship.mentor_id, mentorship.mentee_id)


def is_supervisor_of(user: Any, mentor_id: int | None) -> bool:
    if not _active(user) or mentor_id is None:
        return False
    return Supervision.objects.filter(
        mentor_id=mentor_id, supervisor=user, ended_at__isnull=True
    ).exists()


def can_read_private_notes(user: Any, mentorship: Mentorship) -> bool:
    """The mentor who wrote them and the mentor's current supervisor; never the mentee."""
    if not _active(user):
        return False
    if user.pk == mentorship.mentor_id:
        return True
    return is_supervisor_of(user, mentorship.mentor_id)


def can_change_goal(user: Any, owner_id: int | None) -> bool:
    return _active(user) and user.pk == owner_id
