"""The mentoring API: profiles, intake, suggestions, requests, mentorships, messages, goals,
sessions and service logs. Same services, queries and permission functions as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import Throttled

from peerhaven.accounts import ratelimit
from peerhaven.accounts.models import User
from peerhaven.api.errors import ApiError
from peerhaven.api.pagination import Page, keyset_page
from peerhaven.mentoring import permissions, queries, services
from peerhaven.mentoring.models import (
    DirectMessage,
    ExperienceTag,
    Goal,
    MenteeIntake,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    ServiceDelivery,
    ServiceType,
)

router = Router(tags=["mentoring"])
T = TypeVar("T")


def _call(fn: Callable[[], T]) -> T:
    """Run a service; refusals that are not "fix the input" get their own status."""
    try:
        return fn()
    except ValidationError as exc:
        status = services.status_for(exc)
        if status == 422:
            raise
        raise ApiError(status, services.error_code(exc), " ".join(exc.messages)) from None


def _me(request: HttpRequest) -> User:
    """The authenticated caller (the API's auth puts the user on ``request.auth``)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _tags(slugs: list[str]) -> list[ExperienceTag]:
    found = list(ExperienceTag.objects.filter(slug__in=slugs, active=True))
    if len(found) != len(set(slugs)):
        raise ApiError(422, "unknown_tag", "One or more tags are not in the taxonomy.")
    return found


# --- Schemas --------------------------------------------------------------------------------------


class TagOut(Schema):
    slug: str
    label: str


class ProfileIn(Schema):
    tags: list[str] = []
    languages: list[str]
    time_zone: str
    availability: list[list[int]]
    capacity: int
    gender: str = ""
    age_band: str = ""
    story: str = ""


class ProfileOut(Schema):
    user_id: int
    display_name: str
    tags: list[str]
    languages: list[str]
    time_zone: str
    availability: list[list[int]]
    capacity: int
    gender: str
    age_band: str
    story: str
    paused: bool


class PauseIn(Schema):
    paused: bool


class IntakeIn(Schema):
    support_text: str = ""
    tags: list[str] = []
    priority_tags: list[str] = []
    languages: list[str]
    preferred_languages: list[str] = []
    preferred_gender: str = ""
    preferred_age_band: str = ""
    time_zone: str
    availability: list[list[int]]


class IntakeOut(Schema):
    support_text: str
    tags: list[str]
    priority_tags: list[str]
    languages: list[str]
    time_zone: str
    availability: list[list[int]]


class ComponentOut(Schema):
    name: str
    value: float
    weight: float
    contribution: float
    explanation: str


class SuggestionOut(Schema):
    mentor_id: int
    display_name: str
    score: float
    components: list[ComponentOut]
    tags: list[str]
    story: str


class RequestIn(Schema):
    mentor_id: int


class RequestOut(Schema):
    id: int
    mentee_id: int
    mentee: str
    mentor_id: int
    mentor: str
    status: str
    score: float
    created_at: dt.datetime
    expires_at: dt.datetime


class MentorshipOut(Schema):
    id: int
    mentor_id: int | None
    mentee_id: int | None
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    rematch_offered: bool
    #: who paused it (only they resume it; anyone of the two when null)
    paused_by_id: int | None = None


class StateIn(Schema):
    action: str  # pause | resume | end
    helpfulness: int | None = None
    reason: str = ""
    comment: str = ""


class MessageIn(Schema):
    body: str


class MessageOut(Schema):
    id: int
    sender_id: int | None
    body: str
    held: bool
    risk_level: str
    created_at: dt.datetime


class ReportIn(Schema):
    reason: str


class StepOut(Schema):
    id: int
    text: str
    done: bool


class GoalIn(Schema):
    title: str
    steps: list[str]


class GoalOut(Schema):
    id: int
    title: str
    progress: int
    steps: list[StepOut]


class StepIn(Schema):
    done: bool = True


class SessionIn(Schema):
    held_on: dt.date
    duration_minutes: int
    topics: str
    private_notes: str = ""


class SessionOut(Schema):
    id: int
    held_on: dt.date
    duration_minutes: int
    topics: str
    private_notes: str | None


class ServiceTypeOut(Schema):
    id: int
    slug: str
    name: str


class ServiceIn(Schema):
    case_id: int
    service_type: str
    delivered_on: dt.date
    duration_minutes: int
    outcome: str
    note: str = ""


class ServiceOut(Schema):
    id: int
    case_id: int
    service_type: str
    delivered_on: dt.date
    duration_minutes: int
    outcome: str


class TotalOut(Schema):
    service_type: str
    deliveries: int
    minutes: int
    members: int | None


# --- Serialisers ----------------------------------------------------------------------------------


def _profile(p: MentorProfile) -> ProfileOut:
    return ProfileOut(
        user_id=p.user_id,
        display_name=p.user.display_name,
        tags=[t.slug for t in p.tags.all()],
        languages=p.languages,
        time_zone=p.time_zone,
        availability=p.availability,
        capacity=p.capacity,
        gender=p.gender,
        age_band=p.age_band,
        story=p.story,
        paused=p.paused,
    )


def _intake(i: MenteeIntake) -> IntakeOut:
    return IntakeOut(
        support_text=i.support_text,
        tags=[t.slug for t in i.tags.all()],
        priority_tags=[t.slug for t in i.priority_tags.all()],
        languages=i.languages,
        time_zone=i.time_zone,
        availability=i.availability,
    )


def _request(r: MentorshipRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        mentee_id=r.mentee_id,
        mentee=r.mentee.display_name,
        mentor_id=r.mentor_id,
        mentor=r.mentor.display_name,
        status=r.status,
        score=r.score,
        created_at=r.created_at,
        expires_at=r.expires_at,
    )


def _mentorship(m: Mentorship) -> MentorshipOut:
    return MentorshipOut(
        id=m.pk,
        mentor_id=m.mentor_id,
        mentee_id=m.mentee_id,
        status=m.status,
        started_at=m.started_at,
        ended_at=m.ended_at,
        rematch_offered=m.rematch_offered,
        paused_by_id=m.paused_by_id,
    )


def _message(d: DirectMessage, viewer_id: int | None = None) -> MessageOut:
    return MessageOut(
        id=d.pk,
        sender_id=d.sender_id,
        body=d.body,
        held=d.held,
        # How the screener read a message is the sender's business, not the other person's.
        risk_level=d.risk_level if viewer_id is None or viewer_id == d.sender_id else "",
        created_at=d.created_at,
    )


def _goal(g: Goal) -> GoalOut:
    steps = list(g.steps.all())
    return GoalOut(
        id=g.pk,
        title=g.title,
        progress=g.progress,
        steps=[StepOut(id=s.pk, text=s.text, done=s.done_at is not None) for s in steps],
    )


def _service(d: ServiceDelivery) -> ServiceOut:
    return ServiceOut(
        id=d.pk,
        case_id=d.case_id,
        service_type=d.service_type.slug,
        delivered_on=d.delivered_on,
        duration_minutes=d.duration_minutes,
        outcome=d.outcome,
    )


# --- Taxonomy and profiles ------------------------------------------------------------------------


@router.get("/tags", response=list[TagOut], summary="The lived-experience taxonomy")
def list_tags(request: HttpRequest) -> list[TagOut]:
    return [TagOut(slug=t.slug, label=t.label) for t in ExperienceTag.objects.filter(active=True)]


@router.get("/profile", response=ProfileOut, summary="My mentor profile")
def get_my_profile(request: HttpRequest) -> ProfileOut:
    profile = MentorProfile.objects.filter(user=_me(request)).select_related("user").first()
    if profile is None:
        raise Http404
    return _profile(profile)


@router.put("/profile", response=ProfileOut, summary="Create or update my mentor profile")
def put_my_profile(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    user = _me(request)
    if not permissions.can_mentor(user):
        raise ApiError(403, "not_peer_supporter", "Only peer supporters have a mentor profile.")
    data = payload.dict()
    data["tags"] = _tags(data["tags"])
    profile = services.save_mentor_profile(user=user, **data)
    return _profile(MentorProfile.objects.select_related("user").get(pk=profile.pk))


@router.get("/profiles/{user_id}", response=ProfileOut, summary="A peer supporter's profile")
def get_profile(request: HttpRequest, user_id: int) -> ProfileOut:
    profile = (
        MentorProfile.objects.filter(user_id=user_id, user__is_active=True)
        .select_related("user")
        .prefetch_related("tags")
        .first()
    )
    if profile is None or not permissions.can_mentor(profile.user):
        raise Http404
    out = _profile(profile)
    if _me(request).pk != user_id:
        # Others see the public part: no availability windows, gender or age band.
        out.availability, out.gender, out.age_band = [], "", ""
    return out


@router.post("/profile/pause", response=ProfileOut, summary="Pause or resume taking mentees")
def pause(request: HttpRequest, payload: PauseIn) -> ProfileOut:
    profile = services.set_paused(user=_me(request), paused=payload.paused)
    return _profile(MentorProfile.objects.select_related("user").get(pk=profile.pk))


# --- Intake, suggestions, requests ----------------------------------------------------------------


@router.get("/intake", response=IntakeOut, summary="My intake")
def get_intake(request: HttpRequest) -> IntakeOut:
    intake = MenteeIntake.objects.filter(member=_me(request)).first()
    if intake is None:
        raise Http404
    return _intake(intake)


@router.put("/intake", response=IntakeOut, summary="Create or update my intake")
def put_intake(request: HttpRequest, payload: IntakeIn) -> IntakeOut:
    data = payload.dict()
    data["tags"] = _tags(data["tags"])
    data["priority_tags"] = _tags(data["priority_tags"])
    return _intake(services.save_intake(member=_me(request), **data))


@router.get("/suggestions", response=list[SuggestionOut], summary="My top 3 mentors, explained")
def suggestions(request: HttpRequest) -> list[SuggestionOut]:
    found = _call(lambda: services.suggest_for(member=_me(request)))
    return [
        SuggestionOut(
            mentor_id=s.mentor.pk,
            display_name=s.mentor.display_name,
            score=s.explanation.score,
            components=[
                ComponentOut(**c) for c in services.explanation_dict(s.explanation)["components"]
            ],
            tags=[t.slug for t in s.profile.tags.all()],
            story=s.profile.story,
        )
        for s in found
    ]


@router.post("/requests", response={201: RequestOut}, summary="Ask a mentor")
def create_request(request: HttpRequest, payload: RequestIn) -> Status:
    mentor = User.objects.filter(pk=payload.mentor_id, is_active=True).first()
    if mentor is None:
        raise Http404
    req = _call(lambda: services.request_mentor(mentee=_me(request), mentor=mentor))
    return Status(
        201, _request(MentorshipRequest.objects.select_related("mentor", "mentee").get(pk=req.pk))
    )


@router.get("/requests/inbox", response=list[RequestOut], summary="Requests waiting for me")
def inbox(request: HttpRequest) -> list[RequestOut]:
    rows = queries.inbox(_me(request)).select_related("mentor")
    return [_request(r) for r in rows]


@router.post("/requests/{request_id}/accept", response=MentorshipOut, summary="Accept")
def accept(request: HttpRequest, request_id: int) -> MentorshipOut:
    req = queries.get_request_for_mentor(_me(request), request_id)
    return _mentorship(_call(lambda: services.accept_request(req=req, mentor=_me(request))))


@router.post("/requests/{request_id}/decline", response=RequestOut, summary="Decline")
def decline(request: HttpRequest, request_id: int) -> RequestOut:
    req = queries.get_request_for_mentor(_me(request), request_id)
    _call(lambda: services.decline_request(req=req, mentor=_me(request)))
    return _request(MentorshipRequest.objects.select_related("mentor", "mentee").get(pk=req.pk))


@router.post("/requests/{request_id}/withdraw", response=RequestOut, summary="Withdraw mine")
def withdraw(request: HttpRequest, request_id: int) -> RequestOut:
    req = queries.get_request_for_mentee(_me(request), request_id)
    _call(lambda: services.withdraw_request(req=req, mentee=_me(request)))
    return _request(MentorshipRequest.objects.select_related("mentor", "mentee").get(pk=req.pk))


# --- Mentorships ----------------------------------------------------------------------------------


@router.get("/mentorships", response=Page[MentorshipOut], summary="My mentorships")
def mentorships(
    request: HttpRequest, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    return keyset_page(
        queries.my_mentorships(_me(request)), cursor=cursor, limit=limit, serialize=_mentorship
    )


@router.get("/mentorships/{mentorship_id}", response=MentorshipOut, summary="One mentorship")
def mentorship(request: HttpRequest, mentorship_id: int) -> MentorshipOut:
    return _mentorship(queries.get_mentorship_for_participant(_me(request), mentorship_id))


@router.post(
    "/mentorships/{mentorship_id}/state", response=MentorshipOut, summary="Pause/resume/end"
)
def change_state(request: HttpRequest, mentorship_id: int, payload: StateIn) -> MentorshipOut:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    user = _me(request)
    if payload.action == "pause":
        return _mentorship(_call(lambda: services.pause_mentorship(mentorship=m, actor=user)))
    if payload.action == "resume":
        return _mentorship(_call(lambda: services.resume_mentorship(mentorship=m, actor=user)))
    if payload.action == "end":
        return _mentorship(
            _call(
                lambda: services.end_mentorship(
                    mentorship=m,
                    actor=user,
                    helpfulness=payload.helpfulness,
                    reason=payload.reason,
                    comment=payload.comment,
                )
            )
        )
    raise ApiError(422, "bad_action", "action must be pause, resume or end.")


@router.get("/mentorships/{mentorship_id}/messages", response=list[MessageOut], summary="Messages")
def list_messages(request: HttpRequest, mentorship_id: int, after: int = 0) -> list[MessageOut]:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    me = _me(request)
    if not queries.may_poll_messages(me):  # the same budget as the page's poll
        raise Throttled(ratelimit.retry_after(queries.POLL_WINDOW))
    return [_message(d, me.pk) for d in queries.visible_messages(m, me, after=max(after, 0))]


@router.post(
    "/mentorships/{mentorship_id}/messages", response={201: MessageOut}, summary="Send a message"
)
def post_message(request: HttpRequest, mentorship_id: int, payload: MessageIn) -> Status:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    message = _call(
        lambda: services.send_message(mentorship=m, sender=_me(request), body=payload.body)
    )
    return Status(201, _message(message))


@router.post("/messages/{message_id}/report", response={204: None}, summary="Report a message")
def report(request: HttpRequest, message_id: int, payload: ReportIn) -> Status:
    message = queries.get_message_for_participant(_me(request), message_id)
    _call(
        lambda: services.report_message(
            message=message, reporter=_me(request), reason=payload.reason
        )
    )
    return Status(204, None)


@router.get("/mentorships/{mentorship_id}/goals", response=list[GoalOut], summary="Goals")
def list_goals(request: HttpRequest, mentorship_id: int) -> list[GoalOut]:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    return [_goal(g) for g in queries.goals(m)]


@router.post("/mentorships/{mentorship_id}/goals", response={201: GoalOut}, summary="Set a goal")
def create_goal(request: HttpRequest, mentorship_id: int, payload: GoalIn) -> Status:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    goal = services.create_goal(
        mentorship=m, owner=_me(request), title=payload.title, steps=payload.steps
    )
    return Status(201, _goal(Goal.objects.prefetch_related("steps").get(pk=goal.pk)))


@router.post("/steps/{step_id}", response=GoalOut, summary="Mark a step done or not done")
def set_step(request: HttpRequest, step_id: int, payload: StepIn) -> GoalOut:
    step = queries.get_step_for_owner(_me(request), step_id)
    services.set_step_done(step=step, actor=_me(request), done=payload.done)
    return _goal(Goal.objects.prefetch_related("steps").get(pk=step.goal_id))


@router.get("/mentorships/{mentorship_id}/sessions", response=list[SessionOut], summary="Sessions")
def list_sessions(request: HttpRequest, mentorship_id: int) -> list[SessionOut]:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    return [
        SessionOut(
            id=s.log.pk,
            held_on=s.log.held_on,
            duration_minutes=s.log.duration_minutes,
            topics=s.log.topics,
            private_notes=s.notes,
        )
        for s in queries.sessions(m, _me(request), request=request)
    ]


@router.post(
    "/mentorships/{mentorship_id}/sessions", response={201: SessionOut}, summary="Log a session"
)
def create_session(request: HttpRequest, mentorship_id: int, payload: SessionIn) -> Status:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    log = services.log_session(mentorship=m, mentor=_me(request), **payload.dict())
    return Status(
        201,
        SessionOut(
            id=log.pk,
            held_on=log.held_on,
            duration_minutes=log.duration_minutes,
            topics=log.topics,
            private_notes=log.private_notes,
        ),
    )


# --- Peer-delivered services ----------------------------------------------------------------------


@router.get("/service-types", response=list[ServiceTypeOut], summary="Service types")
def service_types(request: HttpRequest) -> list[ServiceTypeOut]:
    return [
        ServiceTypeOut(id=t.pk, slug=t.slug, name=t.name)
        for t in ServiceType.objects.filter(active=True)
    ]


@router.post("/services", response={201: ServiceOut}, summary="Log a service delivered")
def log_service(request: HttpRequest, payload: ServiceIn) -> Status:
    case = queries.get_case_for_specialist(_me(request), payload.case_id)
    service_type = ServiceType.objects.filter(slug=payload.service_type).first()
    if service_type is None:
        raise ApiError(422, "unknown_service_type", "No service type has that code.")
    delivery = services.log_service(
        case=case,
        specialist=_me(request),
        service_type=service_type,
        delivered_on=payload.delivered_on,
        duration_minutes=payload.duration_minutes,
        outcome=payload.outcome,
        note=payload.note,
    )
    return Status(
        201, _service(ServiceDelivery.objects.select_related("service_type").get(pk=delivery.pk))
    )


class CaseOut(Schema):
    id: int
    member_id: int
    member: str
    opened_at: dt.datetime
    services: int
    minutes: int


@router.get("/caseload", response=list[CaseOut], summary="My open cases (peer specialists)")
def caseload(request: HttpRequest) -> list[CaseOut]:
    if not permissions.can_keep_caseload(_me(request)):
        raise ApiError(403, "not_peer_supporter", "Only peer specialists keep a caseload.")
    return [
        CaseOut(
            id=c.pk,
            member_id=c.member_id,
            member=c.member.display_name,
            opened_at=c.opened_at,
            services=c.services,  # type: ignore[attr-defined]
            minutes=c.minutes or 0,  # type: ignore[attr-defined]
        )
        for c in queries.caseload(_me(request))
    ]


@router.get("/services/mine", response=Page[ServiceOut], summary="Services I have received")
def my_services(
    request: HttpRequest, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    return keyset_page(
        queries.service_history(_me(request)), cursor=cursor, limit=limit, serialize=_service
    )


@router.get("/services/totals", response=list[TotalOut], summary="Totals per type (admins)")
def totals(request: HttpRequest, start: dt.date, end: dt.date) -> list[TotalOut]:
    if not permissions.can_administer(_me(request)):
        raise ApiError(403, "forbidden", "Only programme admins see totals.")
    if end < start:
        raise ApiError(422, "bad_period", "end must not be before start.")
    return [
        TotalOut(
            service_type=t.service_type.slug,
            deliveries=t.deliveries,
            minutes=t.minutes,
            members=t.members,
        )
        for t in queries.service_totals(start, end)
    ]
