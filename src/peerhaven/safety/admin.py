"""Django admin for the safety app's reference data: crisis lines and outreach templates.

What members wrote stays out of Django admin on purpose, as with outcome responses and
mentoring notes: alerts (excerpts, held text), safety plans, appeals and the conversation with
the safety team (``SafetyMessage``). Django admin is open to programme admins and superusers,
who are not the safety team, and it neither checks the moderator role with two-factor
authentication nor records what it shows in the audit log. The member is told "Only you and the
safety team can read this conversation": moderators read it on the alert page
(``/moderation/alerts/<id>/``), where every read is audited (``safety.messages.read``); the
member's export and erasure go through ``accounts.privacy``. A change to that promise needs a
read-only admin that checks ``permissions.can_moderate`` and audits each read, not a plain
``ModelAdmin``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peerhaven.safety import queries
from peerhaven.safety.models import CrisisResource, OutreachTemplate


class VerificationFilter(admin.SimpleListFilter):
    """Lines whose "verified on" date is older than the re-verification period."""

    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("stale", _("Needs re-verification")), ("current", _("Verified recently"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        cutoff = queries.verification_cutoff()
        if self.value() == "stale":
            return queryset.filter(verified_on__lt=cutoff)
        if self.value() == "current":
            return queryset.filter(verified_on__gte=cutoff)
        return queryset


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    list_display = [
        "country",
        "name",
        "phone",
        "text",
        "hours",
        "verified_on",
        "verification",
        "is_active",
    ]
    list_filter = [VerificationFilter, "country", "language", "is_active", "is_emergency"]
    search_fields = ["name", "country"]

    @admin.display(description=_("verification"), ordering="verified_on")
    def verification(self, obj: CrisisResource) -> str:
        if queries.needs_reverification(obj):
            return str(_("needs re-verification"))
        return str(_("verified"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        stale = queries.resources_needing_verification().count()
        if stale:
            self.message_user(
                request,
                ngettext(
                    "%(n)d crisis line shown to members has not been verified in the last "
                    "%(days)d days. Check it with its provider and update “verified on”.",
                    "%(n)d crisis lines shown to members have not been verified in the last "
                    "%(days)d days. Check each with its provider and update “verified on”.",
                    stale,
                )
                % {"n": stale, "days": queries.reverify_after_days()},
                level="warning",
            )
        return super().changelist_view(request, extra_context)


@admin.register(OutreachTemplate)
class OutreachTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "is_active", "updated_at"]
