from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "peerhaven.web"
    label = "web"
