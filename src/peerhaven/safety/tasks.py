"""Jobs: unacknowledged alerts escalate every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def escalate_overdue_alerts() -> int:
    """Escalate open alerts past their SLA to the next moderator on duty and to admins."""
    from peerhaven.safety.services import escalate_overdue_alerts as escalate

    return escalate()
