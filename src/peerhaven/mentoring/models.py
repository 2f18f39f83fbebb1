"""Peer mentoring and peer-delivered services.

Every piece of text a person writes here (story, intake, messages, goals, notes, surveys)
passes ``peerhaven.safety.gate`` before it is stored; the level and evidence are kept on the row.
Blocks between members are the forums' ``Block`` (one block list per person across the site).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class RiskFields(models.Model):
    """What the safety gate said about the text on this row."""

    risk_level = models.CharField(max_length=10, default="none")
    risk_evidence = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class AgeBand(models.TextChoices):
    UNDER_25 = "18-24", _("18–24")
    TWENTIES = "25-34", _("25–34")
    THIRTIES = "35-49", _("35–49")
    FIFTIES = "50-64", _("50–64")
    OLDER = "65+", _("65 or older")


class ExperienceTag(models.Model):
    """One lived experience in the organisation's taxonomy (admins add, rename, retire)."""

    slug = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class MentorProfile(RiskFields):
    """A peer supporter's mentoring profile. Screened: ``story``."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="mentor_profile")
    tags = models.ManyToManyField(ExperienceTag, blank=True, related_name="mentors")
    languages = models.JSONField(default=list)
    time_zone = models.CharField(max_length=64, default="UTC")
    availability = models.JSONField(default=list)  # [[weekday, start minute, end minute], ...]
    capacity = models.PositiveSmallIntegerField(default=2)
    gender = models.CharField(max_length=40, blank=True)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    story = models.TextField(blank=True)
    paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"mentor profile {self.user_id}"


class TrainingRecord(models.Model):
    mentor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="training_records")
    course = models.CharField(max_length=120)
    completed_on = models.DateField()
    trainer = models.CharField(max_length=120)
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-expires_on"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["mentor", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.course} ({self.mentor_id})"

    def is_current(self, on: dt.date | None = None) -> bool:
        return self.expires_on >= (on or timezone.localdate())


class Supervision(models.Model):
    """Who supervises a mentor. One open supervision per mentor."""

    mentor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="supervisions")
    supervisor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="supervisees")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["mentor"],
                condition=Q(ended_at__isnull=True),
                name="mentoring_one_supervisor",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("supervisor")), name="mentoring_no_self_supervision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor_id} supervises {self.mentor_id}"


class SupervisionSession(RiskFields):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"supervision session {self.pk}"


class MentorWellbeingCheckIn(RiskFields):
    class Feeling(models.IntegerChoices):
        DEPLETED = 1, _("Depleted")
        STRETCHED = 2, _("Stretched")
        OK = 3, _("OK")
        GOOD = 4, _("Good")
        ENERGISED = 5, _("Energised")

    mentor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="wellbeing_checkins")
    feeling = models.PositiveSmallIntegerField(choices=Feeling.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"wellbeing {self.mentor_id} {self.feeling}"


class MenteeIntake(RiskFields):
    """What a member would like support with and what matters in a mentor. One per member."""

    member = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="mentee_intake")
    support_text = models.TextField(blank=True)
    tags = models.ManyToManyField(ExperienceTag, blank=True, related_name="intakes")
    priority_tags = models.ManyToManyField(ExperienceTag, blank=True, related_name="+")
    languages = models.JSONField(default=list)
    preferred_languages = models.JSONField(default=list, blank=True)
    preferred_gender = models.CharField(max_length=40, blank=True)
    preferred_age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    availability = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"intake {self.member_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorshipRequest(models.Model):
    mentee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="mentor_requests_sent")
    mentor = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="mentor_requests")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    score = models.FloatField(default=0.0)
    explanation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    # Was the next suggestion offered to the mentee after this one lapsed or was declined?
    next_offered = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status="pending"),
                name="mentoring_one_open_request",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["mentor", "status"]),
        ]

    def __str__(self) -> str:
        return f"request {self.mentee_id}→{self.mentor_id} {self.status}"


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


OPEN_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class Mentorship(RiskFields):
    """A mentor and a mentee. Requested (``MentorshipRequest``) → active → paused → ended.

    ``mentor``/``mentee`` become NULL when that person erases their account with
    "keep my words as [deleted member]"; the other person keeps the history.
    ``risk_*`` describe the exit comment.
    """

    mentee = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="mentorships_as_mentee"
    )
    mentor = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="mentorships_as_mentor"
    )
    request = models.OneToOneField(
        MentorshipRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    cohort = models.ForeignKey(
        "CohortRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    started_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    #: who paused it: only they resume it (NULL when they erased their account, then either)
    paused_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exit_helpfulness = models.PositiveSmallIntegerField(null=True, blank=True)
    exit_reason = models.CharField(max_length=20, blank=True)
    exit_comment = models.TextField(blank=True)
    rematch_offered = models.BooleanField(default=False)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status__in=["active", "paused"]),
                name="mentoring_one_open_mentorship_per_pair",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"mentorship {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def other(self, user_id: int) -> int | None:
        return self.mentor_id if user_id == self.mentee_id else self.mentee_id


class ExitReason(models.TextChoices):
    GOALS_MET = "goals_met", _("We reached what we set out to do")
    NOT_A_FIT = "not_a_fit", _("It was not a good fit")
    NO_TIME = "no_time", _("Not enough time right now")
    OTHER = "other", _("Something else")


class DirectMessage(RiskFields):
    """A 1:1 message inside a mentorship. Stored before it is delivered; held when imminent."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["mentorship", "id"])]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Goal(RiskFields):
    """A goal the mentee owns, with steps; the mentor sees it."""

    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="mentoring_goals")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int:
        """Percent of steps done (uses prefetched steps)."""
        steps = list(self.steps.all())
        if not steps:
            return 0
        return round(100 * sum(1 for s in steps if s.done_at) / len(steps))


class GoalStep(RiskFields):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class SessionLog(RiskFields):
    """A mentoring session. ``private_notes`` are for the mentor and their supervisor only."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    topics = models.CharField(max_length=300)
    private_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"session {self.pk}"


class CohortRun(models.Model):
    """An admin's cohort-matching run: optimal and greedy proposals, confirmed or not."""

    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    mentee_ids = models.JSONField(default=list)
    proposal = models.JSONField(default=list)  # [[mentee_id, mentor_id, score], ...]
    optimal_total = models.FloatField(default=0.0)
    optimal_matched = models.PositiveIntegerField(default=0)
    greedy_total = models.FloatField(default=0.0)
    greedy_matched = models.PositiveIntegerField(default=0)
    certified_optimal = models.BooleanField(default=False)
    optimality_gap = models.FloatField(default=0.0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"cohort run {self.pk}"


# --- Peer-delivered services ----------------------------------------------------------------------


class ServiceType(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseloadEntry(models.Model):
    specialist = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="caseload")
    member = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="specialists")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-opened_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["specialist", "member"],
                condition=Q(closed_at__isnull=True),
                name="mentoring_one_open_case",
            ),
            models.CheckConstraint(
                condition=~Q(specialist=F("member")), name="mentoring_no_self_case"
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.specialist_id}→{self.member_id}"


class ServiceOutcome(models.TextChoices):
    COMPLETED = "completed", _("Done as planned")
    PARTIAL = "partial", _("Partly done")
    REFERRED = "referred", _("Referred on")
    NOT_DONE = "not_done", _("Did not happen")


class ServiceDelivery(RiskFields):
    case = models.ForeignKey(CaseloadEntry, on_delete=models.CASCADE, related_name="deliveries")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=12, choices=ServiceOutcome.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-delivered_on", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["service_type", "delivered_on"])
        ]

    def __str__(self) -> str:
        return f"service {self.pk}"
