"""Real-time fan-out of queue events to the moderators' live queue (Channels)."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

QUEUE_GROUP = "safety.queue"


def alert_event(alert: Any, event: str, *, raised_to_imminent: bool = False) -> dict[str, Any]:
    """The JSON a live queue receives: ids, codes, times and names, never the member's text.

    ``member`` is the display name the queue page already shows moderators for the row (None
    for an erased account); the page turns the codes into its own labels, in the moderator's
    language, and the times into the moderator's time zone (``live_queue.js``), so a row that
    arrives live reads as the rows the server drew. The fields the queue's filters look at
    (``queries.queue_filters``) are here under the same names, so the page can tell whether
    the alert belongs to what it shows. ``raised_to_imminent`` marks the update that raised an
    open item to imminent (the server pages the team for it): a hidden queue counts it in its
    tab title even when the page never drew the item (filtered out, or not on its first page).
    """
    return {
        "type": "queue.event",
        "event": event,
        "alert": {
            "id": alert.pk,
            "level": alert.level,
            "source": alert.source,
            "kind": alert.kind,
            "status": alert.status,
            "held": alert.held,
            "created_at": alert.created_at.isoformat(),
            "sla_due_at": alert.sla_due_at.isoformat(),
            "assigned_to": alert.assigned_to.display_name if alert.assigned_to else None,
            "assigned_to_id": alert.assigned_to_id,
            "member": alert.author.display_name if alert.author else None,
            "raised_to_imminent": raised_to_imminent,
        },
    }


def broadcast(event: dict[str, Any]) -> None:
    """Send an event to every connected live queue. Never raises: the queue page also polls."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(QUEUE_GROUP, event)
    except Exception:
        logger.exception("Could not broadcast a safety queue event")
