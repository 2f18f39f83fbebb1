from django.urls import path

from peerhaven.insights import views

app_name = "insights"

urlpatterns = [
    path("staff/insights/", views.programmes, name="programmes"),
    path("staff/insights/<int:programme_id>/", views.programme, name="programme"),
    path("staff/insights/<int:programme_id>/run/", views.run_report, name="run_report"),
    path("staff/insights/<int:programme_id>/reports/<int:run_id>/", views.report, name="report"),
    path(
        "staff/insights/<int:programme_id>/reports/<int:run_id>/download/",
        views.report_download,
        name="report_download",
    ),
    path("staff/insights/<int:programme_id>/export.<str:fmt>", views.export_data, name="export"),
    path("settings/evaluation/", views.evaluation_consent, name="evaluation_consent"),
]
