"""Clinician registration, referrals and the client's consent to share."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.models import Consent, ConsentPurpose, Role, RoleAssignment, User
from peerhaven.accounts.privacy import EraseMode
from peerhaven.accounts.services import grant_consent, revoke_consent
from peerhaven.clinical.models import (
    OTHER_SCOPES,
    ClinicianProfile,
    Referral,
    ReferralStatus,
    ReferralTarget,
)
from peerhaven.clinical.permissions import check_verified_clinician

REFERRAL_VALID_DAYS = 14
SHARING_DURATIONS = (30, 90, 180, 365)
# Codes avoid look-alike characters so they can be read over the phone.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def shareable_instruments() -> list[tuple[str, str]]:
    """(id, title) of the instruments a client can choose to share."""
    from peerhaven.outcomes.instruments import shipped_definitions

    return sorted(((d.id, d.title) for d in shipped_definitions().values()), key=lambda p: p[1])


def allowed_scopes() -> set[str]:
    return {i for i, _t in shareable_instruments()} | set(OTHER_SCOPES)


def _clean_scope(scope: list[str]) -> list[str]:
    unknown = set(scope) - allowed_scopes()
    if unknown:
        raise ValidationError(_("Unknown sharing choice."), code="invalid_scope")
    return sorted(set(scope))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


@transaction.atomic
def register_clinician(
    *, user: User, profession: str, licence_number: str, organisation_name: str
) -> ClinicianProfile:
    """A member asks to be a clinician. Nothing is shared until an admin verifies them."""
    profession, licence_number = profession.strip(), licence_number.strip()
    if not profession or not licence_number:
        raise ValidationError(_("Profession and licence number are required."), code="required")
    previous = ClinicianProfile.objects.filter(user=user).first()
    changed = previous is None or (
        previous.profession,
        previous.licence_number,
        previous.organisation_name,
    ) != (profession[:100], licence_number[:60], organisation_name.strip()[:200])
    profile, _created = ClinicianProfile.objects.update_or_create(
        user=user,
        defaults={
            "profession": profession[:100],
            "licence_number": licence_number[:60],
            "organisation_name": organisation_name.strip()[:200],
            "submitted_at": timezone.now(),
        },
    )
    assignment, _new = RoleAssignment.objects.get_or_create(user=user, role=Role.CLINICIAN)
    if changed and assignment.verified_at is not None:
        # An admin verified the old credentials, not these.
        assignment.verified_at = None
        assignment.verified_by = None
        assignment.save(update_fields=["verified_at", "verified_by"])
    user.__dict__.pop("roles", None)
    user.__dict__.pop("is_verified_clinician", None)
    audit.record(actor=user, action="clinical.register", subject=user, obj=profile)
    return profile


@dataclass(frozen=True)
class NewReferral:
    referral: Referral
    code: str


@transaction.atomic
def create_referral(
    *,
    clinician: User,
    target: str,
    target_detail: str = "",
    note_to_team: str = "",
    label: str = "",
    suggested_scope: list[str] | None = None,
    valid_days: int = REFERRAL_VALID_DAYS,
) -> NewReferral:
    """Create a one-use invitation. The returned code is shown once and never stored."""
    check_verified_clinician(clinician)
    if target not in ReferralTarget.values:
        raise ValidationError(_("Choose what you are referring to."), code="invalid_target")
    if not 1 <= valid_days <= 60:
        raise ValidationError(_("An invitation can last 1 to 60 days."), code="invalid_days")
    from peerhaven.safety.gate import screen_user_text

    screen_user_text(text=note_to_team, kind="clinical.referral_note", author=clinician)
    code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _part in range(3))
    referral = Referral.objects.create(
        clinician=clinician,
        code_hash=hash_code(code),
        label=label.strip()[:60],
        target=target,
        target_detail=target_detail.strip()[:200],
        note_to_team=note_to_team.strip()[:2000],
        suggested_scope=_clean_scope(suggested_scope or []),
        expires_at=timezone.now() + timedelta(days=valid_days),
    )
    audit.record(actor=clinician, action="clinical.referral.create", obj=referral)
    return NewReferral(referral=referral, code=code)


def find_referral(code: str) -> Referral:
    """The usable referral for ``code``; a clear error for an unknown, used or expired one."""
    normalised = normalise_code(code)
    if not 6 <= len(normalised) <= 40:
        raise ValidationError(_("That invitation code is not valid."), code="invalid_code")
    referral = (
        Referral.objects.select_related("clinician", "clinician__clinician_profile")
        .filter(code_hash=hash_code(normalised))
        .first()
    )
    if referral is None:
        raise ValidationError(_("That invitation code is not valid."), code="invalid_code")
    if referral.used_at is not None:
        raise ValidationError(_("That invitation has already been used."), code="used_code")
    if referral.expires_at <= timezone.now():
        raise ValidationError(
            _("That invitation has expired. Ask your clinician for a new one."), code="expired"
        )
    return referral


@transaction.atomic
def accept_referral(*, code: str, client: User, scope: list[str], duration_days: int) -> Consent:
    """The client accepts: links the referral and grants the scoped, time-limited consent."""
    referral = find_referral(code)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.used_at is not None:  # raced with another acceptance
        raise ValidationError(_("That invitation has already been used."), code="used_code")
    if referral.clinician_id == client.pk:
        raise ValidationError(_("You cannot accept your own invitation."), code="self_referral")
    if duration_days not in SHARING_DURATIONS:
        raise ValidationError(_("Choose how long to share."), code="invalid_duration")
    # A new invitation from the same clinician replaces what is shared with them: two active
    # consents would let "stop sharing" on one silently bring back the other's scope.
    for earlier in Consent.objects.select_for_update().filter(
        user=client,
        purpose=ConsentPurpose.CLINICAL_SHARING,
        grantee=referral.clinician,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ):
        revoke_consent(consent=earlier, actor=client)
    consent = grant_consent(
        user=client,
        purpose=ConsentPurpose.CLINICAL_SHARING,
        grantee=referral.clinician,
        scope=_clean_scope(scope),
        duration=timedelta(days=duration_days),
        text_version="clinical-sharing-1",
    )
    referral.client = client
    referral.used_at = timezone.now()
    referral.status = ReferralStatus.JOINED
    referral.consent = consent
    referral.save(update_fields=["client", "used_at", "status", "consent"])
    audit.record(actor=client, action="clinical.referral.accept", subject=client, obj=referral)
    from peerhaven.notifications.services import notify

    notify(
        recipient=referral.clinician,
        kind="clinical",
        title=_("A client accepted your invitation"),
        body=_("Reference: %(label)s") % {"label": referral.label or "—"},
        url="/clinical/",
    )
    return consent


@transaction.atomic
def change_sharing(*, consent: Consent, actor: User, scope: list[str]) -> Consent:
    """Replace what is shared with one clinician; the end date stays the same."""
    if consent.user_id != actor.pk:
        raise PermissionDenied
    if not consent.is_active():
        raise ValidationError(_("This sharing has ended."), code="inactive")
    remaining = consent.expires_at - timezone.now() if consent.expires_at else None
    revoke_consent(consent=consent, actor=actor)
    return grant_consent(
        user=actor,
        purpose=ConsentPurpose.CLINICAL_SHARING,
        grantee=consent.grantee,
        scope=_clean_scope(scope),
        duration=remaining,
        text_version=consent.text_version,
    )


def set_referral_status(*, referral: Referral, status: str, actor: User) -> None:
    if referral.clinician_id != actor.pk:
        raise PermissionDenied
    if status not in ReferralStatus.values:
        raise ValidationError(_("Unknown status."), code="invalid_status")
    referral.status = status
    referral.save(update_fields=["status"])
    audit.record(
        actor=actor, action="clinical.referral.status", obj=referral, detail={"status": status}
    )


def export_clinical(user: User) -> dict[str, Any]:
    profile = ClinicianProfile.objects.filter(user=user).first()
    return {
        "clinician_profile": (
            {
                "profession": profile.profession,
                "licence_number": profile.licence_number,
                "organisation": profile.organisation_name,
                "submitted_at": profile.submitted_at.isoformat(),
            }
            if profile
            else None
        ),
        "referrals_received": [
            {
                "from": r.clinician.display_name,
                "target": r.target,
                "status": r.status,
                "accepted_at": r.used_at.isoformat() if r.used_at else None,
            }
            for r in Referral.objects.filter(client=user).select_related("clinician")
        ],
        "referrals_made": [
            {
                "label": r.label,
                "target": r.target,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in Referral.objects.filter(clinician=user)
        ],
    }


def erase_clinical(user: User, mode: EraseMode) -> None:
    # Referrals a person received only link them; the clinician's record keeps the referral
    # (without the person) so their caseload history stays truthful.
    Referral.objects.filter(client=user).update(client=None, status=ReferralStatus.ENDED)
