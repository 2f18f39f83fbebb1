"""Permission-aware reads. Fetch-and-authorize helpers raise Http404 for missing and not-yours.

The web views, the API and the WebSocket consumer call the same functions.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts.local_time import UTC, zone_named
from peerhaven.accounts.models import Role, RoleAssignment, User
from peerhaven.groups import permissions
from peerhaven.groups.models import (
    Attendance,
    CalendarFeed,
    Facilitator,
    FacilitatorTraining,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    MembershipStatus,
    PostMeetingMood,
    RoomRestriction,
    Rsvp,
    SupportGroup,
)
from peerhaven.groups.recurrence import describe_rule, occurrences_utc
from peerhaven.safety.permissions import is_banned
from peerhaven.safety.sanctions import active_sanction, refusal_message
from peerhaven.safety.sockets import member_refusal
from peerhaven.web.inputs import row_id


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


def get_group_for_schedule_editor(user: Any, *, slug: str = "", group_id: int = 0) -> SupportGroup:
    """A group whose schedules ``user`` may edit (facilitators, admins), else Http404."""
    qs = SupportGroup.objects.all()
    group = (qs.filter(slug=slug) if slug else qs.filter(pk=group_id)).first()
    if group is None or not permissions.can_edit_schedule(user, group):
        raise Http404
    return group


def get_series_for_editor(user: Any, series_id: int) -> MeetingSeries:
    """A series whose group's schedules ``user`` may edit, else Http404."""
    series = MeetingSeries.objects.select_related("group").filter(pk=series_id).first()
    if series is None or not permissions.can_edit_schedule(user, series.group):
        raise Http404
    return series


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


def check_room_open(
    meeting: Meeting, now: datetime | None = None, *, has_facilitator: bool | None = None
) -> None:
    """Raise ValidationError (``cancelled``, ``ended``, ``no_facilitator``, ``room_closed``)
    unless the room is open. ``has_facilitator`` may be given when already known."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if meeting.status == MeetingStatus.ENDED:
        raise ValidationError(_("This meeting has ended."), code="ended")
    if has_facilitator is None:
        has_facilitator = permissions.can_hold_meeting(meeting.group)
    if not (meeting.group.active and has_facilitator):
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


# Close codes of the live room (also used by the consumer).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_REMOVED = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_ROOM_CLOSED = 4409


@dataclass(frozen=True)
class Standing:
    """Whether a connected person may stay in a room: ``ok``, else why and how to close."""

    ok: bool
    is_facilitator: bool = False
    code: str = ""
    message: str = ""
    close_code: int = 0


def room_standing(*, user: Any, meeting_id: int, now: datetime | None = None) -> Standing:
    """Re-check, for a connection already in the room, what ``open_room`` checked on connect.

    One query (the meeting with its group and Exists() for membership, facilitation, removal and
    a current facilitator) plus the safety app's ban check. Leaving the group, being removed
    from it or from the room, losing the facilitator role without being a member, a moderator's
    ban (the message gives its reason, its end in the person's time zone and the appeal page), a
    deactivated account and the room closing all end the stay. The session is the consumer's
    to check (``consumers.standing_now``).
    """
    at = now or timezone.now()
    today = timezone.localdate(at)
    uid: int = getattr(user, "pk", None) or 0
    current_training = FacilitatorTraining.objects.filter(
        peer_supporter=OuterRef("user_id"), completed_on__lte=today, expires_on__gte=today
    )
    trained = Facilitator.objects.filter(group=OuterRef("group_id"), user__is_active=True).filter(
        Exists(current_training)
    )
    row = (
        Meeting.objects.select_related("group")
        .filter(pk=meeting_id)
        .annotate(
            user_active=Exists(User.objects.filter(pk=uid, is_active=True)),
            is_member=Exists(
                Membership.objects.filter(
                    group=OuterRef("group_id"), user_id=uid, status=MembershipStatus.ACTIVE
                )
            ),
            is_fac=Exists(
                trained.filter(user_id=uid).filter(
                    Exists(RoleAssignment.objects.filter(user_id=uid, role=Role.PEER_SUPPORTER))
                )
            ),
            has_fac=Exists(trained),
            removed=Exists(
                RoomRestriction.objects.filter(meeting=OuterRef("pk"), user_id=uid, removed=True)
            ),
        )
        .first()
    )
    if row is None:
        return Standing(
            False,
            code="not_found",
            message=_("This meeting no longer exists."),
            close_code=CLOSE_NOT_FOUND,
        )
    if not row.user_active:
        return Standing(
            False,
            code="signed_out",
            message=_("Your account is not active any more."),
            close_code=CLOSE_UNAUTHENTICATED,
        )
    is_fac = bool(row.is_fac)
    if not row.group.active or not (row.is_member or is_fac):
        return Standing(
            False,
            code="not_member",
            message=_("You are no longer taking part in this group, so you have left the room."),
            close_code=CLOSE_REMOVED,
        )
    if row.removed:
        return Standing(
            False,
            code="removed",
            message=_("A facilitator removed you from this meeting."),
            close_code=CLOSE_REMOVED,
        )
    banned = member_refusal(user)
    if banned is not None:
        return Standing(
            False, code=banned.code, message=banned.message, close_code=banned.close_code
        )
    try:
        check_room_open(row, at, has_facilitator=bool(row.has_fac))
    except ValidationError as exc:
        return Standing(
            False,
            code=str(exc.code or "room_closed"),
            message=" ".join(exc.messages),
            close_code=CLOSE_ROOM_CLOSED,
        )
    return Standing(True, is_facilitator=is_fac)


def room_mute(*, user: Any, meeting_id: int, is_facilitator: bool) -> tuple[bool, str]:
    """(whether ``user`` may only read this room now; the moderator's words if theirs is why).

    As ``services.post_room_message`` decides: a moderator's mute silences facilitators too, a
    facilitator's in-room mute does not apply to facilitators.
    """
    sanction = active_sanction(user)
    if sanction is not None and not sanction.is_ban:
        return True, refusal_message(sanction, user)
    if is_facilitator:
        return False, ""
    muted = RoomRestriction.objects.filter(meeting_id=meeting_id, user_id=user.pk, muted=True)
    return muted.exists(), ""


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


def feed_owner(token: str) -> User:
    """The person whose secret calendar-feed token this is, else Http404.

    Calendar apps fetch without a session, so the token stands for the person: an unknown
    token, a deactivated account and a ban in force (which refuses every page) get nothing.
    """
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not _feed_usable(feed):
        raise Http404
    return feed.user


def _feed_usable(feed: CalendarFeed) -> bool:
    return feed.user.is_active and not is_banned(feed.user)


def group_feed(*, token: str, slug: str) -> tuple[SupportGroup, QuerySet[Meeting]]:
    """One group's calendar, read through a person's one-group token, else Http404.

    The token is the one ``CalendarFeed.group_token`` makes for this person and this group:
    the person's "all my groups" token, or their token for another group, answers 404 here,
    and so does every token made before they reset their feed. Access follows membership on
    every fetch: the token's owner must take part in the group now
    (``permissions.can_take_part``: an active member or a trained facilitator), so a member
    who left, was removed or is banned gets a 404 and no data on their next fetch. There is no
    shared per-group token: nobody could tell which person fetched with it.
    """
    feed_id, _dot, mac = token.partition(".")
    pk = row_id(feed_id)
    if pk is None or not mac:
        raise Http404
    feed = CalendarFeed.objects.select_related("user").filter(pk=pk).first()
    group = SupportGroup.objects.filter(slug=slug).first()
    if (
        feed is None
        or group is None
        or not hmac.compare_digest(feed.group_token(group.pk).encode(), token.encode())
        or not _feed_usable(feed)
        or not permissions.can_take_part(feed.user, group)
    ):
        raise Http404
    meetings = Meeting.objects.filter(group=group).select_related("group").order_by("starts_at")
    return group, meetings


def my_rsvps(user: Any, meetings: list[Meeting]) -> dict[int, str]:
    return dict(
        Rsvp.objects.filter(user=user, meeting__in=meetings).values_list("meeting_id", "response")
    )


def attendance_for(meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("user").order_by("user")


@dataclass(frozen=True)
class MoodAfterMeeting:
    meeting_id: int
    meeting_starts_at: datetime
    group: str
    score: int
    at: datetime


def my_post_meeting_moods(user: Any, *, limit: int = 100) -> list[MoodAfterMeeting]:
    """The person's own "How are you feeling after today's meeting?" answers, newest meeting
    first (one query). For the outcomes capability; nobody else's moods are ever included."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = (
        PostMeetingMood.objects.filter(user=user)
        .select_related("meeting__group")
        .order_by("-meeting__starts_at", "-pk")[:limit]
    )
    return [
        MoodAfterMeeting(
            meeting_id=m.meeting_id,
            meeting_starts_at=m.meeting.starts_at,
            group=m.meeting.group.name,
            score=m.score,
            at=m.created_at,
        )
        for m in rows
    ]


def pending_requests(group: SupportGroup) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group, status=MembershipStatus.REQUESTED).select_related(
        "user"
    )


def local_schedule(series: MeetingSeries, group: SupportGroup, viewer_tz: str) -> dict[str, Any]:
    """The series' rule and next start, in the group's time zone and in the viewer's."""
    tz = ZoneInfo(group.time_zone)
    vtz = zone_named(viewer_tz) or UTC
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
