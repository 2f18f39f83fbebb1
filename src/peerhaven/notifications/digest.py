"""The daily e-mail digest: unread replies, mentions and reactions in one message.

Members opt in on their notification preferences ("Daily e-mail digest", by e-mail). The job
runs every hour and sends each member's digest at 18:00 in their own time zone, at most once a
day, and only when there is something unread since the last one. When 18:00 falls in the
member's quiet hours, the digest waits for the first run after they end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from peerhaven.accounts.local_time import member_zone
from peerhaven.accounts.models import User
from peerhaven.accounts.services import in_quiet_hours
from peerhaven.notifications.models import Notification, NotificationPreference

DIGEST_HOUR = 18
DIGEST_KINDS = ("reply", "mention", "reaction")


def _last_digest_moment(local: datetime) -> datetime:
    """The latest DIGEST_HOUR:00 (wall time in ``local``'s zone) at or before ``local``."""
    moment = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)  # same tzinfo: wall-clock arithmetic, DST-safe
    return moment


def _is_due(pref: NotificationPreference, user: User, now: datetime) -> bool:
    local = timezone.localtime(now, member_zone(user))
    if in_quiet_hours(user, now):
        return False
    if local.hour == DIGEST_HOUR:
        return pref.last_sent_at is None or now - pref.last_sent_at >= timedelta(hours=20)
    # The last 18:00 fell in the member's quiet hours: the first run after they end sends it.
    moment = _last_digest_moment(local)
    return in_quiet_hours(user, moment) and (
        pref.last_sent_at is None or pref.last_sent_at < moment
    )


def send_digests(now: datetime | None = None) -> int:
    from peerhaven.notifications.tasks import send_email_task

    now = now or timezone.now()
    sent = 0
    prefs = NotificationPreference.objects.filter(
        kind="digest", email=True, user__is_active=True
    ).select_related("user")
    for pref in prefs:
        user = pref.user
        if not _is_due(pref, user, now):
            continue
        # Claim this member's digest: with several job workers the hourly job can run twice at
        # once, and only the run whose update matches what it read may send.
        claimed = NotificationPreference.objects.filter(
            pk=pref.pk, last_sent_at=pref.last_sent_at
        ).update(last_sent_at=now)
        if not claimed:
            continue
        since = pref.last_sent_at or now - timedelta(days=1)
        items = list(
            Notification.objects.filter(
                recipient=user, kind__in=DIGEST_KINDS, read_at__isnull=True, created_at__gt=since
            ).order_by("created_at")[:50]
        )
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
