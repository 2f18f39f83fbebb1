"""The audit log: one call for every read or change of sensitive data by staff."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from peerhaven.accounts.models import AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is what the proxy in front of us sets; see docs/operations.md.
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor: User | None,
    action: str,
    subject: User | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event.

    ``action`` is a dotted verb such as ``"clinical.results.read"``. ``subject`` is the person
    whose data was touched. ``detail`` holds ids and field names, never personal text.
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject=subject,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
        ip_address=client_ip(request),
    )


def record_many(
    *,
    actor: User | None,
    action: str,
    subjects: list[User],
    request: HttpRequest | None = None,
) -> None:
    """One event per subject in a single INSERT (a dashboard reads many people at once)."""
    ip = client_ip(request)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if actor is not None and actor.is_authenticated else None,
                action=action,
                subject=subject,
                ip_address=ip,
            )
            for subject in subjects
        ]
    )
