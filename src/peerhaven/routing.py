"""WebSocket routes. Each capability with a live view adds its consumer here."""

from typing import Any

from django.urls import path

from peerhaven.safety.consumers import ModerationQueueConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/moderation/queue/", ModerationQueueConsumer.as_asgi()),
]
