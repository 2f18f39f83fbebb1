from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peerhaven.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.notifications.erasure import erase_notifications
        from peerhaven.notifications.services import export_notifications

        # The erased person's own notifications go with the account (cascade); the eraser
        # rewrites other members' notifications that name them.
        privacy.register("notifications", export_notifications, erase_notifications)
