"""Check-ins: which instruments are on, a member's responses, their schedules and safety screens.

Scores are computed by the pure engine in :mod:`peerhaven.outcomes.instruments` when a response
is completed and stored next to the answers, so progress pages and exports never re-score.
Every row here belongs to one member and is read only by them (clinical sharing comes later,
with consent).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InstrumentSetting(models.Model):
    """An admin's choice to switch an instrument on or off; absent means the file's default."""

    instrument_id = models.CharField(max_length=64, unique=True)
    enabled = models.BooleanField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.instrument_id}: {'on' if self.enabled else 'off'}"


class Source(models.TextChoices):
    GROUP = "group", _("a group")
    MENTORSHIP = "mentorship", _("a mentorship")
    PROGRAMME = "programme", _("a programme")
    SELF = "self", _("your own choice")


class CheckInSchedule(models.Model):
    """When a member is next asked to fill in one instrument, and how often they are reminded.

    One row per member and instrument: joining a second group with the same instrument keeps
    the shorter cadence instead of doubling the reminders.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_schedules"
    )
    instrument_id = models.CharField(max_length=64)
    cadence_days = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=Source.choices)
    next_due_at = models.DateTimeField()
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "instrument_id"], name="outcomes_one_schedule_per_instrument"
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1), name="outcomes_cadence_at_least_a_day"
            ),
        ]
        indexes = [models.Index(fields=["active", "next_due_at"], name="outcomes_sched_due")]

    def __str__(self) -> str:
        return f"{self.instrument_id} every {self.cadence_days} days for {self.member_id}"


class Response(models.Model):
    """One filling-in of one instrument by one member, answered item by item or all at once."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")

    class Context(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        SCHEDULED = "scheduled", _("Scheduled")
        POST_MEETING = "post_meeting", _("After a meeting")
        SELF = "self", _("On my own")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_responses"
    )
    instrument_id = models.CharField(max_length=64)
    instrument_version = models.CharField(max_length=32)
    context = models.CharField(max_length=16, choices=Context.choices, default=Context.SELF)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    answers = models.JSONField(default=dict)
    # A client-chosen key: the same key from the same member twice stores one response.
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Computed by the engine at completion.
    total = models.FloatField(null=True, blank=True)
    subscales = models.JSONField(default=dict)
    band = models.CharField(max_length=64, blank=True, default="")
    flags = models.JSONField(default=list)
    # Highest safety level this response led to, and why (none/ideation/imminent).
    safety_level = models.CharField(max_length=16, default="none")
    safety_evidence = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="outcomes_response_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "instrument_id", "status", "completed_at"],
                name="outcomes_resp_member_instr",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} response {self.pk} ({self.status})"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    def score_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "subscales": self.subscales,
            "band": self.band or None,
            "flags": self.flags,
        }


class SafetyScreen(models.Model):
    """The C-SSRS screener questions offered after a positive safety item (CLINICAL.md §5)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")
        DECLINED = "declined", _("Not now")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_screens"
    )
    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="safety_screen"
    )
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    level = models.CharField(max_length=16, default="ideation")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"safety screen {self.pk} ({self.level})"
