from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "peerhaven.forums"
    label = "forums"
    default_auto_field = "django.db.models.BigAutoField"
