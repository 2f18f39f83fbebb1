"""Programmes with enrolled, consenting members and their PHQ-9 totals, for report tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from peerhaven.accounts.models import User
from peerhaven.insights import services
from peerhaven.insights.data import collect
from peerhaven.insights.models import Enrolment, Programme
from peerhaven.insights.report import build_report

ANSWERS = {**{f"phq9_{i}": 1 for i in range(1, 9)}, "phq9_9": 0}


def make_programme(
    admin: User,
    *,
    comparison: bool = False,
    instruments: tuple[str, ...] = ("phq9",),
    name: str = "Review",
) -> Programme:
    return services.create_programme(
        actor=admin,
        name=name,
        instruments=list(instruments),
        wave_days=[0, 28],
        has_comparison_arm=comparison,
    )


def enrol_with_scores(
    admin: User,
    make_user: Callable[..., User],
    programme: Programme,
    scores: dict[int, float],
    *,
    arm: str = "programme",
    site: str = "",
    instrument: str = "phq9",
) -> Enrolment:
    """A consenting, enrolled member with ``scores`` = {day after enrolment: total}."""
    from peerhaven.outcomes.models import Response

    person = make_user()
    services.set_evaluation_consent(user=person, consent=True)
    enrolment = services.enrol_member(
        actor=admin, programme=programme, member=person, arm=arm, site=site
    )
    for day, total in scores.items():
        Response.objects.create(
            member=person,
            instrument_id=instrument,
            instrument_version="1",
            status="complete",
            answers=ANSWERS,
            total=total,
            completed_at=enrolment.enrolled_at + timedelta(days=day, hours=1),
        )
    return enrolment


def run_report(programme: Programme) -> dict[str, Any]:
    return build_report(programme, collect(programme), lambda percent, stage: None)
