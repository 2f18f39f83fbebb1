"""The moderation area, mounted at /moderation/ (2FA enforced for the prefix by middleware)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from peerhaven.safety import views

app_name = "moderation"

urlpatterns = [
    path("", login_required(views.moderation_queue), name="queue"),
    path("duty/", login_required(views.toggle_duty), name="duty"),
    path("claim-next/", login_required(views.claim_next), name="claim_next"),
    path("dashboard/", login_required(views.dashboard), name="dashboard"),
    path("alerts/<int:alert_id>/", login_required(views.alert_detail), name="alert"),
    # JSON polled by the alert page: answers 401 itself rather than redirect to sign-in.
    path(
        "alerts/<int:alert_id>/messages/updates/",
        views.alert_messages_updates,
        name="alert_messages_updates",
    ),
    path(
        "alerts/<int:alert_id>/acknowledge/", login_required(views.acknowledge), name="acknowledge"
    ),
    path("alerts/<int:alert_id>/outreach/", login_required(views.outreach), name="outreach"),
    path("alerts/<int:alert_id>/resolve/", login_required(views.resolve), name="resolve"),
    path("alerts/<int:alert_id>/action/", login_required(views.take_action), name="action"),
    path("appeals/", login_required(views.appeals), name="appeals"),
    path(
        "appeals/<int:appeal_id>/decide/", login_required(views.decide_appeal), name="decide_appeal"
    ),
    path("templates/", login_required(views.templates), name="templates"),
    path("templates/new/", login_required(views.template_edit), name="template_new"),
    path("templates/<int:template_id>/", login_required(views.template_edit), name="template_edit"),
    path("resources/", login_required(views.resources), name="resources"),
    path("resources/new/", login_required(views.resource_edit), name="resource_new"),
    path("resources/<int:resource_id>/", login_required(views.resource_edit), name="resource_edit"),
]
