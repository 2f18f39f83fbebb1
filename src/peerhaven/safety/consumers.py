"""The live moderation queue: moderators' browsers receive queue events as they happen."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from peerhaven.safety.live import QUEUE_GROUP


@database_sync_to_async
def _may_watch(user: Any) -> bool:
    from peerhaven.safety.permissions import can_moderate

    return can_moderate(user)


class ModerationQueueConsumer(AsyncJsonWebsocketConsumer):
    """Moderators (with 2FA) only; everyone else is refused before the handshake completes."""

    joined = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await _may_watch(user):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        self.joined = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The live queue is one-way; acknowledging happens through the page's forms.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def queue_event(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": event["event"], "alert": event["alert"]})
