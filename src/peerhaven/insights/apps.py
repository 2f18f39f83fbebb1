from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "peerhaven.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.insights.services import erase_insights, export_insights

        privacy.register("evaluation", export_insights, erase_insights)
