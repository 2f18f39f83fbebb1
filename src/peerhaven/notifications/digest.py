"""The daily e-mail digest: unread replies, mentions and reactions in one message.

Members opt in on their notification preferences ("Daily e-mail digest", by e-mail). The job
runs every hour and sends each member's digest at 18:00 in their own time zone, at most once a
day, and only when there is something unread since the last one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from peerhaven.accounts.local_time import member_zone
from peerhaven.notifications.models import Notification, NotificationPreference

DIGEST_HOUR = 18
DIGEST_KINDS = ("reply", "mention", "reaction")


def send_digests(now: datetime | None = None) -> int:
    from peerhaven.notifications.tasks import send_email_task

    now = now or timezone.now()
    sent = 0
    prefs = NotificationPreference.objects.filter(
        kind="digest", email=True, user__is_active=True
    ).select_related("user")
    for pref in prefs:
        user = pref.user
        local = timezone.localtime(now, member_zone(user))
        if local.hour != DIGEST_HOUR:
            continue
        if pref.last_sent_at is not None and now - pref.last_sent_at < timedelta(hours=20):
            continue
        since = pref.last_sent_at or now - timedelta(days=1)
        items = list(
            Notification.objects.filter(
                recipient=user, kind__in=DIGEST_KINDS, read_at__isnull=True, created_at__gt=since
            ).order_by("created_at")[:50]
        )
        pref.last_sent_at = now
        pref.save(update_fields=["last_sent_at"])
        if not items:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "notifications/digest.txt",
                {"recipient": user, "items": items, "site_url": settings.SITE_URL},
            )
        send_email_task(subject="[Peerhaven] Your daily digest", body=body, to=[user.email])
        sent += 1
    return sent
