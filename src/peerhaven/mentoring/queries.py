"""Permission-aware reads. ``get_*_for_*`` fetch and authorize in one call (Http404 for both)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from peerhaven.accounts import audit, ratelimit
from peerhaven.accounts.models import Role, User
from peerhaven.forums.models import Block
from peerhaven.mentoring import permissions
from peerhaven.mentoring.models import (
    OPEN_STATUSES,
    CaseloadEntry,
    CohortRun,
    DirectMessage,
    Goal,
    GoalStep,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    RequestStatus,
    ServiceDelivery,
    ServiceType,
    SessionLog,
    Supervision,
    TrainingRecord,
)

MIN_CELL = 10  # aggregate reports never show a count of fewer than 10 people


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def get_mentorship_for_participant(user: Any, pk: int) -> Mentorship:
    if not _authenticated(user):
        raise Http404
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee")
        .filter(Q(mentor=user) | Q(mentee=user), pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404
    return mentorship


def get_request_for_mentor(user: Any, pk: int) -> MentorshipRequest:
    if not _authenticated(user):
        raise Http404
    req = MentorshipRequest.objects.select_related("mentee").filter(pk=pk, mentor=user).first()
    if req is None:
        raise Http404
    return req


def get_request_for_mentee(user: Any, pk: int) -> MentorshipRequest:
    if not _authenticated(user):
        raise Http404
    req = MentorshipRequest.objects.select_related("mentor").filter(pk=pk, mentee=user).first()
    if req is None:
        raise Http404
    return req


def get_step_for_owner(user: Any, pk: int) -> GoalStep:
    if not _authenticated(user):
        raise Http404
    step = GoalStep.objects.select_related("goal").filter(pk=pk, goal__owner=user).first()
    if step is None:
        raise Http404
    return step


def get_message_for_participant(user: Any, pk: int) -> DirectMessage:
    if not _authenticated(user):
        raise Http404
    message = (
        DirectMessage.objects.select_related("mentorship")
        .filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user), pk=pk)
        .first()
    )
    if message is None or (message.held and message.sender_id != user.pk):
        raise Http404
    return message


def get_case_for_specialist(user: Any, pk: int) -> CaseloadEntry:
    if not permissions.can_keep_caseload(user):
        raise Http404
    case = CaseloadEntry.objects.select_related("member").filter(pk=pk, specialist=user).first()
    if case is None:
        raise Http404
    return case


def get_supervision_for_supervisor(user: Any, pk: int) -> Supervision:
    if not _authenticated(user):
        raise Http404
    sup = (
        Supervision.objects.select_related("mentor")
        .filter(pk=pk, supervisor=user, ended_at__isnull=True)
        .first()
    )
    if sup is None:
        raise Http404
    return sup


def get_cohort_run(user: Any, pk: int) -> CohortRun:
    if not permissions.can_administer(user):
        raise Http404
    run = CohortRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def mentor_profile(user: Any) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).prefetch_related("tags").first()


def training_current(user: Any) -> bool:
    return TrainingRecord.objects.filter(mentor=user, expires_on__gte=timezone.localdate()).exists()


def inbox(user: Any) -> QuerySet[MentorshipRequest]:
    """Requests waiting for this mentor's answer, oldest first.

    Not those where either has blocked the other since: the request can no longer be accepted,
    and the mentee's words (their intake) are no longer the mentor's to read.
    """
    blocked = Block.objects.filter(
        Q(blocker_id=OuterRef("mentee_id"), blocked_id=OuterRef("mentor_id"))
        | Q(blocker_id=OuterRef("mentor_id"), blocked_id=OuterRef("mentee_id"))
    )
    return (
        MentorshipRequest.objects.filter(mentor=user, status=RequestStatus.PENDING)
        .exclude(Exists(blocked))
        .select_related("mentee", "mentee__mentee_intake")
        .order_by("created_at")
    )


def my_mentorships(user: Any) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("mentor", "mentee")
        .order_by("status", "-started_at")
    )


def my_open_request(user: Any) -> MentorshipRequest | None:
    return (
        MentorshipRequest.objects.filter(mentee=user, status=RequestStatus.PENDING)
        .select_related("mentor")
        .first()
    )


# The page polls every 3 s (every 20 s while its socket is open): room for several tabs. The
# web poll and the API share one budget per person.
POLL_LIMIT = 120
POLL_WINDOW = 60


def may_poll_messages(user: Any) -> bool:
    """Count one read of new messages; False once the person polls faster than allowed."""
    return ratelimit.hit(
        "mentoring.messages.poll", str(user.pk), limit=POLL_LIMIT, window=POLL_WINDOW
    )


def visible_messages(
    mentorship: Mentorship, user: Any, *, after: int = 0, limit: int = 200
) -> list[DirectMessage]:
    """Messages in order; held ones only for their sender. Newest ``limit`` when ``after`` is 0."""
    qs = mentorship.messages.filter(Q(held=False) | Q(sender=user)).select_related("sender")
    if after:
        return list(qs.filter(pk__gt=after).order_by("pk")[:limit])
    return list(reversed(qs.order_by("-pk")[:limit]))


def goals(mentorship: Mentorship) -> list[Goal]:
    return list(
        Goal.objects.filter(mentorship=mentorship)
        .prefetch_related(Prefetch("steps", queryset=GoalStep.objects.order_by("position", "pk")))
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class SessionView:
    log: SessionLog
    notes: str | None  # None: the viewer may not see private notes


def sessions(mentorship: Mentorship, user: Any, *, request: Any = None) -> list[SessionView]:
    """Session logs; private notes only for the mentor and the mentor's supervisor (audited)."""
    logs = list(mentorship.sessions.all())
    may_read = permissions.can_read_private_notes(user, mentorship)
    if may_read and user.pk != mentorship.mentor_id and logs:
        audit.record(
            actor=user,
            action="mentoring.notes.read",
            subject=mentorship.mentor,
            obj=mentorship,
            detail={"sessions": [s.pk for s in logs]},
            request=request,
        )
    return [SessionView(log=s, notes=s.private_notes if may_read else None) for s in logs]


def supervisees(user: Any) -> list[Supervision]:
    return list(
        Supervision.objects.filter(supervisor=user, ended_at__isnull=True)
        .select_related("mentor")
        .prefetch_related("sessions")
        .order_by("mentor__display_name")
    )


def supervisee_mentorships(supervision: Supervision) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(mentor_id=supervision.mentor_id)
        .select_related("mentee")
        .prefetch_related("sessions")
        .order_by("-started_at")
    )


def caseload(user: Any) -> list[CaseloadEntry]:
    """The specialist's open cases with how many services and minutes each has had."""
    return list(
        CaseloadEntry.objects.filter(specialist=user, closed_at__isnull=True)
        .select_related("member")
        .annotate(
            services=Count("deliveries"),
            minutes=Sum("deliveries__duration_minutes"),
        )
        .order_by("member__display_name")
    )


def case_deliveries(case: CaseloadEntry) -> QuerySet[ServiceDelivery]:
    return case.deliveries.select_related("service_type").order_by("-delivered_on", "-pk")


def service_history(user: Any) -> QuerySet[ServiceDelivery]:
    """What a member has received, with who delivered it."""
    return (
        ServiceDelivery.objects.filter(case__member=user)
        .select_related("service_type", "case__specialist")
        .order_by("-delivered_on", "-pk")
    )


@dataclass(frozen=True)
class ServiceTotal:
    service_type: ServiceType
    deliveries: int
    minutes: int
    members: int | None  # None: fewer than MIN_CELL people, not shown


def service_totals(start: dt.date, end: dt.date) -> list[ServiceTotal]:
    """Totals per service type for deliveries on ``start``..``end`` (inclusive)."""
    rows = {
        r["service_type"]: r
        for r in ServiceDelivery.objects.filter(delivered_on__range=(start, end))
        .values("service_type")
        .annotate(
            n=Count("pk"),
            minutes=Sum("duration_minutes"),
            members=Count("case__member", distinct=True),
        )
    }
    out = []
    for service_type in ServiceType.objects.order_by("name"):
        r = rows.get(service_type.pk)
        members = int(r["members"]) if r else 0
        out.append(
            ServiceTotal(
                service_type=service_type,
                deliveries=int(r["n"]) if r else 0,
                minutes=int(r["minutes"] or 0) if r else 0,
                members=members if members >= MIN_CELL or members == 0 else None,
            )
        )
    return out


def open_mentorship_count(user_id: int) -> int:
    return Mentorship.objects.filter(mentor_id=user_id, status__in=OPEN_STATUSES).count()


def peer_supporters() -> QuerySet[User]:
    """Every peer supporter with their load, training expiry and supervisor, for admins."""
    supervisor = Supervision.objects.filter(mentor=OuterRef("pk"), ended_at__isnull=True).values(
        "supervisor__display_name"
    )[:1]
    return (
        User.objects.filter(role_assignments__role=Role.PEER_SUPPORTER, is_active=True)
        .select_related("mentor_profile")
        .annotate(
            load=Count(
                "mentorships_as_mentor",
                filter=Q(mentorships_as_mentor__status__in=OPEN_STATUSES),
                distinct=True,
            ),
            training_until=Max("training_records__expires_on"),
            supervisor_name=Subquery(supervisor),
        )
        .order_by("display_name")
    )
