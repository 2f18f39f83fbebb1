"""The groups API: directory, join/leave, meetings and RSVP, attendance, schedules.

Same fetch-and-authorize queries and services as the web pages. 404 for anything the caller
may not see; 409 ``full`` / ``invitation_required`` / ``cancelled``; 422 invalid input.
The live room is a WebSocket, documented in docs/groups.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from peerhaven.accounts.models import User
from peerhaven.api.errors import ApiError
from peerhaven.api.pagination import Page, keyset_page
from peerhaven.groups import permissions, queries, recurrence, services
from peerhaven.groups.models import Meeting, MeetingSeries, SupportGroup

router = Router(tags=["groups"])
T = TypeVar("T")
REFUSALS = {
    "full": 409,
    "invitation_required": 409,
    "cancelled": 409,
    "over": 409,
    "inactive": 409,
    "agreement_required": 422,
}


def _auth(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


def _call(fn: Callable[..., T], **kwargs: Any) -> T:
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        code = getattr(exc, "code", None)
        if code in REFUSALS:
            raise ApiError(REFUSALS[code], str(code), " ".join(exc.messages)) from None
        raise


class PersonOut(Schema):
    id: int
    name: str


class SeriesOut(Schema):
    rrule: str
    starts_on: str
    local_start: str
    duration_minutes: int


class GroupOut(Schema):
    id: int
    slug: str
    name: str
    topic: str
    format: str
    address: str
    language: str
    time_zone: str
    capacity: int
    seats_left: int
    join_policy: str
    facilitators: list[PersonOut]
    schedule: list[SeriesOut]
    my_status: str | None = None


class GroupDetailOut(GroupOut):
    description: str
    agreement_text: str
    agreement_version: str


class JoinIn(Schema):
    accept_agreement: bool = False


class MembershipOut(Schema):
    status: str
    agreement_version: str
    agreement_accepted_at: datetime | None


class MeetingOut(Schema):
    id: int
    group: str
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int
    change_note: str
    my_rsvp: str | None = None


class RsvpIn(Schema):
    response: str


class RsvpOut(Schema):
    meeting: int
    response: str


class AttendanceOut(Schema):
    user: PersonOut
    source: str
    as_facilitator: bool


class AttendanceIn(Schema):
    user_ids: list[int]


def _group(g: SupportGroup, status: str | None = None) -> dict[str, Any]:
    return {
        "id": g.pk,
        "slug": g.slug,
        "name": g.name,
        "topic": g.topic,
        "format": g.format,
        "address": g.address,
        "language": g.language,
        "time_zone": g.time_zone,
        "capacity": g.capacity,
        "seats_left": g.seats_left,
        "join_policy": g.join_policy,
        "facilitators": [
            {"id": f.user_id, "name": f.user.display_name} for f in g.facilitators.all()
        ],
        "schedule": [
            {
                "rrule": s.rrule,
                "starts_on": s.starts_on.isoformat(),
                "local_start": s.local_start.strftime("%H:%M"),
                "duration_minutes": s.duration_minutes,
            }
            for s in g.series.all()
        ],
        "my_status": status,
    }


def _meeting(m: Meeting, rsvp: str | None = None) -> dict[str, Any]:
    return {
        "id": m.pk,
        "group": m.group.slug,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "status": m.status,
        "sequence": m.sequence,
        "change_note": m.public_change_note,
        "my_rsvp": rsvp,
    }


@router.get("/", response=Page[GroupOut], summary="The group directory")
def directory(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> Any:
    user = _auth(request)
    from peerhaven.groups.models import Membership

    mine = dict(Membership.objects.filter(user=user).values_list("group_id", "status"))
    return keyset_page(
        queries.directory(user),
        cursor=cursor,
        limit=limit,
        serialize=lambda g: _group(g, mine.get(g.pk)),
    )


@router.get("/{group_id}", response=GroupDetailOut, summary="One group")
def group_detail(request: HttpRequest, group_id: int) -> Any:
    user = _auth(request)
    g = queries.get_group_by_id(user, group_id)
    m = permissions.membership_of(user, g)
    data = _group(g, m.status if m else None)
    data.update(
        description=g.description,
        agreement_text=g.agreement_text,
        agreement_version=g.agreement_version,
    )
    return data


@router.post("/{group_id}/join", response=MembershipOut, summary="Join, or ask to join")
def join(request: HttpRequest, group_id: int, payload: JoinIn) -> Any:
    user = _auth(request)
    g = queries.get_group_by_id(user, group_id)
    return _call(services.join_group, group=g, user=user, accept_agreement=payload.accept_agreement)


@router.post("/{group_id}/leave", response={204: None}, summary="Leave a group")
def leave(request: HttpRequest, group_id: int) -> Any:
    user = _auth(request)
    g = queries.get_group_by_id(user, group_id)
    services.leave_group(group=g, user=user)
    return Status(204, None)


@router.get("/{group_id}/meetings", response=list[MeetingOut], summary="Upcoming meetings")
def meetings(request: HttpRequest, group_id: int) -> Any:
    user = _auth(request)
    g = queries.get_group_by_id(user, group_id)
    if not permissions.can_take_part(user, g):
        raise Http404
    items = queries.upcoming_meetings(g, limit=50)
    answers = queries.my_rsvps(user, items)
    for m in items:
        m.group = g
    return [_meeting(m, answers.get(m.pk)) for m in items]


@router.post("/meetings/{meeting_id}/rsvp", response=RsvpOut, summary="Reply to a meeting")
def rsvp(request: HttpRequest, meeting_id: int, payload: RsvpIn) -> Any:
    user = _auth(request)
    m = queries.get_meeting_for_participant(user, meeting_id)
    row = _call(services.rsvp, meeting=m, user=user, response=payload.response)
    return {"meeting": m.pk, "response": row.response}


@router.get(
    "/meetings/{meeting_id}/attendance",
    response=list[AttendanceOut],
    summary="Who attended (facilitators and admins)",
)
def attendance(request: HttpRequest, meeting_id: int) -> Any:
    user = _auth(request)
    m = queries.get_meeting_for_manager(user, meeting_id)
    return [
        {
            "user": {"id": a.user_id, "name": a.user.display_name},
            "source": a.source,
            "as_facilitator": a.as_facilitator,
        }
        for a in queries.attendance_for(m)
    ]


@router.post(
    "/meetings/{meeting_id}/attendance",
    response=list[AttendanceOut],
    summary="Record in-person attendance (facilitators)",
)
def record_attendance(request: HttpRequest, meeting_id: int, payload: AttendanceIn) -> Any:
    user = _auth(request)
    m = queries.get_meeting_for_manager(user, meeting_id)
    people = list(User.objects.filter(pk__in=payload.user_ids))
    services.record_manual_attendance(meeting=m, actor=user, present=people)
    return attendance(request, meeting_id)


# --- Schedules (facilitators and admins: the same permission as the schedule page) -------------


class ScheduleIn(Schema):
    frequency: str  # weekly | every_other_week | monthly | custom
    weekday: str | None = None  # MO … SU
    week_of_month: int | None = None  # 1-4 or -1 (last), monthly only
    rrule: str | None = None  # custom only
    local_start: time
    duration_minutes: int = 90
    time_zone: str | None = None  # the group's zone; changing it moves every schedule
    starts_on: date
    ends_on: date | None = None


class ScheduleOut(Schema):
    id: int
    active: bool
    text: str
    rrule: str
    frequency: str
    weekday: str | None
    week_of_month: int | None
    local_start: str
    duration_minutes: int
    time_zone: str
    starts_on: date
    ends_on: date | None


class ScheduleChangeOut(Schema):
    moved: int
    cancelled: int
    removed: int
    created: int


class ScheduleSavedOut(Schema):
    schedule: ScheduleOut
    change: ScheduleChangeOut


def _schedule(series: MeetingSeries) -> dict[str, Any]:
    fields = recurrence.read_rule(series.rrule)
    return {
        "id": series.pk,
        "active": series.active,
        "text": services.schedule_text(series),
        "rrule": series.rrule,
        "frequency": fields["frequency"],
        "weekday": fields["weekday"],
        "week_of_month": fields["week_of_month"],
        "local_start": series.local_start.strftime("%H:%M"),
        "duration_minutes": series.duration_minutes,
        "time_zone": series.group.time_zone,
        "starts_on": series.starts_on,
        "ends_on": fields["ends_on"],
    }


def _rule(payload: ScheduleIn) -> str:
    if payload.ends_on is not None and payload.ends_on < payload.starts_on:
        raise ValidationError({"ends_on": ["The last date must be on or after the first date."]})
    return recurrence.build_rule(
        frequency=payload.frequency,
        weekday=payload.weekday,
        week_of_month=payload.week_of_month,
        ends_on=payload.ends_on,
        rrule_text=payload.rrule or "",
    )


@router.get(
    "/{group_id}/schedules",
    response=list[ScheduleOut],
    summary="A group's schedules (facilitators and admins)",
)
def schedules(request: HttpRequest, group_id: int) -> Any:
    g = queries.get_group_for_schedule_editor(_auth(request), group_id=group_id)
    items = list(MeetingSeries.objects.filter(group=g).order_by("-active", "pk"))
    for item in items:
        item.group = g
    return [_schedule(item) for item in items]


@router.post(
    "/{group_id}/schedules",
    response={201: ScheduleOut},
    summary="Add a schedule (facilitators and admins)",
)
def add_schedule(request: HttpRequest, group_id: int, payload: ScheduleIn) -> Any:
    user = _auth(request)
    g = queries.get_group_for_schedule_editor(user, group_id=group_id)
    try:
        series = services.add_series(
            group=g,
            actor=user,
            rrule=_rule(payload),
            starts_on=payload.starts_on,
            local_start=payload.local_start,
            duration_minutes=payload.duration_minutes,
            time_zone=payload.time_zone,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") and exc.code == "invalid_rrule":
            raise ValidationError({"rrule": [exc]}) from None
        raise
    return Status(201, _schedule(series))


@router.put(
    "/schedules/{series_id}",
    response=ScheduleSavedOut,
    summary="Change a schedule; upcoming meetings follow (facilitators and admins)",
)
def update_schedule(request: HttpRequest, series_id: int, payload: ScheduleIn) -> Any:
    user = _auth(request)
    series = queries.get_series_for_editor(user, series_id)
    change = _call(
        services.update_series,
        series=series,
        actor=user,
        rrule=_rule(payload),
        starts_on=payload.starts_on,
        local_start=payload.local_start,
        duration_minutes=payload.duration_minutes,
        time_zone=payload.time_zone,
    )
    series.refresh_from_db()
    return {"schedule": _schedule(series), "change": change.as_dict()}


@router.delete(
    "/schedules/{series_id}",
    response=ScheduleChangeOut,
    summary="Stop a schedule; its upcoming meetings are cancelled (facilitators and admins)",
)
def stop_schedule(request: HttpRequest, series_id: int) -> Any:
    user = _auth(request)
    series = queries.get_series_for_editor(user, series_id)
    return services.stop_series(series=series, actor=user).as_dict()
