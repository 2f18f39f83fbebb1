from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from peerhaven.accounts import audit
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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            referral = self.get_object(request, object_id)
            if referral is not None and referral.client_id is not None:
                audit.record(
                    actor=request.user,  # type: ignore[arg-type]
                    action="admin.referral.read",  # not "clinical.": no clinician looked
                    subject=referral.client,
                    obj=referral,
                    request=request,
                )
        return response
