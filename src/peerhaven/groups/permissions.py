"""Who may do what in support groups. ``can_*`` are pure predicates; ``check_*`` raise.

The predicates take the rows they need (membership, facilitator assignment) so that callers
with the rows already loaded make no extra queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from peerhaven.accounts.models import Role
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.groups.models import (
    Facilitator,
    FacilitatorTraining,
    Meeting,
    Membership,
    MembershipStatus,
    SupportGroup,
)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_manage_groups(user: Any) -> bool:
    """Programme admins (with two-factor) create groups and assign facilitators."""
    return can_use_staff_role(user, Role.ADMIN)


def check_manage_groups(user: Any) -> None:
    if not can_manage_groups(user):
        raise PermissionDenied


def has_current_training(user: Any, on: date | None = None) -> bool:
    if not _authenticated(user):
        return False
    today = on or timezone.localdate()
    return FacilitatorTraining.objects.filter(
        peer_supporter=user, completed_on__lte=today, expires_on__gte=today
    ).exists()


def can_be_facilitator(user: Any) -> bool:
    """A peer supporter with a current facilitator training record."""
    return (
        _authenticated(user) and user.has_role(Role.PEER_SUPPORTER) and has_current_training(user)
    )


def is_facilitator(user: Any, group: SupportGroup) -> bool:
    if not _authenticated(user):
        return False
    return Facilitator.objects.filter(group=group, user=user).exists()


def can_facilitate(user: Any, group: SupportGroup) -> bool:
    """Assigned to the group and still trained."""
    return is_facilitator(user, group) and can_be_facilitator(user)


def membership_of(user: Any, group: SupportGroup) -> Membership | None:
    if not _authenticated(user):
        return None
    return Membership.objects.filter(group=group, user=user).first()


def is_active_member(user: Any, group: SupportGroup) -> bool:
    m = membership_of(user, group)
    return m is not None and m.status == MembershipStatus.ACTIVE


def can_see_group(user: Any, group: SupportGroup) -> bool:
    return _authenticated(user) and (group.active or can_manage_groups(user))


def can_take_part(user: Any, group: SupportGroup) -> bool:
    """Active members and the group's facilitators see meetings and enter the room."""
    return (
        _authenticated(user)
        and group.active
        and (is_active_member(user, group) or can_facilitate(user, group))
    )


def group_has_current_facilitator(group: SupportGroup) -> bool:
    today = timezone.localdate()
    return Facilitator.objects.filter(
        group=group,
        user__is_active=True,
        user__facilitator_trainings__completed_on__lte=today,
        user__facilitator_trainings__expires_on__gte=today,
    ).exists()


def can_hold_meeting(group: SupportGroup) -> bool:
    return group.active and group_has_current_facilitator(group)


def can_manage_group(user: Any, group: SupportGroup) -> bool:
    """Facilitators (trained) and admins approve requests, invite, move and cancel meetings."""
    return can_facilitate(user, group) or can_manage_groups(user)


def check_manage_group(user: Any, group: SupportGroup) -> None:
    if not can_manage_group(user, group):
        raise PermissionDenied


def can_edit_schedule(user: Any, group: SupportGroup) -> bool:
    """The group's (trained) facilitators and programme admins edit its schedules. The web page
    and the API both ask this, through ``queries.get_group_for_schedule_editor``."""
    return can_manage_group(user, group)


def check_edit_schedule(user: Any, group: SupportGroup) -> None:
    if not can_edit_schedule(user, group):
        raise PermissionDenied


def can_run_room(user: Any, meeting: Meeting) -> bool:
    return can_facilitate(user, meeting.group)
