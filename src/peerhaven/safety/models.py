"""Risk alerts and the moderation queue, crisis resources, safety plans, moderation actions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    NONE = "none", _("None")
    CONCERN = "concern", _("Concern")
    IDEATION = "ideation", _("Ideation")
    IMMINENT = "imminent", _("Imminent")


LEVEL_RANK = {"none": 0, "concern": 1, "ideation": 2, "imminent": 3}


class AlertSource(models.TextChoices):
    SCREENING = "screening", _("Risk screening")
    REVIEW = "review", _("Screening failed: needs review")
    REPORT = "report", _("Report by a member")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class AlertOutcome(models.TextChoices):
    REACHED_OUT = "reached_out", _("Reached out; member is being supported")
    REFERRED = "referred", _("Referred to crisis or professional services")
    EMERGENCY = "emergency", _("Emergency services contacted")
    NO_RISK = "no_risk", _("Reviewed: no risk to the author")
    CONTENT_ACTION = "content_action", _("Content or member action taken")
    NO_ACTION = "no_action", _("Reviewed: no action needed")


class RiskAlert(models.Model):
    """One item in the moderation queue: a risk screening result, a failed screening, a report."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_alerts",
        help_text=_("The person who wrote the text (or who was reported)."),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_filed",
    )
    source = models.CharField(max_length=12, choices=AlertSource.choices)
    kind = models.CharField(max_length=40, help_text=_("What was written, e.g. forums.post."))
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    url = models.CharField(max_length=500, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    evidence = models.JSONField(default=list, blank=True)
    held = models.BooleanField(default=False)
    # The whole held text as written, so the moderator decides on what was actually written even
    # when the moderator cannot open the place (a live room) or the place no longer shows it (a
    # meeting's note replaced by a later move or cancellation). Deleted with the alert on erasure.
    held_text = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text=_("The reporter's reason."))
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sla_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outreach_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AlertOutcome.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    last_escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "sla_due_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.level}, {self.status})"

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, 0)

    @property
    def is_overdue(self) -> bool:
        return self.status == AlertStatus.OPEN and self.sla_due_at < timezone.now()


class ModeratorDuty(models.Model):
    """Whether a moderator is on duty (receives live alerts and escalations)."""

    moderator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_duty"
    )
    on_duty = models.BooleanField(default=False)
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.moderator_id}: {'on' if self.on_duty else 'off'} duty"


class OutreachTemplate(models.Model):
    """A private message from the safety team, editable by admins and moderators."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class CrisisResource(models.Model):
    """A crisis line for one country ("INTL" for the international fallback)."""

    country = models.CharField(_("country"), max_length=4, db_index=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    text = models.CharField(_("text message"), max_length=80, blank=True)
    chat_url = models.URLField(_("chat"), blank=True)
    url = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("hours"), max_length=80, blank=True)
    is_emergency = models.BooleanField(_("emergency number"), default=False)
    verified_on = models.DateField(_("verified on"))
    note = models.CharField(_("note for admins"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["country", "sort_order", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["country", "language", "name"], name="unique_crisis_resource"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.name}"

    def clean(self) -> None:
        """A known country code (or INTL) and a "verified on" date that has happened.

        Checked here so the moderators' page, Django admin and ``services`` all refuse the
        same: a future date would silence the re-verification warning, and a made-up code
        ("UK" for GB) would show the line to nobody.
        """
        from django.core.exceptions import ValidationError

        from peerhaven.accounts.countries import COUNTRY_CODES
        from peerhaven.safety.resources import INTERNATIONAL

        errors: dict[str, str] = {}
        self.country = (self.country or "").strip().upper()
        if self.country and self.country != INTERNATIONAL and self.country not in COUNTRY_CODES:
            errors["country"] = country_code_error(self.country)
        if self.verified_on and self.verified_on > timezone.localdate():
            errors["verified_on"] = str(
                _("The date you checked the line cannot be in the future (today is %(today)s).")
                % {"today": timezone.localdate().isoformat()}
            )
        if errors:
            raise ValidationError(errors)

    @property
    def tel(self) -> str:
        """The first number in ``phone`` as a ``tel:`` target ("112 or 999" gives "112")."""
        first = self.phone.split(" or ")[0]
        return "".join(c for c in first if c.isdigit() or c == "+")

    @property
    def sms(self) -> str:
        """A ``sms:`` target when ``text`` is just a number; empty for instructions."""
        value = self.text.replace(" ", "")
        return value if value.isdigit() else ""


def country_code_error(code: str) -> str:
    """Why ``code`` is not a country code, with the right one when it is a common mistake."""
    known = {"UK": "GB", "EN": "GB", "USA": "US", "IRL": "IE", "AUS": "AU", "NZL": "NZ"}
    if code in known:
        return str(
            _("“%(code)s” is not a country code: use %(right)s.")
            % {"code": code, "right": known[code]}
        )
    return str(
        _(
            "“%(code)s” is not a country code. Use the two-letter ISO 3166 code (GB for the "
            "United Kingdom, US for the United States), or INTL for the international lines."
        )
        % {"code": code}
    )


class SafetyPlan(models.Model):
    """A member's Stanley–Brown safety plan. Private to the member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_plan"
    )
    warning_signs = models.TextField(blank=True)
    coping_strategies = models.TextField(blank=True)
    distractions = models.TextField(blank=True)
    people_to_ask = models.TextField(blank=True)
    professionals = models.TextField(blank=True)
    safe_environment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    STEPS: ClassVar[tuple[str, ...]] = (
        "warning_signs",
        "coping_strategies",
        "distractions",
        "people_to_ask",
        "professionals",
        "safe_environment",
    )

    def __str__(self) -> str:
        return f"safety plan of {self.user_id}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, step).strip() for step in self.STEPS)


class SafetyMessage(models.Model):
    """One message in a member's private conversation with the safety team.

    One conversation per member, across alerts. The team's messages keep the alert they were
    about and which moderator wrote them (for staff); the member only ever sees "Safety team".
    ``read_at`` is when the other side read it: the member for the team's messages, a moderator
    (on the alert page) for the member's replies.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_messages"
    )
    alert = models.ForeignKey(
        RiskAlert, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_team = models.BooleanField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # How the screener read a member's reply (shown to moderators); "none" for the team's.
    risk_level = models.CharField(max_length=10, choices=Level.choices, default=Level.NONE)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["member", "created_at"], name="safety_msg_member_created"),
        ]

    def __str__(self) -> str:
        side = "team" if self.from_team else "member"
        return f"safety message {self.pk} ({side} / {self.member_id})"


class ActionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    # What a mute stops is writing where others read (safety/sanctions.py); the member can still
    # read, react and, as a mentee, write to their own mentor. The label says so.
    MUTE = "mute", _("Mute (cannot post in forums or group rooms, nor write as a mentor)")
    BAN = "ban", _("Ban (cannot sign in to take part)")


class ModerationAction(models.Model):
    """A mute, ban or warning, with its reason shown to the member."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    kind = models.CharField(max_length=10, choices=ActionKind.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    alert = models.ForeignKey(
        RiskAlert, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}"

    def is_active(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    UPHELD = "upheld", _("Decision kept")
    OVERTURNED = "overturned", _("Decision reversed")


class Appeal(models.Model):
    """A member's appeal against a moderation action."""

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField()
    status = models.CharField(
        max_length=12, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"appeal of action {self.action_id}"


class ScreeningLabel(models.Model):
    """A moderator's judgement of one screened or reported text: was its author at risk?

    Recorded when an alert is resolved with an outcome that says so (``feedback.LABEL_FOR``).
    It holds no text, only its digest: ``peerhaven screen --export-labels`` reads the text from
    the object itself, only while it is unchanged and only for members whose "help improve the
    screener" consent is active, so an edit, a deletion, an erasure or a revoked consent takes
    the text out of the next export.
    """

    class Label(models.TextChoices):
        AT_RISK = "at_risk", _("At risk")
        NO_RISK = "no_risk", _("Not at risk")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    # SHA-256 of the text as it was judged: an edited text no longer carries this label.
    text_sha256 = models.CharField(max_length=64, default="")
    label = models.CharField(max_length=10, choices=Label.choices)
    # What the queue item said when the moderator decided: the screener's level, or "concern"
    # for an ordinary report.
    screened_level = models.CharField(max_length=10, choices=Level.choices)
    source = models.CharField(max_length=12, choices=AlertSource.choices)
    alert = models.ForeignKey(RiskAlert, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="safety_label_one_per_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.label}"
