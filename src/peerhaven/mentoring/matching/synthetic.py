"""Seeded synthetic mentors and mentees for tests, benchmarks and demos. No real people."""

from __future__ import annotations

import random

from .availability import MINUTES_PER_DAY, Window
from .profiles import MatchPreferences, MenteeIntake, MentorProfile

TAGS = (
    "postpartum", "grief", "bipolar", "anxiety", "lgbtq", "student", "chronic-illness",
    "unemployment", "caregiver", "trauma", "addiction-recovery", "burnout", "loneliness",
    "divorce", "new-parent", "veteran", "migration", "disability", "psychosis",
    "eating-disorder", "self-harm-recovery", "treatment-resistant", "seasonal", "older-age",
)  # fmt: skip
LANGUAGES = ("en", "es", "fr", "de", "pt", "ar", "hi")
LANGUAGE_WEIGHTS = (80, 20, 10, 6, 6, 4, 4)
TIME_ZONES = (
    "Europe/London", "America/New_York", "America/Los_Angeles", "Europe/Berlin",
    "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "Africa/Lagos", "Asia/Tokyo",
    "Asia/Kathmandu", "Pacific/Auckland", "America/Chicago", "UTC",
)  # fmt: skip
TIME_ZONE_WEIGHTS = (20, 18, 10, 12, 8, 5, 5, 4, 3, 1, 2, 8, 4)
GENDERS = ("woman", "man", "non-binary")
AGE_BANDS = ("18-24", "25-34", "35-49", "50-64", "65+")


def _windows(rng: random.Random) -> list[Window]:
    windows: list[Window] = []
    for _ in range(rng.randint(1, 5)):
        start = rng.randrange(7 * 60, 23 * 60, 30)
        length = rng.choice((60, 90, 120, 180))
        # Windows past midnight are given with an end before the start, as a form would.
        windows.append((rng.randrange(7), start, (start + length) % MINUTES_PER_DAY or 1440))
    return windows


def _languages(rng: random.Random) -> set[str]:
    first = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
    return {first, "en"} if rng.random() < 0.4 else {first}


def synthetic_mentors(n: int, seed: int = 1, *, first_id: int = 1_000_000) -> list[MentorProfile]:
    rng = random.Random(seed)  # noqa: S311 -- seeded synthetic data, not secrets
    mentors = []
    for k in range(n):
        capacity = rng.randint(1, 10)
        mentors.append(
            MentorProfile(
                id=first_id + k,
                experience_tags=set(rng.sample(TAGS, rng.randint(2, 6))),
                languages=_languages(rng),
                time_zone=rng.choices(TIME_ZONES, TIME_ZONE_WEIGHTS)[0],
                availability=_windows(rng),
                capacity=capacity,
                current_load=rng.choice((0, 0, 0, rng.randint(0, capacity))),
                training_current=rng.random() < 0.92,
                paused=rng.random() < 0.05,
                gender=rng.choice((*GENDERS, None)),
                age_band=rng.choice((*AGE_BANDS, None)),
                blocked_member_ids={rng.randrange(n * 10)} if rng.random() < 0.02 else set(),
            )
        )
    return mentors


def synthetic_intakes(
    n: int, seed: int = 2, *, mentor_ids: list[int] | None = None
) -> list[MenteeIntake]:
    rng = random.Random(seed)  # noqa: S311 -- seeded synthetic data, not secrets
    intakes = []
    for k in range(n):
        wanted = set(rng.sample(TAGS, rng.randint(0, 4)))
        priority = set(rng.sample(sorted(wanted), min(len(wanted), rng.randint(0, 2))))
        languages = _languages(rng)
        blocked = {rng.choice(mentor_ids)} if mentor_ids and rng.random() < 0.03 else set()
        intakes.append(
            MenteeIntake(
                id=k,
                tags_wanted=wanted,
                languages=languages,
                time_zone=rng.choices(TIME_ZONES, TIME_ZONE_WEIGHTS)[0],
                availability=_windows(rng),
                preferences=MatchPreferences(
                    shared_experiences=priority,
                    preferred_languages={min(languages)} if rng.random() < 0.2 else set(),
                    preferred_gender=rng.choice(GENDERS) if rng.random() < 0.3 else None,
                    preferred_age_band=rng.choice(AGE_BANDS) if rng.random() < 0.15 else None,
                ),
                blocked_mentor_ids=blocked,
            )
        )
    return intakes
