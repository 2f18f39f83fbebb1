from django.urls import path

from peerhaven.accounts import views

app_name = "accounts"

urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/privacy/", views.privacy_page, name="privacy"),
    path("settings/privacy/export/", views.export_data, name="export"),
    path("settings/privacy/erase/", views.erase_account, name="erase"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/consents/", views.consents, name="consents"),
    path("settings/consents/<int:consent_id>/revoke/", views.revoke_consent, name="revoke_consent"),
    path("members/<str:display_name>/", views.member_profile, name="member"),
    path("staff/people/", views.staff_people, name="staff_people"),
    path("staff/people/<int:user_id>/roles/", views.staff_change_role, name="staff_change_role"),
    path("staff/audit/", views.staff_audit, name="staff_audit"),
]
