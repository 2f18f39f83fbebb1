"""Live 1:1 messages: the two people in a mentorship receive each other's messages as sent."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from peerhaven.mentoring.live import group_name


@database_sync_to_async
def _participant_id(user: Any, mentorship_id: int) -> int | None:
    from peerhaven.mentoring.queries import get_mentorship_for_participant

    try:
        get_mentorship_for_participant(user, mentorship_id)
    except Http404:
        return None
    return int(user.pk)


class MentorshipConsumer(AsyncJsonWebsocketConsumer):
    """Only the mentor and the mentee; anyone else is refused before the handshake completes.

    Receives only: sending goes through the page's form (the same service, screening included).
    """

    group = ""
    user_id: int | None = None

    async def connect(self) -> None:
        mentorship_id = int(self.scope["url_route"]["kwargs"]["mentorship_id"])
        self.user_id = await _participant_id(self.scope.get("user"), mentorship_id)
        if self.user_id is None:
            await self.close(code=4404)
            return
        self.group = group_name(mentorship_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def mentoring_message(self, event: dict[str, Any]) -> None:
        message = dict(event["message"])
        mine = message.pop("sender_id") == self.user_id
        # A message held for review reaches only its sender until a moderator releases it.
        if message["held"] and not mine:
            return
        await self.send_json({"type": "message", "message": {**message, "mine": mine}})
