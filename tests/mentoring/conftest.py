"""Mentoring fixtures: mentors with profiles and training, intakes, an active mentorship."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    ExperienceTag,
    MenteeIntake,
    MentorProfile,
    Mentorship,
    TrainingRecord,
)

EVENINGS = [[0, 18 * 60, 21 * 60], [2, 18 * 60, 21 * 60], [4, 18 * 60, 21 * 60]]


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    # The per-process mentor index cache must not leak between tests (ids are reused).
    services._index_cache.clear()


SEEDED_TAGS = {
    "postpartum": "Postpartum",
    "bereavement": "Bereavement",
    "lgbtq": "LGBTQ+",
    "student": "Student",
    "veteran": "Veteran",
    "chronic-illness": "Chronic illness",
    "carer": "Carer",
    "job-loss": "Job loss",
    "trauma": "Trauma",
    "suicide-attempt-recovery": "Recovery from a suicide attempt",
}


@pytest.fixture
def tags(db: Any) -> dict[str, ExperienceTag]:
    # The migration seeds these; tests on a flushed (transactional) database recreate them.
    for slug, label in SEEDED_TAGS.items():
        ExperienceTag.objects.get_or_create(slug=slug, defaults={"label": label})
    return {t.slug: t for t in ExperienceTag.objects.all()}


@pytest.fixture
def make_mentor(
    make_user: Callable[..., User], tags: dict[str, ExperienceTag]
) -> Callable[..., User]:
    def factory(
        *,
        display_name: str | None = None,
        tag_slugs: tuple[str, ...] = ("bereavement",),
        languages: tuple[str, ...] = ("en",),
        time_zone: str = "Europe/London",
        availability: list[list[int]] | None = None,
        capacity: int = 2,
        trained: bool = True,
        paused: bool = False,
        story: str = "I found my way back slowly, with help.",
        gender: str = "",
        age_band: str = "",
    ) -> User:
        user = make_user(display_name=display_name, roles=(Role.PEER_SUPPORTER,))
        services.save_mentor_profile(
            user=user,
            tags=[tags[s] for s in tag_slugs],
            languages=languages,
            time_zone=time_zone,
            availability=EVENINGS if availability is None else availability,
            capacity=capacity,
            gender=gender,
            age_band=age_band,
            story=story,
        )
        today = timezone.localdate()
        TrainingRecord.objects.create(
            mentor=user,
            course="Peer mentoring foundations",
            completed_on=today - dt.timedelta(days=400),
            trainer="Training team",
            expires_on=today + dt.timedelta(days=300 if trained else -1),
        )
        if paused:
            MentorProfile.objects.filter(user=user).update(paused=True)
        return user

    return factory


@pytest.fixture
def make_intake(tags: dict[str, ExperienceTag]) -> Callable[..., MenteeIntake]:
    def factory(
        member: User,
        *,
        tag_slugs: tuple[str, ...] = ("bereavement",),
        priority: tuple[str, ...] = (),
        languages: tuple[str, ...] = ("en",),
        time_zone: str = "Europe/London",
        availability: list[list[int]] | None = None,
        support_text: str = "I would like to talk to someone who lost a parent too.",
        preferred_gender: str = "",
    ) -> MenteeIntake:
        return services.save_intake(
            member=member,
            support_text=support_text,
            tags=[tags[s] for s in tag_slugs],
            priority_tags=[tags[s] for s in priority],
            languages=languages,
            preferred_gender=preferred_gender,
            time_zone=time_zone,
            availability=EVENINGS if availability is None else availability,
        )

    return factory


@pytest.fixture
def mentor(make_mentor: Callable[..., User]) -> User:
    return make_mentor(display_name="Kind Beacon")


@pytest.fixture
def mentee(member: User, make_intake: Callable[..., MenteeIntake]) -> User:
    make_intake(member)
    return member


@pytest.fixture
def mentorship(mentee: User, mentor: User, django_capture_on_commit_callbacks: Any) -> Mentorship:
    with django_capture_on_commit_callbacks(execute=True):
        req = services.request_mentor(mentee=mentee, mentor=mentor)
        return services.accept_request(req=req, mentor=mentor)
