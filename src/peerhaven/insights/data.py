"""From the database to one long table: a row per consenting member per wave.

Only members enrolled in the programme whose evaluation consent is active when the report runs
are read. Members are identified by a random per-run number, never by account id, and no free
text is ever read.
"""

from __future__ import annotations

import hashlib
import secrets
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

import pandas as pd
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import Count, Max, Q
from django.utils import timezone

from peerhaven.accounts.models import Consent, ConsentPurpose
from peerhaven.insights.models import Enrolment, Programme

# Engagement counted as "dose": (label, model, member field, time field, linked key, link field).
# When a programme links groups or boards, only activity in those counts; otherwise all does.
ENGAGEMENT_SOURCES = (
    (
        "meetings_attended",
        "groups.Attendance",
        "user",
        "recorded_at",
        "groups",
        "meeting__group_id",
    ),
    ("forum_posts", "forums.Post", "author", "created_at", "boards", "thread__board_id"),
    (
        "mentoring_sessions",
        "mentoring.SessionLog",
        "mentorship__mentee",
        "held_on",
        "mentoring",
        "",
    ),
)


@dataclass
class ProgrammeData:
    long: pd.DataFrame  # member_id, arm, site, wave, days, <instrument totals>, dose...
    # (engagement and dose columns count activity up to that wave's check-in)
    enrolled: int
    consenting: int
    engagement_columns: list[str]
    #: consenting members per arm, with or without answers: the retention denominators
    consenting_by_arm: dict[str, int] = field(default_factory=dict)


def consenting_member_ids(programme: Programme) -> set[int]:
    now = timezone.now()
    enrolled = Enrolment.objects.filter(programme=programme, withdrawn_at__isnull=True).values(
        "member_id"
    )
    active = (
        Consent.objects.filter(
            purpose=ConsentPurpose.EVALUATION, user_id__in=enrolled, revoked_at__isnull=True
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("user_id", flat=True)
    )
    return set(active)


#: Raised when what a report stores changes (its figures, their alt text), so a report prepared
#: by older code is prepared again instead of being reused. 2: per-arm alt text, whole-wave ticks.
REPORT_FORMAT = 2


def data_version(programme: Programme) -> str:
    """Changes whenever anything a report reads changes: new answers, enrolments, consents,
    programme settings, or the report's stored format (``REPORT_FORMAT``)."""
    from peerhaven.outcomes.models import Response

    members = consenting_member_ids(programme)
    answers = Response.objects.filter(
        member_id__in=members, status="complete", instrument_id__in=programme.instruments
    ).aggregate(n=Count("pk"), last=Max("completed_at"))
    enrolments = Enrolment.objects.filter(programme=programme).aggregate(
        n=Count("pk"), last=Max("enrolled_at"), left=Max("withdrawn_at")
    )
    raw = "|".join(
        str(x)
        for x in (
            REPORT_FORMAT,
            sorted(members),
            answers["n"],
            answers["last"],
            enrolments["n"],
            enrolments["last"],
            enrolments["left"],
            programme.instruments,
            programme.wave_days,
            programme.has_comparison_arm,
            sorted(programme.linked.items()) if isinstance(programme.linked, dict) else "",
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def assign_wave(days: float, wave_days: list[int]) -> int | None:
    """The wave whose due day is nearest, if within half the gap to its neighbours (min 7 days)."""
    if not wave_days:
        return None
    best = min(range(len(wave_days)), key=lambda k: abs(days - wave_days[k]))
    gaps = [b - a for a, b in pairwise(wave_days)]
    tolerance = max(7.0, (min(gaps) / 2) if gaps else 14.0)
    if abs(days - wave_days[best]) > tolerance:
        return None
    return best


def _engagement(
    member_ids: set[int], since: dict[int, datetime], linked: dict[str, Any]
) -> dict[str, dict[int, list[Any]]]:
    """When each member engaged (sorted times or dates per source) since the first enrolment.

    The times, not totals, are returned so that the dose at a wave counts only what happened
    up to that wave's check-in: a total up to today would give the baseline row engagement that
    happened after it. One query per source, whatever the number of members.
    """
    events: dict[str, dict[int, list[Any]]] = {}
    start = min(since.values()) if since else None
    restricted = any(linked.get(key) for key in ("groups", "boards", "mentoring"))
    for label, model_label, member_field, time_field, link_key, link_field in ENGAGEMENT_SOURCES:
        if restricted and not linked.get(link_key):
            continue  # the programme links other activities, not this one
        try:
            model = apps.get_model(model_label)
        except LookupError:
            continue  # that capability is not installed
        filters: dict[str, Any] = {f"{member_field}__in": member_ids}
        if restricted and link_field:
            filters[f"{link_field}__in"] = list(linked[link_key])
        try:
            time_model_field = model._meta.get_field(time_field.split("__")[0])
        except FieldDoesNotExist:
            continue
        if start is not None:
            filters[f"{time_field}__gte"] = (
                timezone.localdate(start)
                if time_model_field.get_internal_type() == "DateField"
                else start
            )
        try:
            rows = model.objects.filter(**filters).values_list(member_field, time_field)
            per_member: dict[int, list[Any]] = defaultdict(list)
            for member_id, when in rows:
                if when is not None:
                    per_member[member_id].append(when)
        except FieldError:  # the model has other field names than expected: count nothing
            continue
        for times in per_member.values():
            times.sort()
        events[label] = dict(per_member)
    return events


def _count_until(times: list[Any], until: datetime) -> int:
    """How many of the sorted ``times`` (datetimes, or dates for day-level logs) are <= until."""
    if times and not isinstance(times[0], datetime):
        return bisect_right(times, timezone.localdate(until))
    return bisect_right(times, until)


def collect(programme: Programme) -> ProgrammeData:
    from peerhaven.outcomes.models import Response

    enrolments = {
        e.member_id: e
        for e in Enrolment.objects.filter(programme=programme, withdrawn_at__isnull=True)
    }
    members = consenting_member_ids(programme) & set(enrolments)
    responses = (
        Response.objects.filter(
            member_id__in=members, status="complete", instrument_id__in=programme.instruments
        )
        .order_by("completed_at")
        .values_list("member_id", "instrument_id", "completed_at", "total")
    )
    cells: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    for member_id, instrument_id, completed_at, total in responses:
        enrolment = enrolments[member_id]
        if completed_at is None:
            continue
        days = (completed_at - enrolment.enrolled_at).total_seconds() / 86400
        wave = assign_wave(days, list(programme.wave_days))
        if wave is None or total is None:
            continue
        # The latest answer in a wave window wins (ordered by time).
        cell = cells[(member_id, wave)]
        cell[instrument_id] = float(total)
        cell["days"] = round(days)
        cell["_answered_at"] = completed_at
    engagement = _engagement(
        members, {m: enrolments[m].enrolled_at for m in members}, programme.linked or {}
    )
    pseudonyms = {m: secrets.token_hex(6) for m in members}
    rows = []
    for (member_id, wave), values in cells.items():
        enrolment = enrolments[member_id]
        answered_at = values.pop("_answered_at")
        row: dict[str, Any] = {
            "member_id": pseudonyms[member_id],
            "arm": enrolment.arm,
            "site": enrolment.site or "all",
            "wave": wave,
            "days": values.pop("days"),
            **values,
        }
        # Dose at this wave: engagement from the programme's start up to this check-in.
        dose = 0
        for label, per_member in engagement.items():
            row[label] = _count_until(per_member.get(member_id, []), answered_at)
            dose += row[label]
        row["dose"] = dose
        rows.append(row)
    columns = ["member_id", "arm", "site", "wave", "days", *programme.instruments]
    long = pd.DataFrame(rows)
    for column in columns:
        if column not in long:
            long[column] = pd.Series(dtype="float64")
    if "dose" not in long:
        long["dose"] = pd.Series(dtype="float64")
    long = long.sort_values(["member_id", "wave"]).reset_index(drop=True) if rows else long
    consenting_by_arm: dict[str, int] = defaultdict(int)
    for member_id in members:
        consenting_by_arm[enrolments[member_id].arm] += 1
    return ProgrammeData(
        long=long,
        enrolled=len(enrolments),
        consenting=len(members),
        engagement_columns=list(engagement),
        consenting_by_arm=dict(consenting_by_arm),
    )
