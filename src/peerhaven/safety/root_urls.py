"""Safety's top-level pages: /help/ and the /moderation/ area (one include in the root URLconf)."""

from django.urls import include, path

from peerhaven.safety import views

urlpatterns = [
    path("help/", views.get_help, name="help"),
    path("moderation/", include("peerhaven.safety.moderation_urls")),
]
