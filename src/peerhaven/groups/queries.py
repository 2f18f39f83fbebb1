"""Permission-aware reads. Fetch-and-authorize helpers raise Http404 for missing and not-yours.

The web views, the API and the WebSocket consumer call the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.groups import permissions
from peerhaven.groups.models import (
    Attendance,
    Facilitator,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    MembershipStatus,
    RoomRestriction,
    Rsvp,
    SupportGroup,
)
from peerhaven.groups.recurrence import describe_rule, occurrences_utc


def directory(user: Any) -> QuerySet[SupportGroup]:
    """Active groups with facilitators and series prefetched (a constant number of queries)."""
    if not getattr(user, "is_authenticated", False):
        return SupportGroup.objects.none()
    return SupportGroup.objects.filter(active=True).prefetch_related(
        Prefetch("facilitators", queryset=Facilitator.objects.select_related("user")),
        Prefetch("series", queryset=MeetingSeries.objects.filter(active=True)),
    )


def get_group(user: Any, slug: str) -> SupportGroup:
    group = SupportGroup.objects.filter(slug=slug).first()
    if group is None or not permissions.can_see_group(user, group):
        raise Http404
    return group


def get_group_by_id(user: Any, group_id: int) -> SupportGroup:
    group = SupportGroup.objects.filter(pk=group_id).first()
    if group is None or not permissions.can_see_group(user, group):
        raise Http404
    return group


def get_meeting_for_participant(user: Any, meeting_id: int) -> Meeting:
    """A meeting of a group the person takes part in (member or facilitator), else Http404."""
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if meeting is None or not permissions.can_take_part(user, meeting.group):
        raise Http404
    return meeting


def get_meeting_for_manager(user: Any, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if meeting is None or not permissions.can_manage_group(user, meeting.group):
        raise Http404
    return meeting


@dataclass(frozen=True)
class RoomAccess:
    meeting: Meeting
    is_facilitator: bool


def check_room_open(meeting: Meeting, now: datetime | None = None) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if meeting.status == MeetingStatus.ENDED:
        raise ValidationError(_("This meeting has ended."), code="ended")
    if not permissions.can_hold_meeting(meeting.group):
        raise ValidationError(
            _("This group has no trained facilitator at the moment, so the room stays closed."),
            code="no_facilitator",
        )
    if not meeting.room_is_open(now):
        raise ValidationError(
            _("The room opens %(minutes)s minutes before the meeting.")
            % {"minutes": meeting.group.room_opens_minutes},
            code="room_closed",
        )


def open_room(*, user: Any, meeting_id: int) -> RoomAccess:
    """Fetch-and-authorize for the room: Http404 if not a participant, ValidationError if the
    room is not open, PermissionDenied if a facilitator removed the person."""
    meeting = get_meeting_for_participant(user, meeting_id)
    check_room_open(meeting)
    if RoomRestriction.objects.filter(meeting=meeting, user=user, removed=True).exists():
        raise PermissionDenied
    return RoomAccess(meeting=meeting, is_facilitator=permissions.can_run_room(user, meeting))


def upcoming_meetings(group: SupportGroup, *, limit: int = 10) -> list[Meeting]:
    now = timezone.now()
    return list(
        Meeting.objects.filter(group=group, ends_at__gte=now)
        .exclude(status=MeetingStatus.ENDED)
        .order_by("starts_at")[:limit]
    )


def my_groups(user: Any) -> list[SupportGroup]:
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values("group_id")
    fac = Facilitator.objects.filter(user=user).values("group_id")
    return list(SupportGroup.objects.filter(Q(pk__in=ids) | Q(pk__in=fac), active=True))


def meetings_for_member(user: Any, *, since: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings of every group the person belongs to or facilitates (for their calendar)."""
    start = since or timezone.now() - timedelta(days=30)
    ids = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values("group_id")
    fac = Facilitator.objects.filter(user=user).values("group_id")
    return (
        Meeting.objects.filter(Q(group__in=ids) | Q(group__in=fac), ends_at__gte=start)
        .filter(group__active=True)
        .select_related("group")
        .order_by("starts_at")
    )


def my_rsvps(user: Any, meetings: list[Meeting]) -> dict[int, str]:
    return dict(
        Rsvp.objects.filter(user=user, meeting__in=meetings).values_list("meeting_id", "response")
    )


def attendance_for(meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("user").order_by("user")


def pending_requests(group: SupportGroup) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group, status=MembershipStatus.REQUESTED).select_related(
        "user"
    )


def local_schedule(series: MeetingSeries, group: SupportGroup, viewer_tz: str) -> dict[str, Any]:
    """The series' rule and next start, in the group's time zone and in the viewer's."""
    tz = ZoneInfo(group.time_zone)
    try:
        vtz = ZoneInfo(viewer_tz or "UTC")
    except Exception:
        vtz = ZoneInfo("UTC")
    today = timezone.now().astimezone(tz).date()
    try:
        upcoming = occurrences_utc(
            rule=series.rrule,
            time_zone=group.time_zone,
            starts_on=series.starts_on,
            local_start=series.local_start,
            duration=timedelta(minutes=series.duration_minutes),
            until=today + timedelta(days=400),
            after=today,
        )
    except ValidationError:
        upcoming = []
    nxt = upcoming[0][0] if upcoming else None
    return {
        "rule": series.rrule,
        "text": describe_rule(series.rrule),
        "group_time": series.local_start.strftime("%H:%M"),
        "next_group": nxt.astimezone(tz).strftime("%a %d %b %H:%M") if nxt else "",
        "next_viewer": nxt.astimezone(vtz).strftime("%a %d %b %H:%M") if nxt else "",
    }


@dataclass(frozen=True)
class GroupReport:
    group: SupportGroup
    members: int
    meetings_held: int
    attendances: int
    average_attendance: float | None
    retention: float | None  # None when too few people to report
    retention_base: int


# Aggregate reports never show a cell of fewer than this many people.
MIN_CELL = 10


def attendance_report(*, now: datetime | None = None) -> list[GroupReport]:
    """Per group: meetings held, attendance, and retention.

    Retention: of the people who attended a meeting 5–8 weeks ago, the share who also attended
    one in the last 4 weeks. Hidden (None) when fewer than ``MIN_CELL`` people are in the base.
    """
    at = now or timezone.now()
    groups = list(
        SupportGroup.objects.annotate(
            held=Count(
                "meetings",
                filter=Q(meetings__starts_at__lt=at) & ~Q(meetings__status=MeetingStatus.CANCELLED),
                distinct=True,
            ),
        ).order_by("name")
    )
    attended = Attendance.objects.filter(meeting__starts_at__lt=at).values_list(
        "meeting__group_id", "user_id", "meeting__starts_at"
    )
    per_group: dict[int, list[tuple[int, datetime]]] = {}
    for gid, uid, starts in attended:
        per_group.setdefault(gid, []).append((uid, starts))
    out = []
    for g in groups:
        rows = per_group.get(g.pk, [])
        recent = {u for u, s in rows if s >= at - timedelta(weeks=4)}
        earlier = {u for u, s in rows if at - timedelta(weeks=8) <= s < at - timedelta(weeks=4)}
        base = len(earlier)
        retention = len(earlier & recent) / base if base >= MIN_CELL else None
        held = int(g.held)
        out.append(
            GroupReport(
                group=g,
                members=g.member_count,
                meetings_held=held,
                attendances=len(rows),
                average_attendance=(len(rows) / held) if held else None,
                retention=retention,
                retention_base=base,
            )
        )
    return out
