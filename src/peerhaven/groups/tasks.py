"""Periodic jobs: meeting generation ahead of time, reminders before meetings, and closing
room visits whose server process stopped heartbeating."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from peerhaven.groups import services


@db_periodic_task(crontab(minute="*/5"))
def send_meeting_reminders() -> int:
    """Notify (and e-mail, by each person's preferences) before each meeting."""
    return services.send_due_reminders()


@db_periodic_task(crontab(minute="17", hour="3"))
def generate_upcoming_meetings() -> int:
    """Keep every active series' meetings generated a few weeks ahead (idempotent)."""
    return services.generate_all_meetings()


@db_periodic_task(crontab(minute="*"))
def expire_stale_room_visits() -> int:
    """Presence after a crash: close visits not seen within the presence window (idempotent)."""
    return services.expire_stale_visits()
