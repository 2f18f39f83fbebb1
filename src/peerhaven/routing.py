"""WebSocket routes. Each capability with a live view adds its consumer here."""

from typing import Any

from django.urls import path

from peerhaven.groups.consumers import RoomConsumer
from peerhaven.mentoring.consumers import MentorshipConsumer
from peerhaven.safety.consumers import ModerationQueueConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/moderation/queue/", ModerationQueueConsumer.as_asgi()),
    path("ws/groups/rooms/<int:meeting_id>/", RoomConsumer.as_asgi()),
    path("ws/mentoring/<int:mentorship_id>/", MentorshipConsumer.as_asgi()),
]
