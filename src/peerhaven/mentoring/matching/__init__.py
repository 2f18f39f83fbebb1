"""Mentor-mentee matching: pure Python, no Django.

The match is the intervention: shared experience is what makes the support land. See
docs/matching.md for the score, the hard constraints and the cohort optimisation.
"""

from .cohort import Assignment, CohortResult, Unmatched, assign_cohort, assign_greedy
from .index import MentorIndex
from .profiles import (
    COMPONENT_NAMES,
    DEFAULT_WEIGHTS,
    Component,
    MatchExplanation,
    MatchPreferences,
    MatchWeights,
    MenteeIntake,
    MentorProfile,
)
from .scoring import ineligibility_reasons, is_eligible, score_match
from .suggest import suggest_mentors

__all__ = [
    "COMPONENT_NAMES",
    "DEFAULT_WEIGHTS",
    "Assignment",
    "CohortResult",
    "Component",
    "MatchExplanation",
    "MatchPreferences",
    "MatchWeights",
    "MenteeIntake",
    "MentorIndex",
    "MentorProfile",
    "Unmatched",
    "assign_cohort",
    "assign_greedy",
    "ineligibility_reasons",
    "is_eligible",
    "score_match",
    "suggest_mentors",
]
