"""Tunables for groups, overridable from Django settings (tests shrink the room limits)."""

from __future__ import annotations

import os

from django.conf import settings


def get(name: str) -> int:
    """A Django setting ``GROUPS_<NAME>`` if set, else the environment variable of that name."""
    key = f"GROUPS_{name}"
    value = getattr(settings, key, None)
    if value is None:
        value = os.environ.get(key) or DEFAULTS[name]
    return int(value)


DEFAULTS: dict[str, int] = {
    # The room stays open this long after the scheduled end (meetings overrun).
    "ROOM_GRACE_MINUTES": 30,
    # Largest WebSocket frame a client may send, in characters.
    "ROOM_MAX_FRAME": 8000,
    # Longest chat message, in characters.
    "ROOM_MAX_MESSAGE": 2000,
    # Per connection: at most RATE_COUNT frames in RATE_WINDOW seconds.
    "ROOM_RATE_COUNT": 20,
    "ROOM_RATE_WINDOW": 10,
    # Messages sent on resume, at most.
    "ROOM_BACKLOG": 500,
    # Reminders go out this many minutes before a meeting.
    "REMINDER_MINUTES": 120,
    # Meetings are generated this many weeks ahead.
    "GENERATE_WEEKS": 8,
}
