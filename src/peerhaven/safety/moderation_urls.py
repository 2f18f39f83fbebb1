"""The moderation area, mounted at /moderation/ (2FA enforced for the prefix by middleware)."""

from django.urls import path

from peerhaven.safety import views

app_name = "moderation"

urlpatterns = [
    path("", views.moderation_queue, name="queue"),
    path("duty/", views.toggle_duty, name="duty"),
    path("claim-next/", views.claim_next, name="claim_next"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:alert_id>/outreach/", views.outreach, name="outreach"),
    path("alerts/<int:alert_id>/resolve/", views.resolve, name="resolve"),
    path("alerts/<int:alert_id>/action/", views.take_action, name="action"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/decide/", views.decide_appeal, name="decide_appeal"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("resources/", views.resources, name="resources"),
    path("resources/new/", views.resource_edit, name="resource_new"),
    path("resources/<int:resource_id>/", views.resource_edit, name="resource_edit"),
]
