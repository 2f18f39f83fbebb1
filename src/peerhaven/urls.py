from django.contrib import admin
from django.urls import include, path, re_path

from peerhaven.accounts import views as account_views
from peerhaven.api.api import api
from peerhaven.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("guidelines/", web.guidelines, name="guidelines"),
    path("", include("peerhaven.safety.root_urls")),  # /help/ and /moderation/
    path("healthz", web.healthz, name="healthz"),
    re_path(
        r"^accounts/confirm-email/(?P<key>[-:\w]+)/$",
        account_views.ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("peerhaven.notifications.urls")),
    path("forums/", include("peerhaven.forums.urls")),
    path("safety/", include("peerhaven.safety.urls")),
    path("outcomes/", include("peerhaven.outcomes.urls")),
    path("groups/", include("peerhaven.groups.urls")),
    path("mentoring/", include("peerhaven.mentoring.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("peerhaven.accounts.urls")),
    path("", include("peerhaven.clinical.urls")),
    path("", include("peerhaven.insights.urls")),
]

handler400 = "peerhaven.web.views.error_400"
handler403 = "peerhaven.web.views.error_403"
handler404 = "peerhaven.web.views.error_404"
handler500 = "peerhaven.web.views.error_500"
