from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peerhaven.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.notifications.services import export_notifications

        privacy.register("notifications", export_notifications)
