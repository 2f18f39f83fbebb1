"""Live 1:1 messages: the two people in a mentorship receive each other's messages as sent.

Authorised on connect and re-checked (``safety.sockets``) on every incoming frame and every
message delivered, at most every ``SAFETY_SOCKET_RECHECK_SECONDS``, and at once when the
person's standing changes (``safety.sockets.standing_changed``): when the mentorship ended, the
person is no longer in it, signed out, or was banned, the socket is told why and closes (the
page still shows the history; the polling fallback keeps it current).
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404
from django.utils.translation import gettext as _

from peerhaven.mentoring.live import group_name
from peerhaven.safety.sockets import (
    CLOSE_GONE,
    Recheck,
    Refusal,
    current_user,
    member_refusal,
    person_group,
    signed_out,
)

CLOSE_NOT_FOUND = 4404


def _ended() -> Refusal:
    return Refusal(
        "ended",
        _("This mentorship has ended, so live messages have stopped. Its history stays here."),
        CLOSE_GONE,
    )


def _standing(user: Any, mentorship_id: int) -> Refusal | None:
    """Why ``user`` may not follow this mentorship live (None: they may)."""
    from peerhaven.mentoring.models import MentorshipStatus
    from peerhaven.mentoring.queries import get_mentorship_for_participant

    try:
        mentorship = get_mentorship_for_participant(user, mentorship_id)
    except Http404:
        return Refusal("not_found", _("This conversation is not available."), CLOSE_NOT_FOUND)
    banned = member_refusal(user)
    if banned is not None:
        return banned
    if mentorship.status == MentorshipStatus.ENDED:
        return _ended()
    return None


@database_sync_to_async
def _on_connect(user: Any, mentorship_id: int) -> tuple[int | None, Refusal | None]:
    """(the participant's id, or None for "not yours"; a reason to refuse them if any)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    refusal = _standing(user, mentorship_id)
    if refusal is not None and refusal.code == "not_found":
        return None, None
    return int(user.pk), refusal


@database_sync_to_async
def _recheck(scope: dict[str, Any], mentorship_id: int) -> Refusal | None:
    user = current_user(scope)
    if user is None:
        return signed_out()
    return _standing(user, mentorship_id)


class MentorshipConsumer(AsyncJsonWebsocketConsumer):
    """Only the mentor and the mentee; anyone else is refused before the handshake completes.

    Receives only: sending goes through the page's form (the same service, screening included).
    """

    group = ""
    person = ""
    user_id: int | None = None
    mentorship_id = 0
    closing = False

    async def connect(self) -> None:
        self.mentorship_id = int(self.scope["url_route"]["kwargs"]["mentorship_id"])
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            # Joined before the check, so a change committed during it is re-checked too.
            self.person = person_group(user.pk)
            await self.channel_layer.group_add(self.person, self.channel_name)
        self.user_id, refusal = await _on_connect(user, self.mentorship_id)
        if self.user_id is None:
            await self._leave()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if refusal is not None:
            # Accepted only to say why (a refused handshake carries no reason), then closed.
            await self.accept()
            await self._close_with(refusal)
            return
        self.recheck = Recheck()
        self.group = group_name(self.mentorship_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def _leave(self) -> None:
        if self.person:
            person, self.person = self.person, ""
            await self.channel_layer.group_discard(person, self.channel_name)
        if self.group:
            group, self.group = self.group, ""
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _close_with(self, refusal: Refusal) -> None:
        self.closing = True
        await self._leave()
        await self.send_json(refusal.frame())
        await self.close(code=refusal.close_code)

    async def _still_allowed(self, *, now: bool = False) -> bool:
        if self.closing:
            return False
        if not now and not self.recheck.due():
            return True
        refusal = await _recheck(self.scope, self.mentorship_id)
        self.recheck.done()
        if refusal is None:
            return True
        await self._close_with(refusal)
        return False

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not await self._still_allowed():
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def mentoring_message(self, event: dict[str, Any]) -> None:
        message = dict(event["message"])
        mine = message.pop("sender_id") == self.user_id
        # A message held for review reaches only its sender until a moderator releases it.
        if message["held"] and not mine:
            return
        if not await self._still_allowed():
            return
        await self.send_json({"type": "message", "message": {**message, "mine": mine}})

    async def person_standing(self, event: dict[str, Any]) -> None:
        """This person's standing changed (``safety.sockets.standing_changed``)."""
        if self.group:
            await self._still_allowed(now=True)
