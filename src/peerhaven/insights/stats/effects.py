"""Effect sizes for programme evaluation: raw change, Hedges' g, standardised pre-post change.

Sign convention: change = post - pre. On PHQ-9 (higher = more symptoms) a negative change is an
improvement. Between-group differences are group 1 (or arm A) minus group 2 (or arm B).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._common import (
    NOTE_NO_DATA,
    NOTE_NO_SPREAD,
    NOTE_TOO_FEW,
    check_confidence,
    complete_pairs,
    drop_missing,
    dropped_note,
    join_notes,
    no_spread,
)

Values = Iterable[float | None] | npt.ArrayLike
Standardiser = Literal["baseline_sd", "g_av", "change_sd"]

#: The default standardiser for pre-post change: the SD of the baseline scores (see docs).
DEFAULT_STANDARDISER: Standardiser = "baseline_sd"


@dataclass(frozen=True)
class MeanChange:
    """Mean of paired changes (post - pre) with a t-based confidence interval."""

    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    sd_change: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    p_value: float | None
    confidence: float
    n_excluded: int
    note: str | None


@dataclass(frozen=True)
class GroupDifference:
    """Hedges' g for two independent groups (group 1 minus group 2)."""

    n: int
    n1: int
    n2: int
    mean1: float | None
    mean2: float | None
    sd_pooled: float | None
    d: float | None
    j: float | None
    g: float | None
    var_g: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    note: str | None


@dataclass(frozen=True)
class StandardisedChange:
    """Pre-post change divided by a named standardiser, with small-sample correction J."""

    n: int
    standardiser: Standardiser
    standardiser_value: float | None
    mean_change: float | None
    r_pre_post: float | None
    d: float | None
    j: float | None
    g: float | None
    var_g: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    n_excluded: int
    note: str | None


@dataclass(frozen=True)
class ArmChangeComparison:
    """Change scores compared between two arms: Welch difference in means and Hedges' g."""

    n: int
    arm_a: MeanChange
    arm_b: MeanChange
    difference: float | None
    se: float | None
    df: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    g: GroupDifference
    confidence: float
    note: str | None


def _empty_mean_change(n: int, confidence: float, dropped: int, note: str) -> MeanChange:
    return MeanChange(
        n=n,
        mean_pre=None,
        mean_post=None,
        mean_change=None,
        sd_change=None,
        se=None,
        ci_low=None,
        ci_high=None,
        t=None,
        p_value=None,
        confidence=confidence,
        n_excluded=dropped,
        note=join_notes([note, dropped_note(dropped)]),
    )


def mean_change(pre: Values, post: Values, *, confidence: float = 0.95) -> MeanChange:
    """Mean paired change post - pre with a t interval on n - 1 degrees of freedom.

    People missing either score are left out (and counted in ``n_excluded``). With fewer than two
    complete pairs nothing is estimated. When every change is identical the mean is reported but the
    interval is not: a zero-width interval would claim a certainty the data cannot give.
    """
    check_confidence(confidence)
    a, b, dropped = complete_pairs(pre, post)
    n = int(a.size)
    if n == 0:
        return _empty_mean_change(0, confidence, dropped, NOTE_NO_DATA)
    if n < 2:
        return _empty_mean_change(n, confidence, dropped, NOTE_TOO_FEW.format(need=2, n=n))
    change = b - a
    m = float(change.mean())
    base: dict[str, Any] = {
        "n": n,
        "mean_pre": float(a.mean()),
        "mean_post": float(b.mean()),
        "mean_change": m,
        "confidence": confidence,
        "n_excluded": dropped,
    }
    if no_spread(change):
        return MeanChange(
            **base,
            sd_change=0.0,
            se=None,
            ci_low=None,
            ci_high=None,
            t=None,
            p_value=None,
            note=join_notes(
                [
                    "Everyone changed by exactly the same amount, so no interval can be given.",
                    dropped_note(dropped),
                ]
            ),
        )
    sd = float(change.std(ddof=1))
    se = sd / math.sqrt(n)
    crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    t = m / se
    return MeanChange(
        **base,
        sd_change=sd,
        se=se,
        ci_low=m - crit * se,
        ci_high=m + crit * se,
        t=t,
        p_value=float(2 * stats.t.sf(abs(t), n - 1)),
        note=dropped_note(dropped),
    )


def _empty_group_difference(
    n1: int, n2: int, confidence: float, note: str, mean1: float | None, mean2: float | None
) -> GroupDifference:
    return GroupDifference(
        n=n1 + n2,
        n1=n1,
        n2=n2,
        mean1=mean1,
        mean2=mean2,
        sd_pooled=None,
        d=None,
        j=None,
        g=None,
        var_g=None,
        se=None,
        ci_low=None,
        ci_high=None,
        confidence=confidence,
        note=note,
    )


def hedges_g(group1: Values, group2: Values, *, confidence: float = 0.95) -> GroupDifference:
    """Hedges' g = J * (M1 - M2) / s_pooled for two independent groups.

    J = 1 - 3 / (4 (n1 + n2) - 9); Var(d) = (n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))
    (Borenstein 2009, eq. 4.20); Var(g) = J^2 Var(d); the interval is g +/- z * sqrt(Var(g)).
    Each group needs at least two people; missing values are ignored.
    """
    check_confidence(confidence)
    x = drop_missing(group1)
    y = drop_missing(group2)
    n1, n2 = int(x.size), int(y.size)
    m1 = float(x.mean()) if n1 else None
    m2 = float(y.mean()) if n2 else None
    if n1 + n2 == 0:
        return _empty_group_difference(0, 0, confidence, NOTE_NO_DATA, None, None)
    if n1 < 2 or n2 < 2:
        note = f"Each group needs at least 2 people (n1 = {n1}, n2 = {n2}): not computed."
        return _empty_group_difference(n1, n2, confidence, note, m1, m2)
    ss = float(((x - x.mean()) ** 2).sum() + ((y - y.mean()) ** 2).sum())
    sd_pooled = math.sqrt(ss / (n1 + n2 - 2))
    if sd_pooled <= 1e-12 * max(1.0, abs(m1 or 0.0), abs(m2 or 0.0)):
        return _empty_group_difference(n1, n2, confidence, NOTE_NO_SPREAD, m1, m2)
    d = (float(x.mean()) - float(y.mean())) / sd_pooled
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    var_d = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
    var_g = j**2 * var_d
    se = math.sqrt(var_g)
    g = j * d
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return GroupDifference(
        n=n1 + n2,
        n1=n1,
        n2=n2,
        mean1=m1,
        mean2=m2,
        sd_pooled=sd_pooled,
        d=d,
        j=j,
        g=g,
        var_g=var_g,
        se=se,
        ci_low=g - z * se,
        ci_high=g + z * se,
        confidence=confidence,
        note=None,
    )


def prepost_standardised_change(
    pre: Values,
    post: Values,
    *,
    standardiser: Standardiser = DEFAULT_STANDARDISER,
    confidence: float = 0.95,
) -> StandardisedChange:
    """Standardised mean change g = J * mean(post - pre) / S, S named by ``standardiser``.

    - ``"baseline_sd"`` (default): S = SD of the pre scores. Var(d) = s_change^2 / (n s_pre^2)
      + d^2 / (2n), which equals Becker's (1988) 2(1 - r)/n + d^2/(2n) when pre and post SDs are
      equal, and stays right when the programme changes the spread of scores.
    - ``"g_av"``: S = sqrt((s_pre^2 + s_post^2) / 2). Var(d) = (1/n + d^2/(2n)) * 2(1 - r)
      (Borenstein 2009, eq. 4.28).
    - ``"change_sd"``: S = SD of the change scores (d_z). Var(d) = 1/n + d^2/(2n).

    J = 1 - 3 / (4 (n - 1) - 1) for all three; Var(g) = J^2 Var(d); normal-theory interval.
    """
    check_confidence(confidence)
    if standardiser not in ("baseline_sd", "g_av", "change_sd"):
        raise ValueError(f"unknown standardiser {standardiser!r}")
    a, b, dropped = complete_pairs(pre, post)
    n = int(a.size)

    def empty(note: str, mean: float | None = None, s: float | None = None) -> StandardisedChange:
        return StandardisedChange(
            n=n,
            standardiser=standardiser,
            standardiser_value=s,
            mean_change=mean,
            r_pre_post=None,
            d=None,
            j=None,
            g=None,
            var_g=None,
            se=None,
            ci_low=None,
            ci_high=None,
            confidence=confidence,
            n_excluded=dropped,
            note=join_notes([note, dropped_note(dropped)]),
        )

    if n == 0:
        return empty(NOTE_NO_DATA)
    # n >= 3 keeps J's denominator 4(n-1)-1 well away from zero and the SDs meaningful.
    if n < 3:
        return empty(NOTE_TOO_FEW.format(need=3, n=n))
    change = b - a
    m = float(change.mean())
    s_pre = float(a.std(ddof=1))
    s_post = float(b.std(ddof=1))
    s_change = float(change.std(ddof=1))
    r: float | None = None
    if not no_spread(a) and not no_spread(b):
        r = float(np.corrcoef(a, b)[0, 1])

    if standardiser == "baseline_sd":
        if no_spread(a):
            return empty("All baseline scores are identical, so there is no baseline SD.", m)
        s = s_pre
    elif standardiser == "g_av":
        if r is None:
            return empty(
                "Pre or post scores are all identical, so g_av and its variance are undefined.", m
            )
        s = math.sqrt((s_pre**2 + s_post**2) / 2)
    else:
        if no_spread(change):
            return empty("Everyone changed by the same amount, so the change SD is zero.", m)
        s = s_change

    d = m / s
    j = 1 - 3 / (4 * (n - 1) - 1)
    if standardiser == "baseline_sd":
        var_d = s_change**2 / (n * s_pre**2) + d**2 / (2 * n)
    elif standardiser == "g_av":
        assert r is not None  # checked above
        var_d = (1 / n + d**2 / (2 * n)) * 2 * (1 - r)
    else:
        var_d = 1 / n + d**2 / (2 * n)
    var_g = j**2 * var_d
    note = None
    if var_g <= 0:
        return empty("Every change is identical, so no interval can be given.", m, s)
    se = math.sqrt(var_g)
    g = j * d
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return StandardisedChange(
        n=n,
        standardiser=standardiser,
        standardiser_value=s,
        mean_change=m,
        r_pre_post=r,
        d=d,
        j=j,
        g=g,
        var_g=var_g,
        se=se,
        ci_low=g - z * se,
        ci_high=g + z * se,
        confidence=confidence,
        n_excluded=dropped,
        note=join_notes([note, dropped_note(dropped)]),
    )


def compare_arm_changes(
    pre_a: Values,
    post_a: Values,
    pre_b: Values,
    post_b: Values,
    *,
    confidence: float = 0.95,
) -> ArmChangeComparison:
    """Compare change scores between arm A and arm B (A minus B).

    The difference in mean change has a Welch interval (no equal-variance assumption, which a
    programme that works for some people and not others usually breaks). ``g`` is Hedges' g on the
    change scores, standardised by their pooled SD.
    """
    check_confidence(confidence)
    ch_a = mean_change(pre_a, post_a, confidence=confidence)
    ch_b = mean_change(pre_b, post_b, confidence=confidence)
    a_pre, a_post, _ = complete_pairs(pre_a, post_a)
    b_pre, b_post, _ = complete_pairs(pre_b, post_b)
    da = a_post - a_pre
    db = b_post - b_pre
    g = hedges_g(da, db, confidence=confidence)
    n1, n2 = int(da.size), int(db.size)

    def result(note: str | None, **kw: float | None) -> ArmChangeComparison:
        fields: dict[str, float | None] = {
            "difference": None,
            "se": None,
            "df": None,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
        }
        fields.update(kw)
        return ArmChangeComparison(
            n=n1 + n2, arm_a=ch_a, arm_b=ch_b, g=g, confidence=confidence, note=note, **fields
        )

    if n1 + n2 == 0:
        return result(NOTE_NO_DATA)
    if n1 < 2 or n2 < 2:
        return result(f"Each arm needs at least 2 people with both scores (A: {n1}, B: {n2}).")
    diff = float(da.mean() - db.mean())
    va = float(da.var(ddof=1)) / n1
    vb = float(db.var(ddof=1)) / n2
    if va + vb <= 0:
        return result(
            "Every change score is identical within each arm, so no interval can be given.",
            difference=diff,
        )
    se = math.sqrt(va + vb)
    terms = (va**2 / (n1 - 1) if va > 0 else 0.0) + (vb**2 / (n2 - 1) if vb > 0 else 0.0)
    df = (va + vb) ** 2 / terms
    crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    t = diff / se
    return result(
        None,
        difference=diff,
        se=se,
        df=df,
        ci_low=diff - crit * se,
        ci_high=diff + crit * se,
        p_value=float(2 * stats.t.sf(abs(t), df)),
    )
