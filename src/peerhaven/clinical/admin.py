from typing import Any

from django.contrib import admin

from peerhaven.accounts.admin import AuditedReads
from peerhaven.accounts.models import User
from peerhaven.clinical.models import ClinicianProfile, Organisation, Referral


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "listed")
    list_filter = ("kind", "listed")
    search_fields = ("name",)


@admin.register(ClinicianProfile)
class ClinicianProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "profession", "licence_number", "organisation_name", "submitted_at")


@admin.register(Referral)
class ReferralAdmin(AuditedReads, admin.ModelAdmin):
    """Referrals for support staff. Who was referred by whom is health information: the
    clinician's private reference (``label``, "only you see this") is left out, the links
    cannot be edited here, and opening one that names a client is audited."""

    list_display = ("clinician", "target", "status", "created_at", "expires_at", "used_at")
    exclude = ("label",)
    readonly_fields = (
        "clinician",
        "client",
        "code_hash",
        "consent",
        "suggested_scope",
        "created_at",
        "used_at",
    )

    read_action = "admin.referral.read"  # not "clinical.": no clinician looked

    def read_subject(self, obj: Any) -> User | None:
        return obj.client  # None before a client joined
