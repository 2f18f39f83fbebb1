"""Live delivery of 1:1 messages to both people's open mentorship pages (Channels).

The page also polls, so a lost event costs a few seconds, never a message: messages are stored
before anything is sent, and only after the transaction commits.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def group_name(mentorship_id: int) -> str:
    return f"mentoring.m.{mentorship_id}"


def message_event(message: Any) -> dict[str, Any]:
    sender = message.sender
    return {
        "type": "mentoring.message",
        "message": {
            "id": message.pk,
            "sender_id": message.sender_id,
            "sender": sender.display_name if sender is not None else "",
            "body": message.body,
            "held": message.held,
            "created_at": message.created_at.isoformat(),
        },
    }


def broadcast(mentorship_id: int, event: dict[str, Any]) -> None:
    """Send to everyone watching this mentorship. Never raises: the page also polls."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(mentorship_id), event)
    except Exception:
        logger.exception("Could not broadcast a mentoring message")
