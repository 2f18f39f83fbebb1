from django.urls import path

from peerhaven.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("intake/", views.intake, name="intake"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("request/<int:mentor_id>/", views.request_mentor, name="request"),
    path("requests/<int:request_id>/withdraw/", views.withdraw_request, name="withdraw"),
    path("requests/<int:request_id>/<str:answer>/", views.answer_request, name="answer"),
    path("inbox/", views.inbox, name="inbox"),
    path("m/<int:mentorship_id>/", views.mentorship, name="mentorship"),
    path("m/<int:mentorship_id>/messages.json", views.messages_json, name="messages_json"),
    path("m/<int:mentorship_id>/messages/", views.send_message, name="send_message"),
    path("m/<int:mentorship_id>/goals/", views.add_goal, name="add_goal"),
    path("m/<int:mentorship_id>/sessions/", views.add_session, name="add_session"),
    path("m/<int:mentorship_id>/end/", views.end, name="end"),
    path("m/<int:mentorship_id>/<str:action>/", views.change_state, name="change_state"),
    path("messages/<int:message_id>/report/", views.report_message, name="report_message"),
    path("steps/<int:step_id>/done/", views.step_done, name="step_done"),
    path("profile/", views.mentor_profile, name="mentor_profile"),
    path("profile/pause/", views.pause_mentoring, name="pause"),
    path("profile/wellbeing/", views.wellbeing, name="wellbeing"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<int:supervision_id>/", views.supervisee, name="supervisee"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<int:case_id>/", views.case, name="case"),
    path("services/", views.my_services, name="my_services"),
    path("admin/mentors/", views.admin_mentors, name="admin_mentors"),
    path("admin/mentors/<int:user_id>/", views.admin_mentor, name="admin_mentor"),
    path("admin/cohort/", views.cohort, name="cohort"),
    path("admin/cohort/<int:run_id>/", views.cohort_run, name="cohort_run"),
    path("admin/services/", views.service_totals, name="service_totals"),
]
