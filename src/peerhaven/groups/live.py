"""Fan-out of live-room events through the channel layer (in-memory, or Redis across processes).

Events are JSON dicts with a ``type``. They are published only after the transaction that
stored them commits, so a participant never sees something that was rolled back, and a
reconnecting participant can always fetch from the database what the fan-out carried.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Who an event is for (``envelope``'s ``audience``); ``also_user`` adds one person's connections.
ALL = "all"
FACILITATORS = "facilitators"
# Only ``also_user``: a held message's text goes to its author and nobody else in the room.
AUTHOR = "author"


# When set (by the room consumer around a database call), events are collected here and the
# consumer sends them on its own event loop once the call has returned (after the commit), so
# the shared database thread never blocks on a fan-out.
COLLECTOR: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "groups_room_events", default=None
)


def room_group(meeting_id: int) -> str:
    return f"groups.room.{meeting_id}"


def envelope(
    event: dict[str, Any],
    *,
    audience: str = ALL,
    also_user: int | None = None,
    except_user: int | None = None,
) -> dict:
    """The channel-layer message a RoomConsumer receives (handler ``room_event``); who gets it
    is ``reaches``."""
    return {
        "type": "room.event",
        "event": event,
        "audience": audience,
        "also_user": also_user,
        "except_user": except_user,
    }


def reaches(message: dict[str, Any], *, user_id: int, is_facilitator: bool) -> bool:
    """Whether a connection of ``user_id`` gets this envelope.

    Never ``except_user``'s; otherwise when ``audience`` is ``ALL``, when it is
    ``FACILITATORS`` and the connection is a facilitator's, or when it is ``also_user``'s.
    Anything else is dropped (fail closed: a held message's text is for its author only)."""
    if message.get("except_user") == user_id:
        return False
    audience = message.get("audience", ALL)
    return (
        audience == ALL
        or message.get("also_user") == user_id
        or (audience == FACILITATORS and is_facilitator)
    )


def publish(
    meeting_id: int,
    event: dict[str, Any],
    *,
    audience: str = ALL,
    also_user: int | None = None,
    except_user: int | None = None,
) -> None:
    """Send an event to every connection in a room. Never raises: clients resume from the DB."""
    message = envelope(event, audience=audience, also_user=also_user, except_user=except_user)
    collected = COLLECTOR.get()
    if collected is not None:
        collected.append((room_group(meeting_id), message))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(room_group(meeting_id), message)
    except Exception:
        logger.exception("Could not publish a room event to meeting %s", meeting_id)
