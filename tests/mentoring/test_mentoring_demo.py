"""The mentoring demo step: idempotent, and shows what the capability does."""

from __future__ import annotations

import pytest

from peerhaven.demo import mentoring, people
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    CaseloadEntry,
    DirectMessage,
    Goal,
    MenteeIntake,
    MentorProfile,
    Mentorship,
    ServiceDelivery,
)

pytestmark = pytest.mark.django_db


def _load() -> people.DemoContext:
    ctx = people.DemoContext()
    people.load_people(ctx)
    mentoring.load_mentoring(ctx)
    return ctx


def test_the_mentoring_demo_loads_once_with_three_active_mentorships() -> None:
    ctx = _load()
    counts = (
        MentorProfile.objects.count(),
        Mentorship.objects.count(),
        DirectMessage.objects.count(),
        Goal.objects.count(),
        ServiceDelivery.objects.count(),
    )
    assert Mentorship.objects.filter(status="active").count() == 3
    assert counts[0] == len(mentoring.MENTOR_KEYS)
    assert counts[2] > 0 and counts[3] == 3 and counts[4] > 0
    assert CaseloadEntry.objects.exists() and MenteeIntake.objects.count() >= 10
    _load()
    assert counts == (
        MentorProfile.objects.count(),
        Mentorship.objects.count(),
        DirectMessage.objects.count(),
        Goal.objects.count(),
        ServiceDelivery.objects.count(),
    )
    # A waiting demo member gets three explained suggestions.
    found = services.suggest_for(member=ctx.users["member5"])
    assert len(found) == 3
