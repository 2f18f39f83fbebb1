from django.contrib import admin

from peerhaven.outcomes.models import InstrumentSetting


@admin.register(InstrumentSetting)
class InstrumentSettingAdmin(admin.ModelAdmin):
    """Switch instruments on or off (also at /outcomes/manage/). Responses are not listed here:
    they are the members' own."""

    list_display = ("instrument_id", "enabled", "changed_by", "changed_at")
    list_editable = ("enabled",)
    readonly_fields = ("changed_by", "changed_at")
