"""A member's own data: export everything as JSON, or erase the account.

Each domain app that stores personal data registers an exporter and an eraser here from its
``AppConfig.ready``, so export and erasure stay complete as the product grows. The registry is
the extension point; the work itself happens in the apps' own services.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peerhaven.accounts import audit
from peerhaven.accounts.models import AuditEvent, User
from peerhaven.safety.sockets import standing_changed

EXPORT_FORMAT_VERSION = 1
DELETED_MEMBER = "[deleted member]"


class EraseMode(enum.StrEnum):
    # Posts and replies stay, shown as "[deleted member]", so threads others replied to still read.
    ANONYMISE = "anonymise"
    # Everything the person wrote is deleted too.
    REMOVE = "remove"


Exporter = Callable[[User], Any]
Eraser = Callable[[User, EraseMode], None]


@dataclass(frozen=True)
class DataSection:
    name: str
    exporter: Exporter
    eraser: Eraser | None


_sections: dict[str, DataSection] = {}


def register(name: str, exporter: Exporter, eraser: Eraser | None = None) -> None:
    """Register an app's personal data. ``eraser`` runs before the account row is deleted."""
    _sections[name] = DataSection(name=name, exporter=exporter, eraser=eraser)


def registered_sections() -> list[str]:
    return sorted(_sections)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def export_account(user: User) -> dict[str, Any]:
    """The account's own data: profile, preferences, roles, e-mail, consents, tokens, access log."""
    return {
        "profile": {
            "display_name": user.display_name,
            "pronouns": user.pronouns,
            "bio": user.bio,
            "date_joined": _iso(user.date_joined),
        },
        "private": {
            "email": user.email,
            "timezone": user.time_zone,
            "language": user.language,
            "country": user.country,
            "quiet_hours": [_iso(user.quiet_hours_start), _iso(user.quiet_hours_end)],
            "last_login": _iso(user.last_login),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "two_factor": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user)
        ],
        "roles": [
            {"role": r.role, "granted_at": _iso(r.granted_at), "verified_at": _iso(r.verified_at)}
            for r in user.role_assignments.all()
        ],
        "guidelines_acceptances": [
            {"version": g.version, "accepted_at": _iso(g.accepted_at)}
            for g in user.guideline_acceptances.order_by("accepted_at")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "grantee": c.grantee.display_name if c.grantee else None,
                "scope": c.scope,
                "granted_at": _iso(c.granted_at),
                "expires_at": _iso(c.expires_at),
                "revoked_at": _iso(c.revoked_at),
            }
            for c in user.consents.select_related("grantee").order_by("granted_at")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in user.api_tokens.all()
        ],
        # Who looked at or changed this person's data: their access log.
        "access_log": [
            {
                "at": _iso(e.created_at),
                "action": e.action,
                "by": e.actor.display_name if e.actor else None,
                "object_type": e.object_type,
            }
            for e in AuditEvent.objects.filter(subject=user).select_related("actor")
        ],
    }


def export_member_data(*, user: User) -> dict[str, Any]:
    """Everything Peerhaven holds about ``user``, as one JSON-serialisable document."""
    data: dict[str, Any] = {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": export_account(user),
    }
    for name in registered_sections():
        data[name] = _sections[name].exporter(user)
    audit.record(actor=user, action="accounts.data.export", subject=user)
    return data


@transaction.atomic
def erase_member(
    *,
    user: User,
    mode: EraseMode,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Erase the account and its personal data.

    Each registered app first erases or anonymises its content by ``mode``; then the user row
    goes, and with it (by cascade) roles, consents, tokens, e-mail addresses, authenticators and
    notifications. Audit events keep their action and time but lose the link to the person, and
    Django admin's change log keeps its entries about the account without the person's name.

    ``actor`` is the staff member who erased someone else's account (Django admin), or None
    when the person erased their own: the audit event then names the staff member, never the
    erased person.
    """
    for name in registered_sections():
        eraser = _sections[name].eraser
        if eraser is not None:
            eraser(user, mode)
    AuditEvent.objects.filter(subject=user).update(subject=None, ip_address=None)
    AuditEvent.objects.filter(actor=user).update(actor=None, ip_address=None)
    _anonymise_admin_log(user)
    by_staff = actor is not None and actor.pk != user.pk
    audit.record(
        actor=actor if by_staff else None,
        action="accounts.erase",
        detail={"mode": str(mode), "by": "staff" if by_staff else "member"},
        request=request if by_staff else None,
    )
    standing_changed(user.pk)  # their open sockets close once the account is gone
    user.delete()


def _anonymise_admin_log(user: User) -> None:
    """Django admin's log names the account it changed (``object_repr`` is the display name)."""
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=DELETED_MEMBER)
