"""The live moderation queue: moderators' browsers receive queue events as they happen.

Authorised on connect, and re-checked (``safety.sockets``) on every incoming frame and every
alert delivered, at most every ``SAFETY_SOCKET_RECHECK_SECONDS``, and at once when their
standing changes (``safety.sockets.standing_changed``): a moderator who lost the role, their
two-factor authenticator or their session, or was banned, is sent the reason and the socket
closes before another alert reaches it.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from peerhaven.safety.live import QUEUE_GROUP
from peerhaven.safety.sockets import (
    CLOSE_FORBIDDEN,
    Recheck,
    Refusal,
    current_user,
    member_refusal,
    person_group,
    signed_out,
)


@database_sync_to_async
def _may_watch(user: Any) -> bool:
    from peerhaven.safety.permissions import can_moderate

    return can_moderate(user)


@database_sync_to_async
def _refusal(scope: dict[str, Any]) -> Refusal | None:
    """Why this moderator may no longer watch the queue (None: they still may)."""
    from peerhaven.safety.permissions import can_moderate

    user = current_user(scope)
    if user is None:
        return signed_out()
    banned = member_refusal(user)
    if banned is not None:
        return banned
    if not can_moderate(user):
        return Refusal(
            "forbidden",
            _(
                "The live queue needs the moderator role and two-factor authentication; one of "
                "them is no longer active on your account."
            ),
            CLOSE_FORBIDDEN,
        )
    return None


class ModerationQueueConsumer(AsyncJsonWebsocketConsumer):
    """Moderators (with 2FA) only; everyone else is refused before the handshake completes."""

    joined = False
    closing = False
    person = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            # Joined before the check, so a change committed during it is re-checked too.
            self.person = person_group(user.pk)
            await self.channel_layer.group_add(self.person, self.channel_name)
        if user is None or not await _may_watch(user):
            await self._leave()
            await self.close(code=4403)
            return
        # The full check as on every re-check: a banned moderator (the ban page shuts
        # /moderation/, but not a socket) or a stale session is refused before the handshake.
        refusal = await _refusal(self.scope)
        if refusal is not None:
            await self._leave()
            await self.close(code=refusal.close_code)
            return
        self.recheck = Recheck()
        await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        self.joined = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def _leave(self) -> None:
        if self.person:
            person, self.person = self.person, ""
            await self.channel_layer.group_discard(person, self.channel_name)
        if self.joined:
            self.joined = False
            await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)

    async def _still_allowed(self, *, now: bool = False) -> bool:
        """Re-check when due (``now``: at once); on a refusal, say why, leave and close."""
        if self.closing:
            return False
        if not now and not self.recheck.due():
            return True
        refusal = await _refusal(self.scope)
        self.recheck.done()
        if refusal is None:
            return True
        self.closing = True
        await self._leave()
        await self.send_json(refusal.frame())
        await self.close(code=refusal.close_code)
        return False

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not await self._still_allowed():
            return
        # The live queue is one-way; acknowledging happens through the page's forms.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def queue_event(self, event: dict[str, Any]) -> None:
        if not await self._still_allowed():
            return
        await self.send_json({"type": event["event"], "alert": event["alert"]})

    async def person_standing(self, event: dict[str, Any]) -> None:
        """This moderator's standing changed (``safety.sockets.standing_changed``)."""
        if self.joined:
            await self._still_allowed(now=True)
