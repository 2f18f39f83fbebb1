"""Programmes, who is enrolled in their evaluation, and cached evaluation reports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A programme to evaluate, e.g. "Postpartum peer mentoring, spring cohort"."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    instruments = models.JSONField(
        default=list, help_text=_("Instrument ids measured at each wave, e.g. phq9, ucla3.")
    )
    # Days after enrolment at which each wave is due; wave 0 is the baseline.
    wave_days = models.JSONField(default=list)
    has_comparison_arm = models.BooleanField(
        _("has a comparison arm (e.g. waitlist)"), default=False
    )
    linked = models.JSONField(
        default=dict, blank=True, help_text=_("Groups, boards and mentoring linked to it.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Arm(models.TextChoices):
    PROGRAMME = "programme", _("Programme")
    COMPARISON = "comparison", _("Comparison (e.g. waitlist)")


class Enrolment(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_enrolments"
    )
    arm = models.CharField(max_length=20, choices=Arm.choices, default=Arm.PROGRAMME)
    site = models.CharField(_("site or group"), max_length=80, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "member"], name="one_enrolment_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.member_id}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
    """One computation of a programme's report; reused while its data version is current."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    data_version = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=120, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.status})"
