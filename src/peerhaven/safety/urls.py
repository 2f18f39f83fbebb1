from django.urls import path

from peerhaven.safety import views

app_name = "safety"

urlpatterns = [
    path("plan/", views.safety_plan, name="plan"),
    path("plan/edit/", views.safety_plan_edit, name="plan_edit"),
    path("plan/print/", views.safety_plan_print, name="plan_print"),
    path("screener/", views.screener_consent, name="screener_consent"),
    path("actions/", views.my_actions, name="my_actions"),
    path("actions/<int:action_id>/appeal/", views.appeal, name="appeal"),
    path("messages/", views.safety_messages, name="messages"),
    path("messages/updates/", views.safety_messages_updates, name="messages_updates"),
]
