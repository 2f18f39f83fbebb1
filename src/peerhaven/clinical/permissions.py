"""Clinical access rules. Everything a clinician sees needs a verified role, 2FA and consent."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from peerhaven.accounts.models import Consent
from peerhaven.accounts.permissions import can_act_as_verified_clinician


def can_use_clinical_features(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and can_act_as_verified_clinician(user)


def check_verified_clinician(user: Any) -> None:
    # 404, not 403: an unverified clinician learns nothing about what exists.
    if not can_use_clinical_features(user):
        raise Http404


def consent_covers(consent: Consent, item: str) -> bool:
    return consent.is_active() and item in (consent.scope or [])
