from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "peerhaven.groups"
    label = "groups"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Support groups"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.groups import services

        privacy.register("groups", services.export_groups, services.erase_groups)
        from peerhaven.safety.services import register_hold_releaser

        register_hold_releaser("groups.meeting", services.release_held_change_note)
        register_hold_releaser("groups.roommessage", services.release_held_room_message)
