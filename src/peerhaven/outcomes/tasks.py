"""Jobs: check-in reminders, hourly, at most once per cadence per member and instrument."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="7"))
def send_checkin_reminders() -> int:
    from peerhaven.outcomes.services import send_checkin_reminders as send

    return send()
