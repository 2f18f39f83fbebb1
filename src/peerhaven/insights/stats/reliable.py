"""Reliable and clinically significant change, by one of two methods.

Jacobson-Truax (J Consult Clin Psychol 1991;59:12): SE = s * sqrt(1 - r_xx); S_diff =
sqrt(2 SE^2); RC = (post - pre) / S_diff. A change is reliable when |RC| > 1.96.

A fixed threshold, where a service convention defines reliable change in score points (NHS
Talking Therapies: a PHQ-9 change of 6 or more, GAD-7 of 4 or more): a change is reliable when
its size is at least the threshold.

Either way, "recovered" means reliably improved *and* moved from the clinical side of the
cut-off at baseline to the non-clinical side at follow-up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy.typing as npt

from ._common import NOTE_NO_DATA, complete_pairs, dropped_note, join_notes

Values = Iterable[float | None] | npt.ArrayLike
Category = Literal["improved", "unchanged", "deteriorated"]

RC_CRITICAL = 1.96


class Direction(StrEnum):
    HIGHER_IS_WORSE = "higher_is_worse"  # PHQ-9, GAD-7, UCLA-3
    HIGHER_IS_BETTER = "higher_is_better"  # MSPSS, self-efficacy, coping


@dataclass(frozen=True)
class ReliableChangeCriteria:
    #: None with a fixed threshold (reliability, SD, SE and S_diff play no part then)
    reliability: float | None
    sd: float | None
    cutoff: float
    direction: Direction
    se_measurement: float | None
    s_diff: float | None
    #: the size of change that counts as reliable: more than 1.96 * S_diff (Jacobson-Truax),
    #: or at least the fixed threshold
    threshold: float
    method: Literal["jacobson_truax", "fixed_threshold"] = "jacobson_truax"


@dataclass(frozen=True)
class MemberChange:
    pre: float
    post: float
    change: float
    #: the reliable change index (Jacobson-Truax only)
    rc: float | None
    category: Category
    clinical_at_baseline: bool
    recovered: bool


@dataclass(frozen=True)
class ReliableChangeSummary:
    n: int
    n_improved: int
    n_unchanged: int
    n_deteriorated: int
    n_recovered: int
    #: people on the clinical side of the cut-off at baseline: the denominator of recovery rates
    n_clinical_at_baseline: int
    share_improved: float | None
    share_unchanged: float | None
    share_deteriorated: float | None
    share_recovered: float | None
    #: recovered among those who started on the clinical side (the IAPT-style recovery rate)
    share_recovered_of_clinical: float | None
    criteria: ReliableChangeCriteria
    members: tuple[MemberChange, ...]
    n_excluded: int
    note: str | None


def jacobson_truax_cutoff(
    *, mean_functional: float, sd_functional: float, mean_clinical: float, sd_clinical: float
) -> float:
    """Cut-off c = (s0 M1 + s1 M0) / (s0 + s1), with 0 = functional and 1 = clinical population."""
    if sd_functional <= 0 or sd_clinical <= 0:
        raise ValueError("both SDs must be positive")
    return (sd_functional * mean_clinical + sd_clinical * mean_functional) / (
        sd_functional + sd_clinical
    )


def reliable_change_criteria(
    *, reliability: float, sd: float, cutoff: float, direction: Direction
) -> ReliableChangeCriteria:
    if not 0.0 <= reliability < 1.0:
        raise ValueError(f"reliability must be in [0, 1), got {reliability}")
    if not sd > 0:
        raise ValueError(f"sd must be positive, got {sd}")
    se = sd * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * se**2)
    return ReliableChangeCriteria(
        reliability=reliability,
        sd=sd,
        cutoff=cutoff,
        direction=Direction(direction),
        se_measurement=se,
        s_diff=s_diff,
        threshold=RC_CRITICAL * s_diff,
    )


def fixed_threshold_criteria(
    *, threshold: float, cutoff: float, direction: Direction
) -> ReliableChangeCriteria:
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    return ReliableChangeCriteria(
        reliability=None,
        sd=None,
        cutoff=cutoff,
        direction=Direction(direction),
        se_measurement=None,
        s_diff=None,
        threshold=threshold,
        method="fixed_threshold",
    )


def _is_clinical(score: float, cutoff: float, direction: Direction) -> bool:
    # Cut-offs are published as "caseness at or above" (PHQ-9 >= 10) for higher-is-worse scales
    # and "at or below" for higher-is-better ones.
    if direction is Direction.HIGHER_IS_WORSE:
        return score >= cutoff
    return score <= cutoff


def classify_reliable_change(
    pre: Values,
    post: Values,
    *,
    reliability: float | None = None,
    sd: float | None = None,
    cutoff: float,
    direction: Direction = Direction.HIGHER_IS_WORSE,
    fixed_threshold: float | None = None,
) -> ReliableChangeSummary:
    """Classify each person's change as reliably improved, unchanged or deteriorated.

    Jacobson-Truax unless ``fixed_threshold`` is given: ``sd`` is the SD of the baseline
    (pre-treatment) scores or a published normative SD and ``reliability`` the instrument's
    test-retest or internal-consistency coefficient. With ``fixed_threshold`` (score points) a
    change of at least that size is reliable. All are configuration, so invalid or missing
    values raise ValueError. Missing scores are left out and counted.
    """
    if fixed_threshold is not None:
        criteria = fixed_threshold_criteria(
            threshold=fixed_threshold, cutoff=cutoff, direction=direction
        )
    elif reliability is None or sd is None:
        raise ValueError("Jacobson-Truax needs both reliability and sd")
    else:
        criteria = reliable_change_criteria(
            reliability=reliability, sd=sd, cutoff=cutoff, direction=direction
        )
    a, b, dropped = complete_pairs(pre, post)
    members: list[MemberChange] = []
    sign = -1.0 if criteria.direction is Direction.HIGHER_IS_WORSE else 1.0
    for x1, x2 in zip(a.tolist(), b.tolist(), strict=True):
        rc: float | None = None
        if criteria.s_diff is not None:
            rc = (x2 - x1) / criteria.s_diff
            improvement = sign * rc  # positive = better, whatever the scale's direction
            reliable_up, reliable_down = improvement > RC_CRITICAL, improvement < -RC_CRITICAL
        else:
            points = sign * (x2 - x1)
            reliable_up = points >= criteria.threshold
            reliable_down = points <= -criteria.threshold
        if reliable_up:
            cat: Category = "improved"
        elif reliable_down:
            cat = "deteriorated"
        else:
            cat = "unchanged"
        clinical_pre = _is_clinical(x1, cutoff, criteria.direction)
        recovered = (
            cat == "improved" and clinical_pre and not _is_clinical(x2, cutoff, criteria.direction)
        )
        members.append(
            MemberChange(
                pre=x1,
                post=x2,
                change=x2 - x1,
                rc=rc,
                category=cat,
                clinical_at_baseline=clinical_pre,
                recovered=recovered,
            )
        )
    n = len(members)
    counts = {
        c: sum(1 for m in members if m.category == c)
        for c in ("improved", "unchanged", "deteriorated")
    }
    n_rec = sum(1 for m in members if m.recovered)
    n_clin = sum(1 for m in members if m.clinical_at_baseline)

    def share(k: int, of: int) -> float | None:
        return k / of if of else None

    notes: list[str | None] = []
    if n == 0:
        notes.append(NOTE_NO_DATA)
    elif n_clin == 0:
        notes.append("Nobody started on the clinical side of the cut-off: no recovery rate.")
    notes.append(dropped_note(dropped))
    return ReliableChangeSummary(
        n=n,
        n_improved=counts["improved"],
        n_unchanged=counts["unchanged"],
        n_deteriorated=counts["deteriorated"],
        n_recovered=n_rec,
        n_clinical_at_baseline=n_clin,
        share_improved=share(counts["improved"], n),
        share_unchanged=share(counts["unchanged"], n),
        share_deteriorated=share(counts["deteriorated"], n),
        share_recovered=share(n_rec, n),
        share_recovered_of_clinical=share(n_rec, n_clin),
        criteria=criteria,
        members=tuple(members),
        n_excluded=dropped,
        note=join_notes(notes),
    )
