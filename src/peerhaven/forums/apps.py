from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "peerhaven.forums"
    label = "forums"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Forums"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.forums import services

        privacy.register("forums", services.export_forums, services.erase_forums)
        from peerhaven.safety.services import register_hold_releaser

        register_hold_releaser("forums.post", services.release_held_from_safety, takes_reason=True)
