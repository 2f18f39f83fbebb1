"""WebSocket routes. Each capability with a live view adds its consumer here."""

from typing import Any

websocket_urlpatterns: list[Any] = []
