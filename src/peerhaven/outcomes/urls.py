from django.urls import path

from peerhaven.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.index, name="index"),
    path("manage/", views.manage, name="manage"),
    path("checkin/<slug:instrument_id>/", views.start, name="start"),
    path("checkin/<slug:instrument_id>/skip/", views.skip, name="skip"),
    path("response/<int:response_id>/", views.take, name="take"),
    path("response/<int:response_id>/safety/", views.screener, name="screener"),
    path("progress/<slug:instrument_id>/", views.progress, name="progress"),
]
