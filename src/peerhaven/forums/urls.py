from django.urls import path

from peerhaven.forums import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("needs-reply/", views.needs_reply, name="needs_reply"),
    path("settings/", views.settings_page, name="settings"),
    path("b/<slug:slug>/", views.board, name="board"),
    path("b/<slug:slug>/new/", views.new_thread, name="new_thread"),
    path("t/<int:thread_id>/", views.thread, name="thread"),
    path("t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("t/<int:thread_id>/follow/", views.follow, name="follow"),
    path("t/<int:thread_id>/mute/", views.mute, name="mute"),
    path("t/<int:thread_id>/title/", views.edit_title, name="edit_title"),
    path("p/<int:post_id>/edit/", views.edit_post, name="edit"),
    path("p/<int:post_id>/react/", views.react, name="react"),
    path("p/<int:post_id>/block/", views.block, name="block"),
    path("p/<int:post_id>/report/", views.report, name="report"),
    # Moderation. Also mountable under /moderation/forums/ (see moderation_urls.py).
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/p/<int:post_id>/history/", views.post_history, name="history"),
    path("moderation/p/<int:post_id>/<str:action>/", views.moderate_post, name="moderate_post"),
    path(
        "moderation/t/<int:thread_id>/<str:action>/", views.moderate_thread, name="moderate_thread"
    ),
    path("moderation/r/<int:report_id>/", views.report_detail, name="report_detail"),
    path("moderation/r/<int:report_id>/dismiss/", views.dismiss_report, name="dismiss_report"),
    path(
        "moderation/thread/<int:thread_id>/history/",
        views.thread_history,
        name="thread_history",
    ),
]
