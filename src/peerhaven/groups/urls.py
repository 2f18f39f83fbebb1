from django.urls import path

from peerhaven.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("staff/", views.staff, name="staff"),
    path("calendar/<str:token>.ics", views.ical_member, name="ical_member"),
    path("meetings/<int:meeting_id>/rsvp/", views.rsvp, name="rsvp"),
    path("meetings/<int:meeting_id>/room/", views.room, name="room"),
    path("meetings/<int:meeting_id>/after/", views.after, name="after"),
    path("open/<int:group_id>/", views.open_group, name="open"),
    path("open/<int:group_id>/requests/", views.open_group, {"page": "manage"}, name="open_manage"),
    path("g/<slug:slug>/", views.detail, name="detail"),
    path("g/<slug:slug>/join/", views.join, name="join"),
    path("g/<slug:slug>/leave/", views.leave, name="leave"),
    path("g/<slug:slug>/manage/", views.manage, name="manage"),
    path("g/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("g/<slug:slug>/calendar/reset/", views.reset_calendar, name="calendar_reset"),
    path("g/<slug:slug>/calendar/<str:token>.ics", views.ical_group, name="ical_group"),
]
