"""Plain typed inputs and outputs of matching; the Django layer builds the inputs from models.

Tags, languages, genders and age bands are compared case-insensitively (casefolded, trimmed),
because they come from forms and controlled vocabularies that may differ in case.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from datetime import date

from .availability import Window, validate_time_zone, validate_window


def _norm(value: str) -> str:
    return value.strip().casefold()


def _norm_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(_norm(v) for v in values if v.strip())


def _norm_optional(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return _norm(value)


def _windows(values: Sequence[Window]) -> tuple[Window, ...]:
    windows = tuple((int(d), int(s), int(e)) for d, s, e in values)
    for window in windows:
        validate_window(window)
    return windows


@dataclass(frozen=True, slots=True)
class MentorProfile:
    """A peer supporter who may mentor. ``id`` is their member id."""

    id: int
    experience_tags: AbstractSet[str]
    languages: AbstractSet[str]
    time_zone: str
    availability: Sequence[Window]
    capacity: int
    current_load: int
    training_current: bool
    paused: bool
    gender: str | None = None
    age_band: str | None = None
    blocked_member_ids: AbstractSet[int] = frozenset()

    def __post_init__(self) -> None:
        validate_time_zone(self.time_zone)
        if self.capacity < 0 or self.current_load < 0:
            raise ValueError("capacity and current_load must not be negative")
        object.__setattr__(self, "experience_tags", _norm_set(self.experience_tags))
        object.__setattr__(self, "languages", _norm_set(self.languages))
        object.__setattr__(self, "availability", _windows(self.availability))
        object.__setattr__(self, "gender", _norm_optional(self.gender))
        object.__setattr__(self, "age_band", _norm_optional(self.age_band))
        object.__setattr__(self, "blocked_member_ids", frozenset(self.blocked_member_ids))

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.current_load, 0)


@dataclass(frozen=True, slots=True)
class MatchPreferences:
    """What the mentee said matters to them. Every field is optional."""

    shared_experiences: AbstractSet[str] = frozenset()
    """Tags that matter most; they weigh ``MatchWeights.priority_tag_weight`` instead of 1."""
    preferred_languages: AbstractSet[str] = frozenset()
    preferred_gender: str | None = None
    preferred_age_band: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shared_experiences", _norm_set(self.shared_experiences))
        object.__setattr__(self, "preferred_languages", _norm_set(self.preferred_languages))
        object.__setattr__(self, "preferred_gender", _norm_optional(self.preferred_gender))
        object.__setattr__(self, "preferred_age_band", _norm_optional(self.preferred_age_band))


@dataclass(frozen=True, slots=True)
class MenteeIntake:
    """A member asking for a mentor. ``id`` is their member id.

    ``tags_wanted`` is widened to include ``preferences.shared_experiences`` and ``languages``
    to include ``preferences.preferred_languages``: a person speaks the languages they prefer.
    """

    id: int
    tags_wanted: AbstractSet[str]
    languages: AbstractSet[str]
    time_zone: str
    availability: Sequence[Window]
    preferences: MatchPreferences = field(default_factory=MatchPreferences)
    blocked_mentor_ids: AbstractSet[int] = frozenset()

    def __post_init__(self) -> None:
        validate_time_zone(self.time_zone)
        tags = _norm_set(self.tags_wanted) | self.preferences.shared_experiences
        languages = _norm_set(self.languages) | self.preferences.preferred_languages
        object.__setattr__(self, "tags_wanted", tags)
        object.__setattr__(self, "languages", languages)
        object.__setattr__(self, "availability", _windows(self.availability))
        object.__setattr__(self, "blocked_mentor_ids", frozenset(self.blocked_mentor_ids))


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """Weights of the score's components and the few knobs that shape them.

    Weights need not sum to 1: the score divides by their sum, so it stays in [0, 1].
    """

    shared_experience: float = 0.45
    availability: float = 0.20
    time_zone: float = 0.10
    preferences: float = 0.15
    load: float = 0.10
    priority_tag_weight: float = 3.0
    """Weight of a tag the mentee marked as mattering most; every other wanted tag weighs 1."""
    availability_target_hours: float = 4.0
    """Weekly overlap at or above which availability scores full marks."""
    reference_monday: date = date(2024, 1, 15)
    """Monday of the week in which local windows are converted to UTC (see availability.py)."""

    def __post_init__(self) -> None:
        for name in COMPONENT_NAMES:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"weight {name} must be a finite number >= 0")
        if self.total <= 0:
            raise ValueError("at least one weight must be positive")
        if not (math.isfinite(self.priority_tag_weight) and self.priority_tag_weight >= 1):
            raise ValueError("priority_tag_weight must be >= 1")
        if not (
            math.isfinite(self.availability_target_hours) and self.availability_target_hours > 0
        ):
            raise ValueError("availability_target_hours must be > 0")
        if self.reference_monday.weekday() != 0:
            raise ValueError("reference_monday must be a Monday")

    @property
    def total(self) -> float:
        return float(sum(getattr(self, name) for name in COMPONENT_NAMES))

    def normalised(self) -> tuple[float, ...]:
        """Weights divided by their sum, in ``COMPONENT_NAMES`` order."""
        total = self.total
        return tuple(getattr(self, name) / total for name in COMPONENT_NAMES)


COMPONENT_NAMES: tuple[str, ...] = (
    "shared_experience",
    "availability",
    "time_zone",
    "preferences",
    "load",
)
assert set(COMPONENT_NAMES) <= {f.name for f in fields(MatchWeights)}

DEFAULT_WEIGHTS = MatchWeights()


@dataclass(frozen=True, slots=True)
class Component:
    """One part of the score. ``weight`` is normalised, so ``contribution = weight * value``."""

    name: str
    value: float
    weight: float
    contribution: float
    explanation: str


@dataclass(frozen=True, slots=True)
class MatchExplanation:
    """Why a mentor does (or cannot) suit a mentee.

    ``score`` is the sum of the components' contributions for an eligible pair and 0.0 for an
    ineligible one, so that nothing ranking by score can pick a pair that breaks a hard
    constraint; the components still show what the pair would have scored.
    """

    score: float
    components: list[Component]
    eligible: bool
    reasons_ineligible: list[str]
    mentor_id: int
    mentee_id: int
