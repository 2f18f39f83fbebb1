"""Reads: a member's own check-ins and progress. Nobody else reads them (no sharing yet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.outcomes import services
from peerhaven.outcomes.instruments import ChangeResult, InstrumentDefinition, describe_change
from peerhaven.outcomes.instruments.loader import Band
from peerhaven.outcomes.models import CheckInSchedule, Response, SafetyScreen


def get_response_for_member(user: User, response_id: int) -> Response:
    """The member's own response; Http404 for both missing and not theirs."""
    response = Response.objects.filter(pk=response_id, member_id=user.pk).first()
    if response is None:
        raise Http404
    return response


def get_screen_for_member(user: User, response_id: int) -> SafetyScreen:
    screen = (
        SafetyScreen.objects.select_related("response")
        .filter(response_id=response_id, member_id=user.pk)
        .first()
    )
    if screen is None:
        raise Http404
    return screen


def get_schedule_for_member(user: User, instrument_id: str) -> CheckInSchedule:
    schedule = CheckInSchedule.objects.filter(
        member_id=user.pk, instrument_id=instrument_id
    ).first()
    if schedule is None:
        raise Http404
    return schedule


def due_schedules(user: User, now: dt.datetime | None = None) -> list[CheckInSchedule]:
    """Active schedules that are due now, for enabled instruments."""
    now = now or timezone.now()
    enabled = [i for i, on in services.enabled_map().items() if on]
    return list(
        CheckInSchedule.objects.filter(
            member_id=user.pk, active=True, next_due_at__lte=now, instrument_id__in=enabled
        ).order_by("next_due_at")
    )


def due_count(user: User) -> int:
    """For the home card: one query plus the instrument settings."""
    enabled = [i for i, on in services.enabled_map().items() if on]
    return CheckInSchedule.objects.filter(
        member_id=user.pk, active=True, next_due_at__lte=timezone.now(), instrument_id__in=enabled
    ).count()


@dataclass(frozen=True)
class Point:
    response_id: int
    at: dt.datetime
    total: float
    band: Band | None
    context: str


@dataclass
class Progress:
    defn: InstrumentDefinition
    points: list[Point]
    change: ChangeResult | None = None
    in_progress: Response | None = None
    schedule: CheckInSchedule | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def progress(user: User, instrument_id: str) -> Progress:
    """Scores over time for one instrument, with change since the baseline (first score).

    Three queries whatever the history: completed scores, any check-in in progress, schedule.
    """
    defn = services.definition(instrument_id)
    rows = (
        Response.objects.filter(
            member_id=user.pk,
            instrument_id=instrument_id,
            status=Response.Status.COMPLETE,
            total__isnull=False,
        )
        .order_by("completed_at", "pk")
        .values_list("pk", "completed_at", "total", "context")
    )
    points = [
        Point(response_id=pk, at=at, total=total, band=defn.band_for(total), context=context)
        for pk, at, total, context in rows
        if at is not None and total is not None
    ]
    result = Progress(defn=defn, points=points)
    if len(points) >= 2:
        result.change = describe_change(defn, points[0].total, points[-1].total)
    result.in_progress = (
        Response.objects.filter(services.RESUMABLE, member_id=user.pk, instrument_id=instrument_id)
        .order_by("-started_at")
        .first()
    )
    result.schedule = CheckInSchedule.objects.filter(
        member_id=user.pk, instrument_id=instrument_id
    ).first()
    return result


def overview(user: User) -> dict[str, Any]:
    """The check-ins page: enabled instruments, what is due, in progress and has history."""
    enabled = services.enabled_map()
    defns = services.definitions()
    schedules = {
        s.instrument_id: s for s in CheckInSchedule.objects.filter(member_id=user.pk, active=True)
    }
    in_progress = set(
        Response.objects.filter(services.RESUMABLE, member_id=user.pk).values_list(
            "instrument_id", flat=True
        )
    )
    with_history = set(
        Response.objects.filter(member_id=user.pk, status=Response.Status.COMPLETE)
        .values_list("instrument_id", flat=True)
        .distinct()
    )
    now = timezone.now()
    rows: list[dict[str, Any]] = []
    for instrument_id, defn in defns.items():
        if not enabled[instrument_id] and instrument_id not in with_history:
            continue
        schedule = schedules.get(instrument_id)
        rows.append(
            {
                "defn": defn,
                "enabled": enabled[instrument_id],
                "schedule": schedule,
                "due": schedule is not None and schedule.next_due_at <= now,
                "in_progress": instrument_id in in_progress,
                "has_history": instrument_id in with_history,
            }
        )
    rows.sort(key=lambda r: (not r["due"], not r["in_progress"], r["defn"].short_title))
    return {"rows": rows}
