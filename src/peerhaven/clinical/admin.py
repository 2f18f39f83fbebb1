from django.contrib import admin

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
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("clinician", "target", "status", "created_at", "expires_at", "used_at")
    readonly_fields = ("code_hash",)
