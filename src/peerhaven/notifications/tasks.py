"""Jobs: e-mail delivery runs in the job queue so a slow mail server never slows a page."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, task


@task(retries=3, retry_delay=60)
def send_email_task(*, subject: str, body: str, to: list[str], html: str | None = None) -> int:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@db_task(retries=3, retry_delay=60)
def email_notification_task(notification_id: int) -> bool:
    from peerhaven.notifications.services import deliver_email

    return deliver_email(notification_id=notification_id)


@db_periodic_task(crontab(minute="*/15"))
def send_deferred_emails() -> int:
    """Deliver e-mails that waited for a member's quiet hours to end."""
    from peerhaven.notifications.services import deliver_deferred_emails

    return deliver_deferred_emails()


@db_periodic_task(crontab(minute="0"))
def send_daily_digests() -> int:
    """Every hour: members for whom it is 18:00 get their daily digest (if they opted in)."""
    from peerhaven.notifications.digest import send_digests

    return send_digests()
