"""The demo check-ins load once, with varied trajectories, and never trigger the safety flow."""

from __future__ import annotations

from typing import Any

import pytest

from peerhaven.demo.outcomes import TRAJECTORIES, load_outcomes
from peerhaven.demo.people import DemoContext
from peerhaven.outcomes import queries
from peerhaven.outcomes.models import Response

pytestmark = pytest.mark.django_db


def test_demo_check_ins_load_once_with_the_planned_totals(
    make_user: Any, report_outcome: Any
) -> None:
    ctx = DemoContext()
    for key in {key for key, *_ in TRAJECTORIES}:
        ctx.users[key] = make_user()
    load_outcomes(ctx)
    count = Response.objects.count()
    load_outcomes(ctx)

    assert count == sum(len(totals) for _k, _i, totals, _g in TRAJECTORIES)
    assert Response.objects.count() == count
    report_outcome.assert_not_called()
    progress = queries.progress(ctx.users["member"], "phq9")
    assert [p.total for p in progress.points] == [18, 15, 12, 9, 7, 6]
    assert progress.change is not None
    assert progress.change.status == "reliable_improvement"
