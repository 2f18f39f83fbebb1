"""Safety API: my safety plan, crisis resources for me, my conversation with the safety team,
and the moderators' queue."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import Throttled

from peerhaven.accounts import audit, ratelimit
from peerhaven.api.errors import ApiError
from peerhaven.api.pagination import Page, keyset_page
from peerhaven.safety import conversation, queries, services
from peerhaven.safety.models import LEVEL_RANK, AlertStatus, RiskAlert, SafetyMessage, SafetyPlan
from peerhaven.safety.permissions import can_moderate

router = Router(tags=["safety"])


class SafetyPlanIn(Schema):
    warning_signs: str = ""
    coping_strategies: str = ""
    distractions: str = ""
    people_to_ask: str = ""
    professionals: str = ""
    safe_environment: str = ""


class SafetyPlanOut(SafetyPlanIn):
    updated_at: datetime.datetime | None = None


class ResourceOut(Schema):
    country: str
    language: str
    name: str
    description: str
    phone: str
    text: str
    chat_url: str
    url: str
    hours: str
    is_emergency: bool
    verified_on: datetime.date


class ResourcesOut(Schema):
    """``shown`` is what to put in front of a person in crisis (what every crisis panel on the
    web shows): the country's lines when it has crisis lines, else its emergency number (when
    known) followed by the international directories. ``local`` and ``international`` are the
    whole lists, for a directory page."""

    country: str
    has_lines: bool
    shown: list[ResourceOut]
    local: list[ResourceOut]
    international: list[ResourceOut]


class AlertOut(Schema):
    id: int
    level: str
    source: str
    kind: str
    status: str
    held: bool
    url: str
    author: str | None
    assigned_to: str | None
    created_at: datetime.datetime
    sla_due_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    outcome: str
    escalation_count: int
    evidence: list[Any]


class OtherAlertOut(Schema):
    id: int
    level: str
    source: str
    kind: str
    status: str
    assigned_to: str | None
    created_at: datetime.datetime


class AlertDetailOut(AlertOut):
    """One alert as its page shows it: with where the member is and their time now (to decide
    how, and whether now, to reach them) and their other open or acknowledged alerts."""

    # ISO 3166 code and name; null when the member gave none.
    member_country: str | None
    member_country_name: str | None
    # The member's zone and the time there now, ISO 8601 with its offset; null when not given.
    member_time_zone: str | None
    member_local_time: datetime.datetime | None
    # How many, and the most urgent 20 (soonest due first), as on the alert page.
    other_open_count: int
    other_open_alerts: list[OtherAlertOut]


class ResolveIn(Schema):
    outcome: str
    note: str = ""
    # An explicit opt-in, as on the alert page: held text describes a method.
    release_held: bool = False
    # When held content stays hidden: the reason its author reads (see register_hold_releaser).
    held_reason: str = ""


def _user(request: HttpRequest) -> Any:
    """The signed-in person (Ninja puts them on ``request.auth``)."""
    return getattr(request, "auth", None)


def _plan_out(plan: SafetyPlan | None) -> dict[str, Any]:
    data: dict[str, Any] = {step: getattr(plan, step, "") for step in SafetyPlan.STEPS}
    data["updated_at"] = plan.updated_at if plan else None
    return data


@router.get("/plan", response=SafetyPlanOut, summary="My safety plan")
def get_plan(request: HttpRequest) -> dict[str, Any]:
    return _plan_out(queries.safety_plan_for(_user(request)))


@router.put("/plan", response=SafetyPlanOut, summary="Replace my safety plan")
def put_plan(request: HttpRequest, payload: SafetyPlanIn) -> dict[str, Any]:
    plan = services.save_safety_plan(user=_user(request), steps=payload.dict())
    return _plan_out(plan)


@router.get("/resources", response=ResourcesOut, summary="Crisis lines for me")
def my_resources(request: HttpRequest, country: str = "") -> dict[str, Any]:
    user: Any = _user(request)
    directory = queries.crisis_resources(country=country or user.country, language=user.language)
    return {
        "country": directory.country,
        "has_lines": directory.has_lines,
        "shown": directory.shown,
        "local": directory.local,
        "international": directory.international,
    }


class SafetyMessageOut(Schema):
    id: int
    from_team: bool
    # "Safety team" or "You": the member never sees which moderator wrote.
    author: str
    title: str
    body: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class ConversationOut(Schema):
    can_reply: bool
    messages: list[SafetyMessageOut]
    # With ``after``: more messages are waiting (ask again with the last id).
    more: bool = False


class ReplyIn(Schema):
    body: str


class ReplyOut(Schema):
    message: SafetyMessageOut
    # The crisis panel (lines, plan and help links) when the reply was screened as ideation or
    # imminent, as live rooms send it; null otherwise.
    support: dict[str, Any] | None


def _safety_message_out(m: SafetyMessage) -> dict[str, Any]:
    return {
        "id": m.pk,
        "from_team": m.from_team,
        "author": "Safety team" if m.from_team else "You",
        "title": m.title,
        "body": m.body,
        "created_at": m.created_at,
        "read_at": m.read_at,
    }


@router.get("/messages", response=ConversationOut, summary="My conversation with the safety team")
def get_messages(
    request: HttpRequest, after: Annotated[int | None, Query(ge=0)] = None
) -> dict[str, Any]:
    """The caller's own conversation, newest last; the team's messages count as read.

    With ``after`` (a message id): only the messages after it, oldest first, at most a batch;
    ``more`` says to ask again with the last id (as the web page's live updates do).
    """
    user = _user(request)
    if after is not None:
        if not conversation.may_poll(user, "member"):  # the same budget as the page's poll
            raise Throttled(ratelimit.retry_after(conversation.LIVE_WINDOW))
        rows, more = conversation.member_messages_after(member=user, after=after)
    else:
        rows, more = conversation.messages_for_member(user), False
        conversation.mark_read_by_member(member=user)
    return {
        "can_reply": conversation.has_conversation(user),
        "messages": [_safety_message_out(m) for m in rows],
        "more": more,
    }


@router.post("/messages", response={201: ReplyOut}, summary="Answer the safety team")
def post_message(request: HttpRequest, payload: ReplyIn) -> Status:
    """403 ``no_conversation`` until the team has written; 422 ``empty`` or ``too_long``;
    429 ``rate_limited``. Open under a mute or a ban, like the page."""
    user = _user(request)
    try:
        message = conversation.reply_to_team(member=user, body=payload.body, request=request)
    except ValidationError as exc:
        code = conversation.error_code(exc)
        status = {"no_conversation": 403, "rate_limited": 429}.get(code, 422)
        raise ApiError(status, code, " ".join(exc.messages)) from None
    support = None
    if LEVEL_RANK.get(message.risk_level, 0) >= LEVEL_RANK["ideation"]:
        support = queries.crisis_payload(user, level=message.risk_level)
    return Status(201, {"message": _safety_message_out(message), "support": support})


def _moderator(request: HttpRequest) -> Any:
    if not can_moderate(_user(request)):
        raise ApiError(403, "forbidden", "Moderators with two-factor authentication only.")
    return _user(request)


def _alert_out(alert: RiskAlert, *, with_evidence: bool = True) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "level": alert.level,
        "source": alert.source,
        "kind": alert.kind,
        "status": alert.status,
        "held": alert.held,
        "url": alert.url,
        "author": alert.author.display_name if alert.author else None,
        "assigned_to": alert.assigned_to.display_name if alert.assigned_to else None,
        "created_at": alert.created_at,
        "sla_due_at": alert.sla_due_at,
        "acknowledged_at": alert.acknowledged_at,
        "resolved_at": alert.resolved_at,
        "outcome": alert.outcome,
        "escalation_count": alert.escalation_count,
        # Excerpts of what a member wrote: only on the audited single-alert paths.
        "evidence": alert.evidence if with_evidence else [],
    }


@router.get("/alerts", response=Page[AlertOut], summary="The moderation queue")
def list_alerts(
    request: HttpRequest,
    status: str = "active",
    level: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    _moderator(request)
    if status not in ("active", *AlertStatus.values):
        raise ApiError(400, "bad_status", "Unknown status.")
    qs = queries.queue(status=status, level=level)
    page = keyset_page(
        qs, cursor=cursor, limit=limit, serialize=lambda a: _alert_out(a, with_evidence=False)
    )
    audit.record(
        actor=_user(request),
        action="safety.queue.read",
        detail={"alerts": [item["id"] for item in page["items"]]},
        request=request,
    )
    return page


@router.get("/alerts/{alert_id}", response=AlertDetailOut, summary="One alert")
def alert_detail(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    """The alert with its evidence, the member's country and local time, and their other open
    alerts. Moderators only (403); the read is audited, as on the alert page."""
    user = _moderator(request)
    alert = services.get_alert_for_moderator(user=user, alert_id=alert_id, request=request)
    clock = queries.member_clock(alert.author)
    count, others = queries.other_open_alerts(alert)
    return {
        **_alert_out(alert),
        "member_country": clock.country or None,
        "member_country_name": clock.country_name or None,
        "member_time_zone": clock.zone or None,
        "member_local_time": clock.local_now,
        "other_open_count": count,
        "other_open_alerts": [
            {
                "id": o.pk,
                "level": o.level,
                "source": o.source,
                "kind": o.kind,
                "status": o.status,
                "assigned_to": o.assigned_to.display_name if o.assigned_to else None,
                "created_at": o.created_at,
            }
            for o in others
        ],
    }


@router.post("/alerts/{alert_id}/claim", response=AlertOut, summary="Acknowledge an alert")
def claim(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    user = _moderator(request)
    if not RiskAlert.objects.filter(pk=alert_id).exists():
        raise ApiError(404, "not_found", "Not found.")
    try:
        alert = services.claim_alert(alert_id=alert_id, moderator=user, request=request)
    except services.AlertUnavailableError:
        raise ApiError(
            409, "taken", "Another moderator has this alert, or it is resolved."
        ) from None
    return _alert_out(alert)


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, summary="Resolve an alert")
def resolve(request: HttpRequest, alert_id: int, payload: ResolveIn) -> dict[str, Any]:
    user = _moderator(request)
    alert = RiskAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise ApiError(404, "not_found", "Not found.")
    try:
        alert = services.resolve_alert(
            alert=alert,
            moderator=user,
            outcome=payload.outcome,
            note=payload.note,
            release_held=payload.release_held,
            held_reason=payload.held_reason,
            request=request,
        )
    except services.AlertUnavailableError:
        raise ApiError(409, "resolved", "This alert is already resolved.") from None
    except PermissionDenied:
        raise ApiError(409, "not_yours", "Acknowledge the alert first.") from None
    alert = RiskAlert.objects.select_related("author", "assigned_to").get(pk=alert.pk)
    return _alert_out(alert)
