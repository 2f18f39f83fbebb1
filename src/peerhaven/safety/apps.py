from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "peerhaven.safety"
    label = "safety"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.safety import services, tasks  # noqa: F401 - registers periodic jobs

        privacy.register("safety", services.export_safety, services.erase_safety)
