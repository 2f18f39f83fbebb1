from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peerhaven.accounts.models import User


@pytest.fixture
def make_response(db: Any) -> Callable[..., Any]:
    """A completed outcome response, scored by the real engine."""
    from peerhaven.outcomes.instruments import get_definition, score
    from peerhaven.outcomes.models import Response

    def factory(
        member: User, instrument_id: str, answers: dict[str, int], days_ago: int = 0
    ) -> Any:
        defn = get_definition(instrument_id)
        result = score(defn, answers)
        when = timezone.now() - timedelta(days=days_ago)
        return Response.objects.create(
            member=member,
            instrument_id=instrument_id,
            instrument_version=defn.version,
            status="complete",
            answers=answers,
            started_at=when,
            updated_at=when,
            completed_at=when,
            total=result.total,
            band=result.band.id if result.band else "",
            flags=list(result.flags),
            safety_level="ideation" if answers.get("phq9_9", 0) > 0 else "none",
        )

    return factory


def phq9(total_per_item: int, item9: int = 0) -> dict[str, int]:
    answers = {f"phq9_{i}": total_per_item for i in range(1, 9)}
    answers["phq9_9"] = item9
    return answers
