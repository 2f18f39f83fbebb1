from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "peerhaven.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.outcomes import services, tasks  # noqa: F401 - registers the periodic job

        privacy.register("outcomes", services.export_outcomes, services.erase_outcomes)
