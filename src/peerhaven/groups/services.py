"""Every write in support groups. Keyword-only, with an explicit actor; side effects after commit.

Errors a person can fix or should understand are ``ValidationError`` with a stable ``code``
(``full``, ``invitation_required``, ``agreement_required``, ``cancelled``, ``invalid_rrule``,
``invalid_time_zone``, ``no_facilitator``, ``room_closed``, ``paused``, ``muted`` …).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.local_time import local_text
from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode
from peerhaven.groups import conf, live, permissions
from peerhaven.groups.models import (
    Attendance,
    AttendanceSource,
    CalendarFeed,
    Facilitator,
    FacilitatorCheckIn,
    FacilitatorNote,
    FacilitatorTraining,
    GroupFormat,
    JoinPolicy,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    MembershipStatus,
    PostMeetingMood,
    RoomMessage,
    RoomMessageKind,
    RoomRestriction,
    RoomVisit,
    Rsvp,
    RsvpResponse,
    SupportGroup,
)
from peerhaven.groups.queries import check_room_open
from peerhaven.groups.recurrence import (
    describe_rule,
    normalise_rule,
    occurrences_utc,
    parse_rule,
    rule_until,
    validate_time_zone,
)
from peerhaven.notifications.services import notify
from peerhaven.safety.gate import GateOutcome, report_outcome, screen_user_text
from peerhaven.safety.permissions import check_post
from peerhaven.safety.sockets import standing_changed
from peerhaven.web.inputs import check_storable

logger = logging.getLogger(__name__)

ROOM_KIND = "groups.room"
MEETING_NOTE_KIND = "groups.meeting_note"


# --- Groups, training and facilitators ----------------------------------------------------------


@transaction.atomic
def create_group(
    *,
    actor: User,
    name: str,
    topic: str,
    agreement_text: str,
    time_zone: str,
    format: str = GroupFormat.ONLINE,
    address: str = "",
    language: str = "en",
    capacity: int = 12,
    join_policy: str = JoinPolicy.OPEN,
    description: str = "",
    agreement_version: str = "1",
    room_opens_minutes: int = 15,
    slug: str = "",
) -> SupportGroup:
    """Create a group (admins only). Validates the time zone and the in-person address."""
    permissions.check_manage_groups(actor)
    validate_time_zone(time_zone)
    errors: dict[str, list[str]] = {}
    if format not in GroupFormat.values:
        errors["format"] = [_("Choose online, in person or hybrid.")]
    if join_policy not in JoinPolicy.values:
        errors["join_policy"] = [_("Choose open, approval or closed.")]
    if format in (GroupFormat.IN_PERSON, GroupFormat.HYBRID) and not address.strip():
        errors["address"] = [_("A group that meets in person needs an address.")]
    if not agreement_text.strip():
        errors["agreement_text"] = [_("Every group needs an agreement members accept.")]
    if capacity < 1:
        errors["capacity"] = [_("Capacity must be at least 1.")]
    if errors:
        raise ValidationError(errors)
    base = slugify(slug or name)[:70] or "group"
    candidate, n = base, 1
    while SupportGroup.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    group = SupportGroup.objects.create(
        name=name.strip(),
        slug=candidate,
        topic=topic.strip(),
        description=description.strip(),
        format=format,
        address=address.strip(),
        language=language,
        time_zone=time_zone,
        capacity=capacity,
        join_policy=join_policy,
        agreement_text=agreement_text.strip(),
        agreement_version=agreement_version,
        room_opens_minutes=room_opens_minutes,
        created_by=actor,
    )
    audit.record(actor=actor, action="groups.group.create", obj=group)
    return group


@transaction.atomic
def record_training(
    *, actor: User | None, peer_supporter: User, completed_on: date, trainer: str, expires_on: date
) -> FacilitatorTraining:
    if actor is not None:
        permissions.check_manage_groups(actor)
    if expires_on <= completed_on:
        raise ValidationError(
            {"expires_on": [_("The training must expire after it was completed.")]}
        )
    training = FacilitatorTraining.objects.create(
        peer_supporter=peer_supporter,
        completed_on=completed_on,
        trainer=trainer.strip(),
        expires_on=expires_on,
        recorded_by=actor,
    )
    audit.record(actor=actor, action="groups.training.record", subject=peer_supporter, obj=training)
    return training


@transaction.atomic
def assign_facilitator(*, group: SupportGroup, user: User, actor: User) -> Facilitator:
    """Assign a facilitator. They must be a peer supporter with a current training record."""
    permissions.check_manage_groups(actor)
    if not permissions.can_be_facilitator(user):
        raise ValidationError(
            _("%(name)s needs the peer supporter role and a current facilitator training.")
            % {"name": user.display_name},
            code="not_trained",
        )
    facilitator, _created = Facilitator.objects.get_or_create(
        group=group, user=user, defaults={"assigned_by": actor}
    )
    audit.record(actor=actor, action="groups.facilitator.assign", subject=user, obj=group)
    return facilitator


@transaction.atomic
def unassign_facilitator(*, group: SupportGroup, user: User, actor: User) -> None:
    permissions.check_manage_groups(actor)
    Facilitator.objects.filter(group=group, user=user).delete()
    audit.record(actor=actor, action="groups.facilitator.unassign", subject=user, obj=group)
    standing_changed(user.pk)  # an open room loses their tools, or them if not a member


# --- Membership ---------------------------------------------------------------------------------


def _lock_group(group: SupportGroup) -> SupportGroup:
    return SupportGroup.objects.select_for_update().get(pk=group.pk)


def _check_capacity(group: SupportGroup) -> None:
    active = Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).count()
    if active >= group.capacity:
        raise ValidationError(
            _(
                "This group is full (%(n)s of %(n)s places taken). Try another group or ask a "
                "facilitator to tell you when a place opens."
            )
            % {"n": group.capacity},
            code="full",
        )


def _sync_member_count(group: SupportGroup) -> None:
    count = Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).count()
    SupportGroup.objects.filter(pk=group.pk).update(member_count=count)
    group.member_count = count


# Outcome check-ins for group members: a baseline when they join, then every four weeks.
GROUP_CHECKIN_INSTRUMENTS = ("phq9", "ucla3")
GROUP_CHECKIN_CADENCE_DAYS = 28


def _schedule_checkins(user: User) -> None:
    from peerhaven.outcomes.services import schedule_checkins_safely

    schedule_checkins_safely(
        user=user,
        instrument_ids=GROUP_CHECKIN_INSTRUMENTS,
        cadence_days=GROUP_CHECKIN_CADENCE_DAYS,
        source="group",
    )


@transaction.atomic
def join_group(*, group: SupportGroup, user: User, accept_agreement: bool) -> Membership:
    """Join (open), request to join (approval) or accept an invitation (closed).

    The person must accept the group's agreement. Raises ``ValidationError`` with code
    ``agreement_required``, ``full``, ``invitation_required`` or ``inactive``.
    """
    if not accept_agreement:
        raise ValidationError(
            _("Please read and accept the group agreement to join."), code="agreement_required"
        )
    group = _lock_group(group)
    if not group.active:
        raise ValidationError(_("This group is not meeting any more."), code="inactive")
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        return membership
    if membership is not None and membership.status == MembershipStatus.REMOVED:
        raise ValidationError(
            _("You were removed from this group; a facilitator can invite you again."),
            code="invitation_required",
        )
    now = timezone.now()
    invited = membership is not None and membership.status == MembershipStatus.INVITED
    if group.join_policy == JoinPolicy.CLOSED and not invited:
        raise ValidationError(
            _("This group is by invitation only. A facilitator can invite you."),
            code="invitation_required",
        )
    if group.join_policy == JoinPolicy.APPROVAL and not invited:
        status = MembershipStatus.REQUESTED
    else:
        _check_capacity(group)
        status = MembershipStatus.ACTIVE
    if membership is None:
        membership = Membership(group=group, user=user)
    membership.status = status
    membership.agreement_version = group.agreement_version
    membership.agreement_accepted_at = now
    membership.joined_at = now if status == MembershipStatus.ACTIVE else None
    membership.left_at = None
    membership.save()
    _sync_member_count(group)
    if status == MembershipStatus.ACTIVE:
        _schedule_checkins(user)
    if status == MembershipStatus.REQUESTED:
        for f in Facilitator.objects.filter(group=group).select_related("user"):
            _tell(
                f.user,
                group,
                app_title=_("%(name)s asked to join %(group)s")
                % {"name": user.display_name, "group": group.name},
                email_title=_("Someone asked to join your group"),
                body=_("Open the group's requests to see who and to answer."),
                manage=True,
            )
    return membership


@transaction.atomic
def leave_group(*, group: SupportGroup, user: User) -> None:
    group = _lock_group(group)
    updated = Membership.objects.filter(
        group=group,
        user=user,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED],
    ).update(status=MembershipStatus.LEFT, left_at=timezone.now())
    if updated:
        _sync_member_count(group)
        standing_changed(user.pk)  # their open room connections (another tab) close now


@transaction.atomic
def invite_member(*, group: SupportGroup, user: User, actor: User) -> Membership:
    permissions.check_manage_group(actor, group)
    membership, _created = Membership.objects.get_or_create(
        group=group,
        user=user,
        defaults={"status": MembershipStatus.INVITED, "invited_by": actor},
    )
    if membership.status != MembershipStatus.ACTIVE:
        membership.status = MembershipStatus.INVITED
        membership.invited_by = actor
        membership.save(update_fields=["status", "invited_by"])
        _tell(
            user,
            group,
            app_title=_("You are invited to join %(group)s") % {"group": group.name},
            email_title=_("You are invited to join a support group"),
            body=_("Open the group's page to read its agreement and join."),
        )
    return membership


@transaction.atomic
def decide_request(*, membership: Membership, actor: User, approve: bool) -> Membership:
    group = _lock_group(membership.group)
    permissions.check_manage_group(actor, group)
    membership.refresh_from_db()
    if membership.status != MembershipStatus.REQUESTED:
        raise ValidationError(_("This request was already answered."), code="answered")
    if approve:
        _check_capacity(group)
        membership.status = MembershipStatus.ACTIVE
        membership.joined_at = timezone.now()
    else:
        membership.status = MembershipStatus.LEFT
        membership.left_at = timezone.now()
    membership.save(update_fields=["status", "joined_at", "left_at"])
    _sync_member_count(group)
    if approve:
        _schedule_checkins(membership.user)
    _tell(
        membership.user,
        group,
        app_title=(_("Welcome to %(group)s") if approve else _("Your request to join %(group)s"))
        % {"group": group.name},
        email_title=(
            _("Your request to join a group was accepted")
            if approve
            else _("About your request to join a group")
        ),
        body=_("Welcome: you are now a member.")
        if approve
        else _("The facilitators could not offer you a place this time."),
    )
    audit.record(
        actor=actor,
        action="groups.request.approve" if approve else "groups.request.decline",
        subject=membership.user,
        obj=group,
    )
    return membership


@transaction.atomic
def remove_member(*, group: SupportGroup, user: User, actor: User) -> None:
    """A facilitator or admin removes someone from the group. They can only come back by a new
    invitation; their open room connections are closed once this commits."""
    group = _lock_group(group)
    permissions.check_manage_group(actor, group)
    if user.pk == actor.pk:
        raise ValidationError(_("To leave the group yourself, use Leave."), code="invalid_target")
    updated = Membership.objects.filter(
        group=group,
        user=user,
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.INVITED],
    ).update(status=MembershipStatus.REMOVED, left_at=timezone.now())
    if not updated:
        raise ValidationError(_("That person is not in this group."), code="not_member")
    _sync_member_count(group)
    audit.record(actor=actor, action="groups.member.remove", subject=user, obj=group)
    standing_changed(user.pk)


# --- Schedules and meetings ----------------------------------------------------------------------


@transaction.atomic
def add_series(
    *,
    group: SupportGroup,
    actor: User,
    rrule: str,
    starts_on: date,
    local_start: time,
    duration_minutes: int = 90,
    weeks: int | None = None,
    time_zone: str | None = None,
) -> MeetingSeries:
    """Add a recurring schedule (validated RRULE) and generate its first meetings.

    ``time_zone``, when given and different, first changes the group's zone (see
    ``set_group_time_zone``)."""
    permissions.check_edit_schedule(actor, group)
    if time_zone is not None and time_zone.strip() != group.time_zone:
        try:
            validate_time_zone(time_zone.strip())
        except ValidationError as exc:
            raise ValidationError({"time_zone": [exc]}) from None
    validate_time_zone(group.time_zone)
    parse_rule(rrule, dtstart=datetime.combine(starts_on, local_start))
    if duration_minutes < 10 or duration_minutes > 600:
        raise ValidationError(
            {"duration_minutes": [_("A meeting lasts between 10 minutes and 10 hours.")]}
        )
    if time_zone is not None and time_zone.strip() != group.time_zone:
        set_group_time_zone(group=group, actor=actor, time_zone=time_zone.strip())
    series = MeetingSeries.objects.create(
        group=group,
        rrule=rrule.strip().removeprefix("RRULE:"),
        starts_on=starts_on,
        local_start=local_start,
        duration_minutes=duration_minutes,
    )
    generate_meetings(series=series, weeks=weeks)
    audit.record(actor=actor, action="groups.series.add", obj=series)
    return series


def generate_meetings(
    *, series: MeetingSeries, weeks: int | None = None, now: datetime | None = None
) -> int:
    """Create the series' meetings for the next ``weeks`` weeks. Idempotent; returns new count.

    A meeting that was moved or cancelled keeps its ``original_starts_at``, so regenerating
    never brings it back.
    """
    at = now or timezone.now()
    tz = ZoneInfo(series.group.time_zone)
    today = at.astimezone(tz).date()
    until = today + timedelta(weeks=weeks or conf.get("GENERATE_WEEKS"))
    created = 0
    for start, end in occurrences_utc(
        rule=series.rrule,
        time_zone=series.group.time_zone,
        starts_on=series.starts_on,
        local_start=series.local_start,
        duration=timedelta(minutes=series.duration_minutes),
        until=until,
        after=today,
    ):
        if end < at:
            continue
        _m, was_created = Meeting.objects.get_or_create(
            series=series,
            original_starts_at=start,
            defaults={"group": series.group, "starts_at": start, "ends_at": end},
        )
        created += int(was_created)
    return created


def generate_all_meetings(*, weeks: int | None = None, now: datetime | None = None) -> int:
    total = 0
    for series in MeetingSeries.objects.filter(active=True, group__active=True).select_related(
        "group"
    ):
        try:
            total += generate_meetings(series=series, weeks=weeks, now=now)
        except ValidationError:
            # A rule saved before a check existed (one that never gives a date, say) must not
            # stop every other group's meetings; its editors see the error when they open it.
            logger.warning("groups: schedule %s has a rule that cannot be used", series.pk)
    return total


# --- Editing schedules ----------------------------------------------------------------------------

# A meeting moves to the new schedule's nearest occurrence closer than this; farther, it is
# cancelled (or dropped) and the new occurrence is a new meeting.
PAIRING_TOLERANCE = timedelta(days=7)


@dataclass
class MovedMeeting:
    meeting: Meeting
    was: datetime


@dataclass
class ScheduleChange:
    """What editing (or stopping) a schedule did to the meetings still to come."""

    moved: list[MovedMeeting] = field(default_factory=list)
    cancelled: list[Meeting] = field(default_factory=list)
    removed: int = 0
    created: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.cancelled or self.removed or self.created)

    def as_dict(self) -> dict[str, int]:
        return {
            "moved": len(self.moved),
            "cancelled": len(self.cancelled),
            "removed": self.removed,
            "created": self.created,
        }


def _checked_schedule(
    *,
    rrule: str,
    starts_on: date,
    local_start: time,
    duration_minutes: int,
    time_zone: str,
) -> str:
    """Validate a schedule; ValidationError keyed by field (``rrule``, ``time_zone`` …)."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        errors["time_zone"] = [exc]
    rule = normalise_rule(rrule)
    try:
        parse_rule(rule, dtstart=datetime.combine(starts_on, local_start))
    except ValidationError as exc:
        errors["rrule"] = [exc]
    else:
        until = rule_until(rule)
        if until is not None and until < starts_on:
            errors["ends_on"] = [
                ValidationError(_("The schedule must end on or after its first date."))
            ]
    if not 10 <= duration_minutes <= 600:
        errors["duration_minutes"] = [
            ValidationError(_("A meeting lasts between 10 minutes and 10 hours."))
        ]
    if errors:
        raise ValidationError(errors)
    return rule


def _pair(
    meetings: list[Meeting], occurrences: list[tuple[datetime, datetime]]
) -> list[tuple[Meeting, tuple[datetime, datetime]]]:
    """Match meetings to new occurrences, nearest first (an unchanged one matches itself)."""
    candidates = sorted(
        (abs(occ[0] - m.starts_at), m.starts_at, i, j)
        for i, m in enumerate(meetings)
        for j, occ in enumerate(occurrences)
        if abs(occ[0] - m.starts_at) < PAIRING_TOLERANCE
    )
    used_m: set[int] = set()
    used_o: set[int] = set()
    pairs = []
    for _distance, _start, i, j in candidates:
        if i in used_m or j in used_o:
            continue
        used_m.add(i)
        used_o.add(j)
        pairs.append((meetings[i], occurrences[j]))
    return pairs


def _reschedule(
    *,
    series: MeetingSeries,
    change: ScheduleChange,
    now: datetime,
    weeks: int | None = None,
    stop: bool = False,
) -> None:
    """Bring the series' meetings after ``now`` in line with its (new) rule.

    Meetings that started already are never touched. Each upcoming meeting moves to the nearest
    new occurrence (``SEQUENCE`` bumped, reminder re-armed, RSVPs kept); one with no occurrence
    near is cancelled when anyone replied to it or was in its room (it stays in calendar feeds as
    cancelled), and dropped otherwise; new occurrences become new meetings. Meetings that were
    cancelled by hand keep their slot, so a cancelled occurrence does not come back.
    """
    tz = ZoneInfo(series.group.time_zone)
    today = now.astimezone(tz).date()
    upcoming = list(
        Meeting.objects.select_for_update()
        .filter(series=series, starts_at__gt=now)
        .order_by("starts_at")
    )
    scheduled = [m for m in upcoming if m.status == MeetingStatus.SCHEDULED]
    # Occurrences other meetings of the series stand for (cancelled by hand, or moved to a time
    # that has passed): they are not generated again.
    kept_slots = set(
        Meeting.objects.filter(series=series, original_starts_at__gt=now)
        .exclude(pk__in=[m.pk for m in scheduled])
        .values_list("original_starts_at", flat=True)
    )
    occurrences: list[tuple[datetime, datetime]] = []
    if not stop:
        until = today + timedelta(weeks=weeks or conf.get("GENERATE_WEEKS"))
        if scheduled:
            until = max(until, scheduled[-1].starts_at.astimezone(tz).date())
        occurrences = [
            (start, end)
            for start, end in occurrences_utc(
                rule=series.rrule,
                time_zone=series.group.time_zone,
                starts_on=series.starts_on,
                local_start=series.local_start,
                duration=timedelta(minutes=series.duration_minutes),
                until=until,
                after=today,
            )
            if start > now and start not in kept_slots
        ]
    pairs = _pair(scheduled, occurrences)
    ids = [m.pk for m in scheduled]
    in_use = (
        set(Rsvp.objects.filter(meeting_id__in=ids).values_list("meeting_id", flat=True))
        | set(RoomVisit.objects.filter(meeting_id__in=ids).values_list("meeting_id", flat=True))
        | set(RoomMessage.objects.filter(meeting_id__in=ids).values_list("meeting_id", flat=True))
    )
    # Free the idempotency keys first, so that re-pairing can never collide on them.
    Meeting.objects.filter(pk__in=ids).update(original_starts_at=None)
    note = _("The group's meeting schedule changed.")
    paired = set()
    for meeting, (start, end) in pairs:
        paired.add(meeting.pk)
        meeting.original_starts_at = start
        if (meeting.starts_at, meeting.ends_at) == (start, end):
            meeting.save(update_fields=["original_starts_at"])
            continue
        was = meeting.starts_at
        meeting.starts_at, meeting.ends_at = start, end
        meeting.sequence += 1
        meeting.change_note, meeting.change_note_held = note, False
        meeting.change_note_by = None
        meeting.reminder_sent_at = None
        meeting.updated_at = now
        meeting.save(
            update_fields=[
                "original_starts_at",
                "starts_at",
                "ends_at",
                "sequence",
                "change_note",
                "change_note_held",
                "change_note_by",
                "reminder_sent_at",
                "updated_at",
            ]
        )
        change.moved.append(MovedMeeting(meeting=meeting, was=was))
    for meeting in scheduled:
        if meeting.pk in paired:
            continue
        if meeting.pk in in_use:
            meeting.status = MeetingStatus.CANCELLED
            meeting.sequence += 1
            meeting.change_note, meeting.change_note_held = note, False
            meeting.change_note_by = None
            meeting.updated_at = now
            meeting.save(
                update_fields=[
                    "status",
                    "sequence",
                    "change_note",
                    "change_note_held",
                    "change_note_by",
                    "updated_at",
                ]
            )
            change.cancelled.append(meeting)
        else:
            meeting.delete()
            change.removed += 1
    taken = {occ for _m, occ in pairs}
    for start, end in occurrences:
        if (start, end) in taken:
            continue
        Meeting.objects.create(
            group=series.group,
            series=series,
            original_starts_at=start,
            starts_at=start,
            ends_at=end,
        )
        change.created += 1


def schedule_text(series: MeetingSeries) -> str:
    """ "Every week on Tuesday at 19:00 (Europe/London)" """
    return _("%(rule)s at %(time)s (%(zone)s)") % {
        "rule": describe_rule(series.rrule),
        "time": series.local_start.strftime("%H:%M"),
        "zone": series.group.time_zone,
    }


def _tell_about_schedule(
    group: SupportGroup, change: ScheduleChange, headline: str, stopped: bool = False
) -> None:
    """One notice per participant (not one per meeting), naming the meetings they replied to."""
    if not change.changed:
        return
    affected = [mv.meeting.pk for mv in change.moved] + [m.pk for m in change.cancelled]
    replies: dict[int, set[int]] = {}
    for uid, mid in Rsvp.objects.filter(meeting_id__in=affected).values_list(
        "user_id", "meeting_id"
    ):
        replies.setdefault(uid, set()).add(mid)
    email_title = (
        _("A schedule of your group has stopped")
        if stopped
        else _("Your group's meeting schedule has changed")
    )
    app_title = (
        _("%(group)s: a schedule has stopped")
        if stopped
        else _("%(group)s: the meeting schedule has changed")
    ) % {"group": group.name}
    for p in participants(group):
        mine = replies.get(p.pk, set())
        lines = [headline]
        for mv in change.moved:
            if mv.meeting.pk in mine:
                lines.append(
                    _("The meeting on %(was)s that you replied to is now on %(now)s.")
                    % {"was": local_text(mv.was, p), "now": local_text(mv.meeting.starts_at, p)}
                )
        for m in change.cancelled:
            if m.pk in mine:
                lines.append(
                    _("The meeting on %(was)s that you replied to is cancelled.")
                    % {"was": local_text(m.starts_at, p)}
                )
        _tell(p, group, app_title=app_title, email_title=email_title, body=" ".join(lines))


@transaction.atomic
def update_series(
    *,
    series: MeetingSeries,
    actor: User,
    rrule: str,
    starts_on: date,
    local_start: time,
    duration_minutes: int,
    time_zone: str | None = None,
    weeks: int | None = None,
    now: datetime | None = None,
) -> ScheduleChange:
    """Edit a recurring schedule (the group's facilitators and admins).

    ``time_zone`` changes the group's zone (all its schedules follow). Upcoming meetings are
    regenerated (see ``_reschedule``); meetings that started already are untouched; every
    participant gets one notice naming the meetings they had replied to. Raises ValidationError
    keyed by field (``rrule``, ``time_zone``, ``ends_on``, ``duration_minutes``).
    """
    group = _lock_group(series.group)
    permissions.check_edit_schedule(actor, group)
    zone = (time_zone or group.time_zone).strip()
    rule = _checked_schedule(
        rrule=rrule,
        starts_on=starts_on,
        local_start=local_start,
        duration_minutes=duration_minutes,
        time_zone=zone,
    )
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not series.active:
        raise ValidationError(_("This schedule has stopped; add a new one."), code="inactive")
    before = {
        "rrule": series.rrule,
        "starts_on": series.starts_on.isoformat(),
        "local_start": series.local_start.strftime("%H:%M"),
        "duration_minutes": series.duration_minutes,
        "time_zone": group.time_zone,
    }
    series.rrule = rule
    series.starts_on = starts_on
    series.local_start = local_start
    series.duration_minutes = duration_minutes
    series.save(update_fields=["rrule", "starts_on", "local_start", "duration_minutes"])
    targets = [series]
    if zone != group.time_zone:
        group.time_zone = zone
        group.save(update_fields=["time_zone"])
        targets += list(
            MeetingSeries.objects.filter(group=group, active=True).exclude(pk=series.pk)
        )
    at = now or timezone.now()
    change = ScheduleChange()
    for target in targets:
        target.group = group
        _reschedule(series=target, change=change, now=at, weeks=weeks)
    headline = _("Meetings are now: %(s)s.") % {"s": schedule_text(series)}
    _tell_about_schedule(group, change, headline)
    audit.record(
        actor=actor,
        action="groups.series.update",
        obj=series,
        detail={"before": before, **change.as_dict()},
    )
    return change


@transaction.atomic
def set_group_time_zone(
    *, group: SupportGroup, actor: User, time_zone: str, now: datetime | None = None
) -> ScheduleChange:
    """Move a group to another time zone: its schedules keep their local wall-clock times there,
    so upcoming meetings are regenerated (with one notice to each participant)."""
    locked = _lock_group(group)
    permissions.check_edit_schedule(actor, locked)
    zone = time_zone.strip()
    try:
        validate_time_zone(zone)
    except ValidationError as exc:
        raise ValidationError({"time_zone": [exc]}) from None
    change = ScheduleChange()
    if zone == locked.time_zone:
        return change
    before = locked.time_zone
    locked.time_zone = zone
    locked.save(update_fields=["time_zone"])
    group.time_zone = zone
    at = now or timezone.now()
    for series in MeetingSeries.objects.filter(group=locked, active=True):
        series.group = locked
        _reschedule(series=series, change=change, now=at)
    _tell_about_schedule(
        locked,
        change,
        _("The group now meets in %(zone)s time.") % {"zone": zone},
    )
    audit.record(
        actor=actor,
        action="groups.group.time_zone",
        obj=locked,
        detail={"from": before, "to": zone, **change.as_dict()},
    )
    return change


@transaction.atomic
def stop_series(
    *, series: MeetingSeries, actor: User, now: datetime | None = None
) -> ScheduleChange:
    """Stop a recurring schedule: its upcoming meetings are cancelled (or dropped when no one
    replied), with one notice to each participant. Past meetings stay."""
    group = _lock_group(series.group)
    permissions.check_edit_schedule(actor, group)
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    series.group = group
    change = ScheduleChange()
    if series.active:
        series.active = False
        series.save(update_fields=["active"])
        _reschedule(series=series, change=change, now=now or timezone.now(), stop=True)
        _tell_about_schedule(
            group,
            change,
            _("The schedule “%(s)s” has stopped.") % {"s": schedule_text(series)},
            stopped=True,
        )
        audit.record(actor=actor, action="groups.series.stop", obj=series, detail=change.as_dict())
    return change


@transaction.atomic
def schedule_meeting(
    *, group: SupportGroup, actor: User, starts_at: datetime, duration_minutes: int = 90
) -> Meeting:
    """A one-off meeting outside any series."""
    permissions.check_manage_group(actor, group)
    return Meeting.objects.create(
        group=group, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=duration_minutes)
    )


def participants(group: SupportGroup) -> list[User]:
    """Active members and facilitators: the people who get notices about the group's meetings."""
    members = User.objects.filter(
        group_memberships__group=group,
        group_memberships__status=MembershipStatus.ACTIVE,
        is_active=True,
    )
    facilitators = User.objects.filter(facilitating__group=group, is_active=True)
    return list((members | facilitators).distinct())


def when(meeting: Meeting, user: User) -> str:
    """The meeting's start in the person's own time zone, with the zone's name, for notices."""
    return local_text(meeting.starts_at, user, with_zone=True)


def group_link(group: SupportGroup, *, manage: bool = False) -> str:
    """A notification's link to a group: by id, since its slug can tell what the group is about."""
    return reverse("groups:open_manage" if manage else "groups:open", args=[group.pk])


def _tell(
    person: User,
    group: SupportGroup,
    *,
    app_title: str,
    email_title: str,
    body: str = "",
    manage: bool = False,
) -> None:
    """A group notice. In the app it names the group; the e-mail (subject, text and link)
    does not: a group's name can say what someone lives with ("Postpartum depression
    circle"), and an e-mail shows on lock screens and in shared inboxes. ``body`` goes to
    both, so it must not name the group either."""
    notify(
        recipient=person,
        kind="group",
        title=app_title,
        body=body,
        url=group_link(group, manage=manage),
        email_title=email_title,
        email_body=body,
    )


def _notify_participants(
    meeting: Meeting, *, app_title: str, email_title: str, body_for: Any
) -> None:
    app_title = app_title % {"group": meeting.group.name}
    for person in participants(meeting.group):
        _tell(
            person,
            meeting.group,
            app_title=app_title,
            email_title=email_title,
            body=body_for(person),
        )


def _screen_change_note(*, actor: User, note: str) -> tuple[str, GateOutcome | None]:
    """A facilitator's note to members, before it is stored: (the note, the screening result).

    The note reaches every member, so a moderator's mute or ban refuses it
    (``PostingRestrictedError``); moving or cancelling without a note stays possible.
    """
    note = (note or "").strip()[:300]
    if not note:
        return "", None
    check_post(actor)
    return note, screen_user_text(text=note, kind=MEETING_NOTE_KIND, author=actor)


def _store_change_note(
    meeting: Meeting, note: str, outcome: GateOutcome | None, actor: User
) -> None:
    meeting.change_note = note
    meeting.change_note_held = outcome is not None and outcome.hold
    meeting.change_note_by = actor if note else None


def _report_change_note(
    meeting: Meeting, actor: User, outcome: GateOutcome | None, request: Any
) -> None:
    if outcome is not None:
        report_outcome(
            outcome=outcome,
            author=actor,
            kind=MEETING_NOTE_KIND,
            obj=meeting,
            url=reverse("groups:detail", args=[meeting.group.slug]),
            request=request,
            text=meeting.change_note,
        )


def release_held_change_note(object_id: str, publish: bool) -> None:
    """Called by safety when a moderator resolves the alert on a held note to members.

    Publishing shows the meeting's current note to members; not publishing keeps it held (seen
    by its writer on the group page, marked as held), as forums and mentoring keep what a
    moderator does not release. The meeting has one note: a later move or cancellation (or a
    schedule change) replaces it. So the alert keeps its own copy of the held note
    (``RiskAlert.held_text``, passed through ``report_outcome``) and the moderator always reads
    what was written; a later held note updates the open alert's copy, since that is the note
    a release would publish.

    A release is news, so it is told as a move or cancellation is: the meeting's participants
    are notified with the note, and ``SEQUENCE`` and ``updated_at`` go up so calendar feeds
    show it. Releasing a note that is no longer held (released already, or replaced) does
    nothing; releasing one after the meeting's end publishes it without notifying anyone.
    """
    if not publish:
        return
    if not Meeting.objects.filter(pk=object_id, change_note_held=True).update(
        change_note_held=False, sequence=F("sequence") + 1, updated_at=timezone.now()
    ):
        return
    meeting = Meeting.objects.select_related("group").get(pk=object_id)
    note = meeting.public_change_note
    if not note or meeting.ends_at <= timezone.now():
        # A meeting that is over is no news: the note shows on its page, nobody is notified.
        return
    if meeting.status == MeetingStatus.CANCELLED:
        app_title = _("%(group)s: the facilitator added a note about the cancelled meeting")
        email_title = _("The facilitator added a note about a cancelled meeting")
        intro = _("About the meeting on %(when)s, which is cancelled:")
    else:
        app_title = _("%(group)s: the facilitator added a note about the moved meeting")
        email_title = _("The facilitator added a note about a moved meeting")
        intro = _("About the meeting that now starts %(when)s:")
    _notify_participants(
        meeting,
        app_title=app_title,
        email_title=email_title,
        body_for=lambda p: f"{intro % {'when': when(meeting, p)}} {note}",
    )


@transaction.atomic
def move_meeting(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: datetime,
    ends_at: datetime | None = None,
    note: str = "",
    request: Any = None,
) -> Meeting:
    """Move one meeting; members are told. Bumps the iCalendar SEQUENCE.

    The note to members is screened like any text (a mute or ban refuses it); a note held for
    review is left out of what members are told until a moderator releases it.
    """
    permissions.check_manage_group(actor, meeting.group)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be moved."), code="not_scheduled")
    duration = meeting.ends_at - meeting.starts_at
    end = ends_at or starts_at + duration
    if end <= starts_at:
        raise ValidationError(_("The meeting must end after it starts."), code="invalid")
    if starts_at <= timezone.now():
        # A typo (last year, this morning) would hide the meeting: its room never opens, no
        # reminder goes out, and members are told of a time that has passed.
        raise ValidationError(
            _("Choose a new start in the future; to call this meeting off, cancel it."),
            code="in_past",
        )
    note, outcome = _screen_change_note(actor=actor, note=note)
    old = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, end
    meeting.sequence = F("sequence") + 1
    _store_change_note(meeting, note, outcome, actor)
    meeting.reminder_sent_at = None
    meeting.updated_at = timezone.now()
    meeting.save()
    meeting.refresh_from_db()
    told = meeting.public_change_note
    _notify_participants(
        meeting,
        app_title=_("%(group)s: a meeting has moved"),
        email_title=_("A meeting of your group has moved"),
        body_for=lambda p: (
            _("It now starts %(when)s.") % {"when": when(meeting, p)} + (f" {told}" if told else "")
        ),
    )
    _report_change_note(meeting, actor, outcome, request)
    audit.record(
        actor=actor, action="groups.meeting.move", obj=meeting, detail={"from": old.isoformat()}
    )
    return meeting


@transaction.atomic
def cancel_meeting(
    *, meeting: Meeting, actor: User, note: str = "", request: Any = None
) -> Meeting:
    """Cancel one meeting; members are told; the room will not open. Bumps SEQUENCE.

    The note to members is screened and sanction-checked as in ``move_meeting``.
    """
    permissions.check_manage_group(actor, meeting.group)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("This meeting is not scheduled."), code="not_scheduled")
    note, outcome = _screen_change_note(actor=actor, note=note)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence = F("sequence") + 1
    _store_change_note(meeting, note, outcome, actor)
    meeting.updated_at = timezone.now()
    meeting.save()
    meeting.refresh_from_db()
    told = meeting.public_change_note
    _notify_participants(
        meeting,
        app_title=_("%(group)s: a meeting is cancelled"),
        email_title=_("A meeting of your group is cancelled"),
        body_for=lambda p: (
            _("The meeting on %(when)s will not take place.") % {"when": when(meeting, p)}
            + (f" {told}" if told else "")
        ),
    )
    _report_change_note(meeting, actor, outcome, request)
    audit.record(actor=actor, action="groups.meeting.cancel", obj=meeting)
    return meeting


@transaction.atomic
def rsvp(*, meeting: Meeting, user: User, response: str) -> Rsvp:
    if not permissions.can_take_part(user, meeting.group):
        raise PermissionDenied
    if response not in RsvpResponse.values:
        raise ValidationError(_("Answer yes, maybe or no."), code="invalid")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(
            _("This meeting was cancelled, so there is nothing to reply to."), code="cancelled"
        )
    if meeting.status == MeetingStatus.ENDED or meeting.ends_at < timezone.now():
        raise ValidationError(_("This meeting is over."), code="over")
    row, _created = Rsvp.objects.update_or_create(
        meeting=meeting, user=user, defaults={"response": response, "updated_at": timezone.now()}
    )
    return row


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind participants of meetings starting within the reminder lead time. Idempotent."""
    at = now or timezone.now()
    lead = timedelta(minutes=conf.get("REMINDER_MINUTES"))
    due = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gt=at,
        starts_at__lte=at + lead,
        group__active=True,
    ).select_related("group")
    sent = 0
    for meeting in due:
        with transaction.atomic():
            claimed = Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=at
            )
            if not claimed:
                continue
            declined = set(
                Rsvp.objects.filter(meeting=meeting, response=RsvpResponse.NO).values_list(
                    "user_id", flat=True
                )
            )
            for person in participants(meeting.group):
                if person.pk in declined:
                    continue
                # The clock time, not "in 30 minutes": an e-mail may wait for the person's
                # quiet hours to end.
                clock = local_text(meeting.starts_at, person, "H:i")
                _tell(
                    person,
                    meeting.group,
                    app_title=_("Reminder: %(group)s meets at %(time)s")
                    % {"group": meeting.group.name, "time": clock},
                    email_title=_("Reminder: your group meets at %(time)s") % {"time": clock},
                    body=_("The meeting starts %(when)s.") % {"when": when(meeting, person)},
                )
                sent += 1
    return sent


@transaction.atomic
def record_manual_attendance(
    *, meeting: Meeting, actor: User, present: list[User]
) -> list[Attendance]:
    """A facilitator records who came to an in-person meeting."""
    permissions.check_manage_group(actor, meeting.group)
    allowed = {u.pk for u in participants(meeting.group)}
    rows = []
    for person in present:
        if person.pk not in allowed:
            raise ValidationError(
                _("%(name)s is not a member of this group.") % {"name": person.display_name},
                code="not_member",
            )
        row, _created = Attendance.objects.get_or_create(
            meeting=meeting,
            user=person,
            defaults={"source": AttendanceSource.MANUAL, "recorded_by": actor},
        )
        rows.append(row)
    audit.record(
        actor=actor,
        action="groups.attendance.record",
        obj=meeting,
        detail={"user_ids": [u.pk for u in present]},
    )
    return rows


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def reset_calendar_feed(*, user: User, request: HttpRequest | None = None) -> CalendarFeed:
    """Replace the person's calendar addresses, for when one was shared or leaked.

    A new row gives a new "all my groups" token and, since one-group tokens are made from it
    (``CalendarFeed.group_token``), new one-group addresses too: every address given out
    before answers 404 from the next fetch. Audited (no token in the log).
    """
    old = list(CalendarFeed.objects.filter(user=user).values_list("pk", flat=True))
    CalendarFeed.objects.filter(user=user).delete()
    feed = CalendarFeed.objects.create(user=user)
    audit.record(
        actor=user,
        action="groups.calendar.reset",
        subject=user,
        obj=feed,
        detail={"replaced_feed_ids": old},
        request=request,
    )
    return feed


# --- The live room -------------------------------------------------------------------------------


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def message_json(msg: RoomMessage) -> dict[str, Any]:
    return {
        "id": msg.pk,
        "kind": msg.kind,
        "author": person(msg.author)
        if msg.author_id
        else ({"id": None, "name": _("[deleted member]")} if msg.kind == "chat" else None),
        "body": msg.body,
        "held": msg.held,
        "created_at": msg.created_at.isoformat(),
    }


def _seen_since(now: datetime | None = None) -> datetime:
    """Visits last seen before this are stale (their server process stopped heartbeating)."""
    return (now or timezone.now()) - timedelta(seconds=conf.get("ROOM_PRESENCE_WINDOW"))


def live_visits(meeting_id: int, now: datetime | None = None) -> Any:
    """Open visits of a room whose connection heartbeated within the presence window."""
    return RoomVisit.objects.filter(
        meeting_id=meeting_id, left_at__isnull=True, last_seen_at__gte=_seen_since(now)
    )


def presence(meeting_id: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """Who is here: people with a live (recently heartbeating) connection, first come first."""
    seen: dict[int, dict[str, Any]] = {}
    for visit in live_visits(meeting_id, now).select_related("user").order_by("joined_at"):
        seen.setdefault(visit.user_id, person(visit.user) or {})
    return list(seen.values())


def checkin_json(meeting: Meeting) -> dict[str, Any]:
    order = list(meeting.checkin_order or [])
    names = dict(User.objects.filter(pk__in=order).values_list("pk", "display_name"))
    current = order[meeting.checkin_index] if 0 <= meeting.checkin_index < len(order) else None
    return {
        "type": "checkin",
        "active": current is not None,
        "order": [{"id": uid, "name": names.get(uid, "")} for uid in order],
        "current": current,
    }


def room_state(*, meeting_id: int, user: User, last_seen_id: int | None) -> dict[str, Any]:
    """What a (re)connecting participant needs: presence, pause, check-in and missed messages.

    Held messages are in the backlog of their author only; a facilitator gets ``alerts``, the
    ``risk_alert`` (without the text) of every message still held in the room.
    """
    meeting = Meeting.objects.select_related("group").get(pk=meeting_id)
    is_fac = permissions.can_run_room(user, meeting)
    qs = RoomMessage.objects.filter(meeting=meeting).select_related("author")
    if last_seen_id:
        # A message a moderator released joins the room late, under an older id.
        qs = qs.filter(Q(pk__gt=last_seen_id) | Q(released_at__isnull=False))
    qs = qs.filter(Q(held=False) | Q(author=user))
    backlog = list(qs.order_by("-pk")[: conf.get("ROOM_BACKLOG")])[::-1]
    restriction = RoomRestriction.objects.filter(meeting=meeting, user=user).first()
    state: dict[str, Any] = {
        "type": "state",
        "meeting": {
            "id": meeting.pk,
            "group": meeting.group.name,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "status": meeting.status,
        },
        "me": {
            **(person(user) or {}),
            "facilitator": is_fac,
            "muted": bool(restriction and restriction.muted),
        },
        "paused": meeting.room_paused,
        "present": presence(meeting.pk),
        "checkin": checkin_json(meeting),
        "messages": [message_json(m) for m in backlog],
    }
    if is_fac:
        # Not about their own held text: its author already sees it marked held.
        held = (
            RoomMessage.objects.filter(meeting=meeting, held=True)
            .exclude(author=user)
            .select_related("author")
        )
        state["alerts"] = [
            risk_alert_json(m) for m in held.order_by("pk")[: conf.get("ROOM_BACKLOG")]
        ]
    return state


@transaction.atomic
def enter_room(*, meeting_id: int, user: User, channel_name: str) -> RoomVisit:
    """Open a visit (presence). Broadcasts only the change; "state" carries the full list."""
    visit = RoomVisit.objects.create(meeting_id=meeting_id, user=user, channel_name=channel_name)
    event = {"type": "presence", "event": "join", "user": person(user)}
    transaction.on_commit(partial(live.publish, meeting_id, event))
    return visit


@transaction.atomic
def leave_room(*, meeting_id: int, user: User, channel_name: str) -> None:
    closed = RoomVisit.objects.filter(
        meeting_id=meeting_id, user=user, channel_name=channel_name, left_at__isnull=True
    ).update(left_at=timezone.now())
    if not closed:
        return
    # Someone with a second tab open is still here.
    still_here = live_visits(meeting_id).filter(user=user).exists()
    event = {"type": "presence", "event": "leave", "user": person(user), "still_here": still_here}
    transaction.on_commit(partial(live.publish, meeting_id, event))


def heartbeat(*, visit_id: int, now: datetime | None = None) -> bool:
    """A connection is alive: refresh its visit. False if the visit was closed meanwhile
    (expired after a stall, or closed by a removal or the end of the meeting)."""
    return bool(
        RoomVisit.objects.filter(pk=visit_id, left_at__isnull=True).update(
            last_seen_at=now or timezone.now()
        )
    )


def expire_stale_visits(*, now: datetime | None = None) -> int:
    """Close visits whose connection stopped heartbeating (its server process died).

    Each is closed at its last sign of life, and the room hears a ``presence`` leave for the
    person (``still_here`` when another of their connections is alive). Returns the number
    closed. Idempotent; run every minute by a periodic job.
    """
    cutoff = _seen_since(now)
    closed = 0
    stale = list(
        RoomVisit.objects.filter(left_at__isnull=True, last_seen_at__lt=cutoff).select_related(
            "user"
        )
    )
    for visit in stale:
        with transaction.atomic():
            done = RoomVisit.objects.filter(
                pk=visit.pk, left_at__isnull=True, last_seen_at__lt=cutoff
            ).update(left_at=visit.last_seen_at)
            if not done:
                continue
            closed += 1
            still_here = live_visits(visit.meeting_id, now).filter(user_id=visit.user_id).exists()
            event = {
                "type": "presence",
                "event": "leave",
                "user": person(visit.user),
                "still_here": still_here,
            }
            transaction.on_commit(partial(live.publish, visit.meeting_id, event))
    return closed


def _room_for_write(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("group").select_for_update().get(pk=meeting_id)
    check_room_open(meeting)
    return meeting


def room_url(meeting: Meeting) -> str:
    return reverse("groups:room", args=[meeting.pk])


def risk_alert_json(msg: RoomMessage) -> dict[str, Any]:
    """The facilitators' ``risk_alert`` about a room message: whose, how serious, whether held.

    Never the text: a held message is for its author and the moderators only (DESIGN), and the
    moderators read it on their alert (``RiskAlert.held_text``). A held one says so in
    ``notice``, so a facilitator can check in with the person during the meeting.
    """
    alert: dict[str, Any] = {
        "type": "risk_alert",
        "message_id": msg.pk,
        "level": msg.risk_level,
        "held": msg.held,
        "author": person(msg.author),
    }
    if msg.held:
        name = msg.author.display_name if msg.author is not None else _("[deleted member]")
        alert["notice"] = _(
            "A message from %(name)s was held for review by the safety team. "
            "Please check in with them."
        ) % {"name": name}
    return alert


def _publish_room_message(meeting: Meeting, msg: RoomMessage, outcome: GateOutcome) -> None:
    """After commit, tell the room about a stored chat message or welcome.

    Not held: everyone gets the ``message``. Held: only its author's connections get it (the
    author sees what they wrote, marked held); nobody else in the room, facilitators included,
    gets the text until a moderator releases it (``release_held_room_message``). At ideation
    or above, when screening failed, or when held, the facilitators get a ``risk_alert``
    without the text (``risk_alert_json``).
    """
    payload = {"type": "message", "message": message_json(msg)}
    if msg.held:
        publish = partial(
            live.publish, meeting.pk, payload, audience=live.AUTHOR, also_user=msg.author_id
        )
    else:
        publish = partial(live.publish, meeting.pk, payload)
    transaction.on_commit(publish)
    if msg.held or outcome.needs_review or outcome.at_least("ideation"):
        alert = risk_alert_json(msg)
        # A facilitator who wrote it is not asked to check in with themselves.
        transaction.on_commit(
            partial(
                live.publish,
                meeting.pk,
                alert,
                audience=live.FACILITATORS,
                except_user=msg.author_id,
            )
        )


@transaction.atomic
def post_room_message(*, meeting_id: int, author: User, body: str) -> RoomMessage:
    """Screen, store, then (after commit) broadcast a chat message.

    Preconditions: the author is a participant and the room is open; not muted or removed;
    the room is not paused (facilitators may still speak). A message at ideation level or
    above pushes a risk alert to the facilitators in the room; ``report_outcome`` alerts
    moderators. Imminent risk describing a method is held: only the author sees it until a
    moderator reviews it (the facilitators are told it was held, not what it says; see
    ``_publish_room_message``).
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The message is empty."), code="empty")
    check_storable(body)
    if len(body) > conf.get("ROOM_MAX_MESSAGE"):
        raise ValidationError(
            _("Messages can be up to %(n)s characters.") % {"n": conf.get("ROOM_MAX_MESSAGE")},
            code="too_long",
        )
    meeting = _room_for_write(meeting_id)
    is_fac = permissions.can_run_room(author, meeting)
    if not is_fac and not permissions.is_active_member(author, meeting.group):
        raise PermissionDenied
    restriction = RoomRestriction.objects.filter(meeting=meeting, user=author).first()
    if restriction and restriction.removed:
        raise PermissionDenied
    if restriction and restriction.muted and not is_fac:
        raise ValidationError(_("A facilitator has muted you for now."), code="muted")
    check_post(author)  # a moderator's mute or ban: PostingRestrictedError, with reason and end
    if meeting.room_paused and not is_fac:
        raise ValidationError(_("The room is paused for a moment."), code="paused")
    outcome = screen_user_text(text=body, kind=ROOM_KIND, author=author)
    msg = RoomMessage.objects.create(
        meeting=meeting,
        author=author,
        body=body,
        risk_level=outcome.level,
        risk_evidence=outcome.as_dict().get("evidence", []),
        held=outcome.hold,
    )
    url = room_url(meeting)
    # Moderators are not in the room: a held message's alert keeps the text for them.
    report_outcome(outcome=outcome, author=author, kind=ROOM_KIND, obj=msg, url=url, text=body)
    _publish_room_message(meeting, msg, outcome)
    return msg


def release_held_room_message(object_id: str, publish: bool) -> None:
    """Called by safety when a moderator resolves the alert on a held room message or welcome.

    Publishing clears ``held`` and stamps ``released_at`` (so a client resuming after a later id
    still gets it), then, after commit, the room hears it as a ``message``: members and
    facilitators see it for the first time; the author's client, which had it as held, shows it
    as released. Not publishing keeps it held, seen only by its author (and the moderators, on
    the alert), as forums and mentoring keep what a moderator does not release. Safety audits
    the decision.
    """
    if not publish:
        return
    if not RoomMessage.objects.filter(pk=object_id, held=True).update(
        held=False, released_at=timezone.now()
    ):
        return
    msg = RoomMessage.objects.select_related("author").get(pk=object_id)
    payload = {"type": "message", "message": message_json(msg)}
    transaction.on_commit(partial(live.publish, msg.meeting_id, payload))


def _check_runner(meeting: Meeting, actor: User) -> None:
    if not permissions.can_run_room(actor, meeting):
        raise PermissionDenied


@transaction.atomic
def post_welcome(*, meeting_id: int, actor: User, text: str = "") -> RoomMessage:
    """The facilitator posts the welcome and the group's agreement as a room notice.

    Screened and published as a chat message is (``_publish_room_message``): a held welcome
    reaches its author only, and the facilitators get a ``risk_alert`` without the text.
    """
    check_storable(text or "")
    meeting = _room_for_write(meeting_id)
    _check_runner(meeting, actor)
    check_post(actor)
    body = (text or "").strip() or _(
        "Welcome, everyone. A reminder of our agreement before we start:\n\n%(agreement)s"
    ) % {"agreement": meeting.group.agreement_text}
    outcome = screen_user_text(text=body, kind=ROOM_KIND, author=actor)
    msg = RoomMessage.objects.create(
        meeting=meeting,
        author=actor,
        kind=RoomMessageKind.WELCOME,
        body=body[: conf.get("ROOM_MAX_MESSAGE") * 3],
        risk_level=outcome.level,
        risk_evidence=outcome.as_dict().get("evidence", []),
        held=outcome.hold,
    )
    report_outcome(
        outcome=outcome, author=actor, kind=ROOM_KIND, obj=msg, url=room_url(meeting), text=msg.body
    )
    _publish_room_message(meeting, msg, outcome)
    return msg


@transaction.atomic
def set_paused(*, meeting_id: int, actor: User, paused: bool) -> None:
    meeting = _room_for_write(meeting_id)
    _check_runner(meeting, actor)
    meeting.room_paused = paused
    meeting.save(update_fields=["room_paused"])
    transaction.on_commit(
        partial(live.publish, meeting.pk, {"type": "paused", "paused": paused, "by": person(actor)})
    )


@transaction.atomic
def start_checkin(*, meeting_id: int, actor: User) -> dict[str, Any]:
    """Start a check-in round: everyone present gets a turn, facilitators first."""
    meeting = _room_for_write(meeting_id)
    _check_runner(meeting, actor)
    fac_ids = set(Facilitator.objects.filter(group=meeting.group).values_list("user_id", flat=True))
    present = [p["id"] for p in presence(meeting.pk)]
    order = [u for u in present if u in fac_ids] + [u for u in present if u not in fac_ids]
    meeting.checkin_order = order
    meeting.checkin_index = 0 if order else -1
    meeting.save(update_fields=["checkin_order", "checkin_index"])
    state = checkin_json(meeting)
    transaction.on_commit(partial(live.publish, meeting.pk, state))
    return state


@transaction.atomic
def advance_checkin(*, meeting_id: int, actor: User, passed: bool = False) -> dict[str, Any]:
    """End the current turn (the person themselves, or a facilitator moving on)."""
    meeting = _room_for_write(meeting_id)
    order = list(meeting.checkin_order or [])
    current = order[meeting.checkin_index] if 0 <= meeting.checkin_index < len(order) else None
    if current is None:
        raise ValidationError(_("There is no check-in round going on."), code="no_round")
    if actor.pk != current and not permissions.can_run_room(actor, meeting):
        raise ValidationError(_("It is not your turn."), code="not_your_turn")
    nxt = meeting.checkin_index + 1
    meeting.checkin_index = nxt if nxt < len(order) else -1
    meeting.save(update_fields=["checkin_index"])
    state = checkin_json(meeting)
    state["previous"] = {"id": current, "passed": passed}
    transaction.on_commit(partial(live.publish, meeting.pk, state))
    return state


# A member who left or was removed from the group mid-meeting may still be connected for a
# moment (until the re-check closes them); a facilitator can still mute or remove them.
_IN_GROUP = (MembershipStatus.ACTIVE, MembershipStatus.LEFT, MembershipStatus.REMOVED)


@transaction.atomic
def restrict_participant(
    *,
    meeting_id: int,
    actor: User,
    user_id: int,
    mute: bool | None = None,
    remove: bool = False,
) -> RoomRestriction:
    """Mute/unmute or remove someone from this meeting's room (facilitators only)."""
    meeting = _room_for_write(meeting_id)
    _check_runner(meeting, actor)
    # Only people of this group: any other id would create a restriction and tell the room
    # the name of someone who is not part of it.
    target = (
        User.objects.filter(pk=user_id)
        .filter(
            Q(group_memberships__group=meeting.group, group_memberships__status__in=_IN_GROUP)
            | Q(facilitating__group=meeting.group)
        )
        .distinct()
        .first()
    )
    if target is None or target.pk == actor.pk:
        raise ValidationError(_("Choose someone else in the room."), code="invalid_target")
    row, _created = RoomRestriction.objects.get_or_create(meeting=meeting, user=target)
    if mute is not None:
        row.muted = mute
    if remove:
        row.removed = True
    row.by = actor
    row.updated_at = timezone.now()
    row.save()
    audit.record(
        actor=actor,
        action="groups.room.remove" if remove else "groups.room.mute",
        subject=target,
        obj=meeting,
        detail={"muted": row.muted, "removed": row.removed},
    )
    if remove:
        RoomVisit.objects.filter(meeting=meeting, user=target, left_at__isnull=True).update(
            left_at=timezone.now()
        )
        event: dict[str, Any] = {"type": "removed", "user": person(target)}
    else:
        event = {"type": "muted", "user": person(target), "muted": row.muted}
    transaction.on_commit(partial(live.publish, meeting.pk, event))
    return row


@transaction.atomic
def end_meeting(*, meeting_id: int, actor: User) -> int:
    """End the meeting: record attendance from the room's visits, close the room.

    Everyone who was in the room during the meeting (any visit) is recorded as attending;
    returns the number of people recorded.
    """
    meeting = Meeting.objects.select_related("group").select_for_update().get(pk=meeting_id)
    if not permissions.can_manage_group(actor, meeting.group):
        raise PermissionDenied
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("This meeting is not running."), code="not_scheduled")
    now = timezone.now()
    fac_ids = set(Facilitator.objects.filter(group=meeting.group).values_list("user_id", flat=True))
    removed = set(
        RoomRestriction.objects.filter(meeting=meeting, removed=True).values_list(
            "user_id", flat=True
        )
    )
    visitors = set(RoomVisit.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    recorded = 0
    for uid in sorted(visitors - removed):
        Attendance.objects.get_or_create(
            meeting=meeting,
            user_id=uid,
            defaults={"source": AttendanceSource.ROOM, "as_facilitator": uid in fac_ids},
        )
        recorded += 1
    RoomVisit.objects.filter(meeting=meeting, left_at__isnull=True).update(left_at=now)
    meeting.status = MeetingStatus.ENDED
    meeting.ended_at = now
    meeting.room_paused = False
    meeting.checkin_index = -1
    meeting.save(update_fields=["status", "ended_at", "room_paused", "checkin_index"])
    audit.record(actor=actor, action="groups.meeting.end", obj=meeting, detail={"n": recorded})
    after = reverse("groups:after", args=[meeting.pk])
    transaction.on_commit(
        partial(
            live.publish, meeting.pk, {"type": "ended", "attendance": recorded, "after_url": after}
        )
    )
    return recorded


# --- Afterwards ----------------------------------------------------------------------------------


def _attended_or_facilitated(user: User, meeting: Meeting) -> bool:
    return Attendance.objects.filter(
        meeting=meeting, user=user
    ).exists() or permissions.can_take_part(user, meeting.group)


@transaction.atomic
def record_mood(*, meeting: Meeting, user: User, score: int) -> PostMeetingMood:
    """The optional "How are you feeling after today's meeting?" (1–5)."""
    if not _attended_or_facilitated(user, meeting):
        raise PermissionDenied
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Choose a number from 1 to 5."), code="invalid")
    if meeting.status != MeetingStatus.ENDED and meeting.starts_at > timezone.now():
        raise ValidationError(_("This meeting has not happened yet."), code="not_yet")
    row, _created = PostMeetingMood.objects.update_or_create(
        meeting=meeting, user=user, defaults={"score": int(score)}
    )
    return row


@transaction.atomic
def write_facilitator_note(
    *, meeting: Meeting, actor: User, text: str, concern: str = ""
) -> FacilitatorNote:
    """A short note on how the meeting went (never what members said), and optionally a
    concern for the moderators, filed through the safety team's report queue."""
    if not permissions.can_manage_group(actor, meeting.group):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Please write a few words.")]})
    if len(text) > 1000:
        raise ValidationError({"text": [_("Keep the note under 1,000 characters.")]})
    outcome = screen_user_text(text=text, kind="groups.note", author=actor)
    note = FacilitatorNote.objects.create(
        meeting=meeting,
        author=actor,
        text=text,
        risk_level=outcome.level,
        risk_evidence=outcome.as_dict().get("evidence", []),
    )
    url = reverse("groups:after", args=[meeting.pk])
    report_outcome(outcome=outcome, author=actor, kind="groups.note", obj=note, url=url)
    if concern.strip():
        flag_concern(meeting=meeting, actor=actor, reason=concern, obj=note)
    return note


def flag_concern(*, meeting: Meeting, actor: User, reason: str, obj: Any = None) -> None:
    """Send a facilitator's concern to the moderation queue."""
    from peerhaven.safety.services import file_report

    file_report(
        reporter=actor,
        obj=obj or meeting,
        reason=reason.strip(),
        url=reverse("groups:after", args=[meeting.pk]),
        author=None,
    )
    audit.record(actor=actor, action="groups.concern.flag", obj=meeting)


@transaction.atomic
def facilitator_checkin(
    *,
    user: User,
    score: int,
    note: str = "",
    wants_support: bool = False,
    meeting: Meeting | None = None,
) -> FacilitatorCheckIn:
    """ "How are you doing after facilitating?" Asking for support notifies the admins."""
    if not Facilitator.objects.filter(user=user).exists():
        raise PermissionDenied
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Choose a number from 1 to 5."), code="invalid")
    note = (note or "").strip()[:1000]
    outcome = screen_user_text(text=note, kind="groups.facilitator_checkin", author=user)
    row = FacilitatorCheckIn.objects.create(
        user=user,
        meeting=meeting,
        score=int(score),
        note=note,
        wants_support=wants_support,
        risk_level=outcome.level,
        risk_evidence=outcome.as_dict().get("evidence", []),
    )
    report_outcome(outcome=outcome, author=user, kind="groups.facilitator_checkin", obj=row)
    if wants_support:
        from peerhaven.accounts.models import Role

        for admin in User.objects.filter(
            role_assignments__role=Role.ADMIN, is_active=True
        ).distinct():
            notify(
                recipient=admin,
                kind="group",
                title=_("A facilitator asked for support"),
                body=_("%(name)s would like someone to check in with them.")
                % {"name": user.display_name},
                url=reverse("groups:staff"),
            )
    return row


# --- Personal data -------------------------------------------------------------------------------


def export_groups(user: User) -> dict[str, Any]:
    def iso(v: Any) -> Any:
        return v.isoformat() if v is not None else None

    return {
        "memberships": [
            {
                "group": m.group.name,
                "status": m.status,
                "agreement_version": m.agreement_version,
                "agreement_accepted_at": iso(m.agreement_accepted_at),
                "joined_at": iso(m.joined_at),
                "left_at": iso(m.left_at),
            }
            for m in Membership.objects.filter(user=user).select_related("group")
        ],
        "rsvps": [
            {"meeting": r.meeting_id, "response": r.response, "at": iso(r.updated_at)}
            for r in Rsvp.objects.filter(user=user)
        ],
        "attendance": [
            {"meeting": a.meeting_id, "source": a.source, "at": iso(a.recorded_at)}
            for a in Attendance.objects.filter(user=user)
        ],
        "room_messages": [
            {"meeting": m.meeting_id, "body": m.body, "at": iso(m.created_at)}
            for m in RoomMessage.objects.filter(author=user)
        ],
        "moods": [
            {
                "meeting": m.meeting_id,
                "group": m.meeting.group.name,
                "meeting_starts_at": iso(m.meeting.starts_at),
                "score": m.score,
                "at": iso(m.created_at),
            }
            for m in PostMeetingMood.objects.filter(user=user).select_related("meeting__group")
        ],
        "facilitator_trainings": [
            {
                "completed_on": iso(t.completed_on),
                "trainer": t.trainer,
                "expires_on": iso(t.expires_on),
            }
            for t in FacilitatorTraining.objects.filter(peer_supporter=user)
        ],
        "facilitator_notes": [
            {"meeting": n.meeting_id, "text": n.text, "at": iso(n.created_at)}
            for n in FacilitatorNote.objects.filter(author=user)
        ],
        "facilitator_checkins": [
            {"score": c.score, "note": c.note, "at": iso(c.created_at)}
            for c in FacilitatorCheckIn.objects.filter(user=user)
        ],
        # Notes to members they wrote when moving or cancelling a meeting (held ones included:
        # the writer sees those too).
        "meeting_notes": [
            {
                "meeting": m.pk,
                "group": m.group.name,
                "meeting_starts_at": iso(m.starts_at),
                "status": m.status,
                "note": m.change_note,
                "held": m.change_note_held,
                "at": iso(m.updated_at),
            }
            for m in Meeting.objects.filter(change_note_by=user).select_related("group")
        ],
    }


def erase_groups(user: User, mode: EraseMode) -> None:
    """Room messages, facilitator notes and notes to members on moved or cancelled meetings
    stay as "[deleted member]" or go, by ``mode``; everything else about the person is deleted
    with the account (cascade).

    In REMOVE mode the text of a meeting note they wrote is cleared (the meeting's ``SEQUENCE``
    and ``updated_at`` go up when members could read it, so calendar feeds drop it). In either
    mode, what of theirs is still held for review goes: a held meeting note is cleared and a
    held room message deleted, since their alerts are deleted with the account (safety's
    eraser) and nobody could ever review or release them.
    """
    # Held, in either mode: no alert is left to review them.
    Meeting.objects.filter(change_note_by=user, change_note_held=True).update(
        change_note="", change_note_held=False, change_note_by=None
    )
    RoomMessage.objects.filter(author=user, held=True).delete()
    if mode == EraseMode.REMOVE:
        RoomMessage.objects.filter(author=user).delete()
        FacilitatorNote.objects.filter(author=user).delete()
        Meeting.objects.filter(change_note_by=user).exclude(change_note="").update(
            change_note="",
            change_note_by=None,
            sequence=F("sequence") + 1,
            updated_at=timezone.now(),
        )
    else:
        RoomMessage.objects.filter(author=user).update(author=None)
        FacilitatorNote.objects.filter(author=user).update(author=None)
    groups = list(
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values_list(
            "group_id", flat=True
        )
    )
    Membership.objects.filter(user=user).delete()
    for group in SupportGroup.objects.filter(pk__in=groups):
        _sync_member_count(group)
