from __future__ import annotations

from django.contrib import admin

from peerhaven.safety.models import CrisisResource, OutreachTemplate


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    list_display = [
        "country",
        "name",
        "phone",
        "text",
        "hours",
        "verified_on",
        "is_active",
    ]
    list_filter = ["country", "language", "is_active", "is_emergency"]
    search_fields = ["name", "country"]


@admin.register(OutreachTemplate)
class OutreachTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "is_active", "updated_at"]
