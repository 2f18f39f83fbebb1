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
    # Per person and room (all their tabs and server processes together): at most RATE_COUNT
    # frames in any RATE_WINDOW seconds.
    "ROOM_RATE_COUNT": 20,
    "ROOM_RATE_WINDOW": 10,
    # Each connection refreshes its presence (and re-checks the person's standing) this often.
    "ROOM_HEARTBEAT_SECONDS": 25,
    # "Who is here" counts only connections seen within this many seconds, so a crashed server
    # process's connections drop out of the list on their own.
    "ROOM_PRESENCE_WINDOW": 75,
    # Frames that are not chat or facilitator actions re-check standing at most this often.
    "ROOM_RECHECK_SECONDS": 10,
    # Messages sent on resume, at most.
    "ROOM_BACKLOG": 500,
    # Reminders go out this many minutes before a meeting.
    "REMINDER_MINUTES": 120,
    # Meetings are generated this many weeks ahead.
    "GENERATE_WEEKS": 8,
}
