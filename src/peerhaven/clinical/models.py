"""Clinicians, the organisations directory and referrals (invitations to a client)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a client can choose to share with a clinician, besides outcome instruments by id.
SCOPE_ATTENDANCE = "attendance"
SCOPE_SAFETY_PLAN = "safety_plan"
SCOPE_RISK_FLAGS = "risk_flags"
SCOPE_IDENTIFIERS = "identifiers"
OTHER_SCOPES = (SCOPE_ATTENDANCE, SCOPE_SAFETY_PLAN, SCOPE_RISK_FLAGS, SCOPE_IDENTIFIERS)


class OrganisationKind(models.TextChoices):
    PEER_SUPPORT = "peer_support", _("Peer-support organisation")
    COMMUNITY_AGENCY = "community_agency", _("Community agency")
    CRISIS_SERVICE = "crisis_service", _("Crisis service")
    CLINIC = "clinic", _("Clinic or practice")


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    description = models.TextField(blank=True)
    services = models.TextField(blank=True, help_text=_("One service per line."))
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=2, blank=True)
    accessibility = models.TextField(blank=True)
    listed = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def service_list(self) -> list[str]:
        return [s.strip() for s in self.services.splitlines() if s.strip()]


class ClinicianProfile(models.Model):
    """What a clinician told us when registering; an admin verifies the role (accounts)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_profile"
    )
    profession = models.CharField(_("profession"), max_length=100)
    licence_number = models.CharField(_("licence or registration number"), max_length=60)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="clinicians"
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.profession


class ReferralTarget(models.TextChoices):
    PROGRAMME = "programme", _("A programme")
    GROUP = "group", _("A support group")
    MENTORING = "mentoring", _("Peer mentoring")
    COMMUNITY = "community", _("The Peerhaven community")


class ReferralStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    JOINED = "joined", _("Joined")
    ATTENDING = "attending", _("Attending a group")
    MENTORED = "mentored", _("In mentoring")
    ENDED = "ended", _("Ended")
    EXPIRED = "expired", _("Expired")


class Referral(models.Model):
    """A one-use, expiring invitation from a clinician to a client."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_received",
    )
    # Only a hash of the invitation code is kept; the code is shown to the clinician once.
    code_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(
        _("your reference"),
        max_length=60,
        blank=True,
        help_text=_("Only you see this, e.g. initials or a case number."),
    )
    target = models.CharField(max_length=20, choices=ReferralTarget.choices)
    target_detail = models.CharField(max_length=200, blank=True)
    note_to_team = models.TextField(blank=True)
    suggested_scope = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.INVITED
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    consent = models.ForeignKey(
        "accounts.Consent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.status})"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
