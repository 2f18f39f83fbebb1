"""Top-k mentor suggestions for one mentee."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .index import MentorIndex
from .profiles import DEFAULT_WEIGHTS, MatchExplanation, MatchWeights, MenteeIntake, MentorProfile
from .scoring import score_match


def suggest_mentors(
    intake: MenteeIntake,
    mentors: Sequence[MentorProfile] | MentorIndex,
    k: int = 3,
    *,
    weights: MatchWeights = DEFAULT_WEIGHTS,
) -> list[MatchExplanation]:
    """The ``k`` eligible mentors with the highest score, best first, ties by lower mentor id.

    Pass a prebuilt ``MentorIndex`` when suggesting for many mentees: building it is the slow
    part. Only the returned mentors get a full explanation; every one of them is eligible.
    """
    if k < 0:
        raise ValueError("k must not be negative")
    index = (
        mentors
        if isinstance(mentors, MentorIndex)
        else MentorIndex(mentors, weights.reference_monday)
    )
    if k == 0 or len(index) == 0:
        return []
    scores, eligible = index.scores(intake, weights)
    rows = np.flatnonzero(eligible)
    # lexsort's last key is the primary one: score descending, then mentor id ascending.
    order = rows[np.lexsort((index.ids[rows], -scores[rows]))][:k]
    explanations = [score_match(intake, index.mentors[r], weights) for r in order]
    # The scalar scorer is the authority on eligibility; the vectorised one only ranks.
    assert all(e.eligible for e in explanations)
    return explanations
