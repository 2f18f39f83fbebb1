"""Django admin views of group data (read-mostly; writes with rules go through the staff page)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from peerhaven.groups.models import (
    Attendance,
    Facilitator,
    FacilitatorTraining,
    Meeting,
    MeetingSeries,
    Membership,
    SupportGroup,
)


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "topic", "format", "join_policy", "member_count", "capacity", "active")
    list_filter = ("format", "join_policy", "active")
    search_fields = ("name", "topic")


@admin.register(FacilitatorTraining)
class FacilitatorTrainingAdmin(admin.ModelAdmin):
    list_display = ("peer_supporter", "completed_on", "expires_on", "trainer")
    raw_id_fields = ("peer_supporter", "recorded_by")


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ("group", "user", "assigned_at")
    raw_id_fields = ("user", "assigned_by")


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("group", "rrule", "starts_on", "local_start", "duration_minutes", "active")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("group", "starts_at", "status", "sequence")
    list_filter = ("status",)
    date_hierarchy = "starts_at"
    # A note the screener held is for its writer and the moderators only (DESIGN): the admin
    # shows what members see and can neither read nor release a held one (the safety queue
    # does, audited).
    exclude = ("change_note", "change_note_held")
    readonly_fields = ("note_to_members",)

    @admin.display(description=_("note to members"))
    def note_to_members(self, obj: Meeting) -> str:
        if obj.change_note_held:
            return str(_("(held for review by the safety team)"))
        return obj.public_change_note


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("group", "user", "status", "joined_at")
    list_filter = ("status",)
    raw_id_fields = ("user", "invited_by")


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("meeting", "user", "source", "as_facilitator")
    raw_id_fields = ("user", "recorded_by")
