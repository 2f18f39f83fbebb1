"""Support groups, their facilitators, schedules, meetings and live rooms.

Meetings keep their group's own time zone: a series stores an RFC 5545 RRULE evaluated on the
group's local wall-clock time, and each generated meeting stores its start and end in UTC,
computed from that wall time, so "Tuesdays at 19:00" stays 19:00 across daylight-saving changes.
All live-room state (pause, check-in round, mutes, removals, presence) lives in the database so
that any number of server processes can serve the same room.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerhaven.groups import conf


def new_token() -> str:
    return secrets.token_urlsafe(24)


class GroupFormat(models.TextChoices):
    ONLINE = "online", _("Online (live room)")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    APPROVAL = "approval", _("A facilitator approves requests")
    CLOSED = "closed", _("Closed: by invitation")


class SupportGroup(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=60)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=GroupFormat.choices, default=GroupFormat.ONLINE
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    capacity = models.PositiveIntegerField(
        _("capacity"), default=12, validators=[MinValueValidator(1)]
    )
    join_policy = models.CharField(
        _("who can join"), max_length=20, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    agreement_text = models.TextField(_("group agreement"), max_length=4000)
    agreement_version = models.CharField(_("agreement version"), max_length=20, default="1")
    room_opens_minutes = models.PositiveSmallIntegerField(
        _("room opens (minutes before)"), default=15
    )
    active = models.BooleanField(default=True)
    # Denormalised so the directory never counts rows; services keep it in step.
    member_count = models.PositiveIntegerField(default=0)
    # Retired: a feed token shared by every member could not be taken back from one of them.
    # Group feeds are read with each person's own ``CalendarFeed`` token (``queries.group_feed``);
    # nothing reads this column any more (kept to avoid a migration).
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.member_count)

    @property
    def meets_online(self) -> bool:
        return self.format in (GroupFormat.ONLINE, GroupFormat.HYBRID)


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Member")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")


class Membership(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    status = models.CharField(max_length=20, choices=MembershipStatus.choices)
    agreement_version = models.CharField(max_length=20, blank=True)
    agreement_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}: {self.status}"


class FacilitatorTraining(models.Model):
    """A completed facilitator training. Current while ``expires_on`` is today or later."""

    peer_supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitator_trainings"
    )
    completed_on = models.DateField(_("completed on"))
    trainer = models.CharField(_("trainer"), max_length=120)
    expires_on = models.DateField(_("expires on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["peer_supporter", "expires_on"])
        ]

    def __str__(self) -> str:
        return f"{self.peer_supporter_id} trained {self.completed_on}"

    def is_current(self, on: date | None = None) -> bool:
        today = on or timezone.localdate()
        return self.completed_on <= today <= self.expires_on


class Facilitator(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitating"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["group", "user"], name="one_facilitator_row_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} facilitates {self.group_id}"


class MeetingSeries(models.Model):
    """A recurring schedule: an RRULE on the group's local wall-clock time."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="series")
    rrule = models.CharField(_("recurrence rule (RFC 5545 RRULE)"), max_length=300)
    starts_on = models.DateField(_("first date"))
    local_start = models.TimeField(_("local start time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=90, validators=[MinValueValidator(10)]
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return f"{self.group_id}: {self.rrule} at {self.local_start}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended")


class Meeting(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    # The occurrence the series generated; unchanged when the meeting is moved (idempotency key).
    original_starts_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # RFC 5545 SEQUENCE: bumped each time the meeting is moved or cancelled.
    sequence = models.PositiveIntegerField(default=0)
    change_note = models.CharField(max_length=300, blank=True)
    # A facilitator's note the screener held (imminent risk describing a method): members are
    # told of the change without it until a moderator releases it.
    change_note_held = models.BooleanField(default=False)
    # Who wrote the note: while it is held they still see it on the group page, marked as held.
    change_note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Live-room state, shared by every server process.
    room_paused = models.BooleanField(default=False)
    checkin_order = models.JSONField(default=list, blank=True)
    checkin_index = models.IntegerField(default=-1)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["starts_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["series", "original_starts_at"], name="one_meeting_per_occurrence"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["group", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.group_id} at {self.starts_at.isoformat()}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def public_change_note(self) -> str:
        """The note members see: nothing while the screener holds it for review."""
        return "" if self.change_note_held else self.change_note

    def room_opens_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.group.room_opens_minutes)

    def room_closes_at(self) -> datetime:
        return self.ends_at + timedelta(minutes=conf.get("ROOM_GRACE_MINUTES"))

    def room_is_open(self, now: datetime | None = None) -> bool:
        at = now or timezone.now()
        return (
            self.status == MeetingStatus.SCHEDULED
            and self.room_opens_at() <= at <= self.room_closes_at()
        )


class RsvpResponse(models.TextChoices):
    YES = "yes", _("I'll be there")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("I can't come")


class Rsvp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_rsvps"
    )
    response = models.CharField(max_length=10, choices=RsvpResponse.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_rsvp_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.meeting_id}: {self.response}"


class AttendanceSource(models.TextChoices):
    ROOM = "room", _("Live room")
    MANUAL = "manual", _("Recorded by a facilitator")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_attendance"
    )
    source = models.CharField(max_length=10, choices=AttendanceSource.choices)
    as_facilitator = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} attended {self.meeting_id}"


class RoomVisit(models.Model):
    """One connection to a live room.

    Open visits (``left_at`` empty) seen within ``ROOM_PRESENCE_WINDOW`` are the presence list.
    The connection refreshes ``last_seen_at`` every ``ROOM_HEARTBEAT_SECONDS``; a visit left
    open by a crashed server process stops being refreshed, drops out of the list, and is
    closed by a periodic job.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="visits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_visits"
    )
    channel_name = models.CharField(max_length=200)
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["meeting", "left_at"]),
            # The expiry job looks for open visits not seen lately, across all rooms.
            models.Index(
                fields=["last_seen_at"],
                condition=models.Q(left_at__isnull=True),
                name="groups_open_visit_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.meeting_id}"


class RoomRestriction(models.Model):
    """A facilitator muted or removed someone from one meeting's room."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="restrictions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_restrictions"
    )
    muted = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_restriction_per_room"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.meeting_id}: muted={self.muted} removed={self.removed}"


class RoomMessageKind(models.TextChoices):
    CHAT = "chat", _("Message")
    WELCOME = "welcome", _("Welcome and guidelines")
    SYSTEM = "system", _("Room notice")


class RoomMessage(models.Model):
    """A message in a live room. Stored before it is broadcast; the id orders and resumes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="room_messages",
    )
    kind = models.CharField(
        max_length=10, choices=RoomMessageKind.choices, default=RoomMessageKind.CHAT
    )
    body = models.TextField(max_length=4000)
    risk_level = models.CharField(max_length=10, default="none")
    risk_evidence = models.JSONField(default=list, blank=True)
    # Imminent risk describing a method: kept for its author (and the moderators, who read it on
    # the alert) until reviewed; facilitators are told it was held, not what it says.
    held = models.BooleanField(default=False)
    # When a moderator released a held message: it joins the room late, so resuming clients
    # get it even when they have seen later ids.
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["meeting", "id"])]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.meeting_id}"


class PostMeetingMood(models.Model):
    """ "How are you feeling after today's meeting?" 1 (low) to 5 (good). Optional."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="moods")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_moods"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_mood_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="mood_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} felt {self.score} after {self.meeting_id}"


class FacilitatorNote(models.Model):
    """A facilitator's short note about how a meeting went. Never member content."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitator_notes",
    )
    text = models.TextField(max_length=1000)
    risk_level = models.CharField(max_length=10, default="none")
    risk_evidence = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"note on {self.meeting_id}"


class FacilitatorCheckIn(models.Model):
    """ "How are you doing after facilitating?" for the facilitator's own wellbeing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitator_checkins"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    wants_support = models.BooleanField(default=False)
    note = models.TextField(max_length=1000, blank=True)
    risk_level = models.CharField(max_length=10, default="none")
    risk_evidence = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"facilitator check-in {self.pk}"


class CalendarFeed(models.Model):
    """A member's secret calendar feed address (calendar apps cannot sign in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_calendar"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"

    def group_token(self, group_id: int) -> str:
        """The token of this person's address for one group's calendar.

        ``token`` opens every group the person takes part in, so it never goes into a one-group
        address: someone handed that address (a partner, a carer) could put it into the "all
        my groups" address and read the rest. This is ``<feed id>.<HMAC of the group id keyed
        by token>``: it opens only that group, ``token`` cannot be worked out from it, and it
        changes when the person resets their feed (a new row, a new ``token``). The id only
        finds the row; the HMAC is what is checked (``queries.group_feed``).
        """
        mac = hmac.new(
            self.token.encode(), f"peerhaven.groups.calendar:{group_id}".encode(), hashlib.sha256
        ).digest()
        return f"{self.pk}.{base64.urlsafe_b64encode(mac[:24]).decode()}"
