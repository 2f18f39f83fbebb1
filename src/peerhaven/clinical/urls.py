from django.urls import path

from peerhaven.clinical import views

app_name = "clinical"

urlpatterns = [
    path("clinical/", views.dashboard, name="dashboard"),
    path("clinical/register/", views.register, name="register"),
    path("clinical/referrals/", views.referrals, name="referrals"),
    path(
        "clinical/referrals/<int:referral_id>/status/",
        views.referral_status,
        name="referral_status",
    ),
    path("clinical/clients/<int:client_id>/", views.client_detail, name="client"),
    path("clinical/clients/<int:client_id>/fhir.json", views.client_fhir, name="client_fhir"),
    path("referrals/accept/", views.accept_start, name="accept"),
    path("referrals/accept/<str:code>/", views.accept_code, name="accept_code"),
    path("settings/sharing/", views.sharing, name="sharing"),
    path("settings/sharing/<int:consent_id>/", views.sharing_edit, name="sharing_edit"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:organisation_id>/", views.organisation, name="organisation"),
]
