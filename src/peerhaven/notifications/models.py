from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # What the e-mail says instead, when the in-app words must not reach an inbox or a lock
    # screen (a support group's name can say what someone lives with). Blank title: the
    # e-mail repeats the in-app title and body.
    email_title = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the person wants this kind by e-mail; cleared (emailed_at set) once sent.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Imminent-risk alerts and escalations to moderators: e-mailed at once, even in quiet hours.
    urgent = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A person's choice for one kind; absent rows mean the kind's defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=30)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)
    # For the digest: when the last one was sent.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_pref_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"
