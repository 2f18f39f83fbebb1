"""Jobs: lapse unanswered mentor requests and offer the next suggestion."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def expire_mentor_requests() -> int:
    from peerhaven.mentoring.services import expire_requests

    return expire_requests()
