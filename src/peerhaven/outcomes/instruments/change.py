"""Reliable and clinically significant change between two scores (Jacobson & Truax 1991).

A difference between two questionnaire scores is only worth mentioning to a person when it
is larger than the measurement error of the questionnaire. Wording produced here informs, it
never diagnoses: by default it speaks to the member ("Your score ..."); ``reader="clinician"``
describes the member to the clinician they share with ("Their score ...").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .loader import Band, ChangeMethod, InstrumentDefinition
from .scoring import ScoreResult

__all__ = [
    "Z_95",
    "ChangeResult",
    "Reader",
    "ReliableChangeIndex",
    "describe_change",
    "jacobson_truax",
]

#: |RC| above this is unlikely (p < .05) to be measurement error alone.
Z_95 = 1.96

Direction = Literal["improved", "deteriorated", "unchanged"]
#: Who reads the summary: the member themselves, or a clinician reading about them.
Reader = Literal["member", "clinician"]
Status = Literal[
    "reliable_improvement", "reliable_deterioration", "no_reliable_change", "not_assessable"
]


@dataclass(frozen=True)
class ReliableChangeIndex:
    se: float
    """Standard error of measurement, s1 * sqrt(1 - r)."""
    s_diff: float
    """Standard error of the difference, sqrt(2) * SE."""
    rc: float
    """(latest - baseline) / S_diff."""
    threshold: float
    """Points of change needed for |RC| to exceed the criterion (1.96 * S_diff)."""
    reliable: bool


def jacobson_truax(
    baseline: float, latest: float, *, sd: float, reliability: float, z: float = Z_95
) -> ReliableChangeIndex:
    """The Jacobson-Truax reliable change index.

    ``sd`` is the standard deviation of the reference (pre-treatment) population and
    ``reliability`` the scale's reliability r_xx. Change is reliable when |RC| > ``z``.
    """
    if not sd > 0:
        raise ValueError(f"sd must be above 0, not {sd}")
    if not 0 < reliability < 1:
        raise ValueError(f"reliability must be between 0 and 1, not {reliability}")
    se = sd * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * se**2)
    rc = (latest - baseline) / s_diff
    return ReliableChangeIndex(
        se=se, s_diff=s_diff, rc=rc, threshold=z * s_diff, reliable=abs(rc) > z
    )


@dataclass(frozen=True)
class ChangeResult:
    instrument_id: str
    baseline: float
    latest: float
    difference: float
    direction: Direction
    method: ChangeMethod
    threshold: float | None
    rci: ReliableChangeIndex | None
    reliable: bool | None
    status: Status
    baseline_band: Band | None
    latest_band: Band | None
    baseline_case: bool | None
    latest_case: bool | None
    crossed_cutoff: bool
    recovered: bool
    """Reliable improvement that also moved from above to below the clinical cut-off."""
    parameters_confirmed: bool
    summary: str
    """Plain-language description for the reader asked for (the member unless told)."""
    caveats: tuple[str, ...]
    """Notes for staff about how much weight the figures can bear."""


def _total(value: float | ScoreResult, which: str) -> float:
    if isinstance(value, ScoreResult):
        if value.total is None:
            missing = ", ".join(value.missing_items) or "none"
            raise ValueError(f"the {which} response has no total (missing items: {missing})")
        return value.total
    return value


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _points(value: float) -> str:
    return f"{_fmt(value)} point" + ("" if value == 1 else "s")


def describe_change(
    defn: InstrumentDefinition,
    baseline: float | ScoreResult,
    latest: float | ScoreResult,
    *,
    reader: Reader = "member",
) -> ChangeResult:
    """Compare two scores on one instrument using the method its definition prefers.

    ``fixed_threshold`` counts a change of at least the published number of points as
    reliable (NHS Talking Therapies' 6 for PHQ-9, 4 for GAD-7); ``jacobson_truax`` computes
    the RCI from the definition's reliability and SD; ``none`` reports the change in points
    without judging it.

    ``reader`` chooses the wording of ``summary`` only: ``"member"`` addresses the member
    ("Your PHQ-9 score went from ..."), ``"clinician"`` speaks about them ("Their PHQ-9 score
    went from ...", and no advice meant for the member). Every other field is the same.
    """
    if reader not in ("member", "clinician"):
        raise ValueError(f"reader must be 'member' or 'clinician', not {reader!r}")
    x1 = _total(baseline, "baseline")
    x2 = _total(latest, "latest")
    for value, which in ((x1, "baseline"), (x2, "latest")):
        if not defn.total.minimum <= value <= defn.total.maximum:
            raise ValueError(
                f"{defn.id}: {which} total {value} is outside {_fmt(defn.total.minimum)}-"
                f"{_fmt(defn.total.maximum)}"
            )
    difference = x2 - x1
    better = difference < 0 if defn.higher_is_worse else difference > 0
    direction: Direction = (
        "unchanged" if difference == 0 else ("improved" if better else "deteriorated")
    )

    spec = defn.reliable_change
    method = spec.preferred
    rci: ReliableChangeIndex | None = None
    threshold: float | None = None
    reliable: bool | None = None
    caveats: list[str] = []
    confirmed = True
    if method == "jacobson_truax":
        assert spec.reliability is not None and spec.reliability.value is not None
        assert spec.sd is not None and spec.sd.value is not None
        rci = jacobson_truax(x1, x2, sd=spec.sd.value, reliability=spec.reliability.value)
        threshold, reliable = rci.threshold, rci.reliable
        confirmed = spec.reliability.confirmed and spec.sd.confirmed
    elif method == "fixed_threshold":
        assert spec.fixed_threshold is not None and spec.fixed_threshold.value is not None
        threshold = spec.fixed_threshold.value
        # The NHS Talking Therapies rule is "a change of 6 or more", so the edge counts.
        reliable = abs(difference) >= threshold
        confirmed = spec.fixed_threshold.confirmed
    else:
        caveats.append(
            f"{defn.short_title} has no confirmed reliability and SD, so the change is "
            "reported in points without saying whether it is reliable."
        )
    if not confirmed:
        caveats.append("The figures behind the reliable-change threshold are not confirmed.")

    if reliable is None:
        status: Status = "not_assessable"
    elif reliable and direction == "improved":
        status = "reliable_improvement"
    elif reliable and direction == "deteriorated":
        status = "reliable_deterioration"
    else:
        status = "no_reliable_change"

    cutoff = defn.clinical_cutoff
    baseline_case = None if cutoff is None else cutoff.is_case(x1)
    latest_case = None if cutoff is None else cutoff.is_case(x2)
    crossed = cutoff is not None and baseline_case != latest_case
    recovered = status == "reliable_improvement" and bool(baseline_case) and latest_case is False
    if cutoff is not None and not cutoff.confirmed:
        caveats.append(f"The cut-off of {_fmt(cutoff.value)} is a convention, not confirmed.")
    if isinstance(baseline, ScoreResult) and baseline.prorated:
        caveats.append("The baseline total was prorated from incomplete answers.")
    if isinstance(latest, ScoreResult) and latest.prorated:
        caveats.append("The latest total was prorated from incomplete answers.")

    summary = _summary(
        defn,
        x1,
        x2,
        difference,
        status,
        threshold,
        crossed,
        latest_case=latest_case,
        reader=reader,
    )
    return ChangeResult(
        instrument_id=defn.id,
        baseline=x1,
        latest=x2,
        difference=difference,
        direction=direction,
        method=method,
        threshold=threshold,
        rci=rci,
        reliable=reliable,
        status=status,
        baseline_band=defn.band_for(x1),
        latest_band=defn.band_for(x2),
        baseline_case=baseline_case,
        latest_case=latest_case,
        crossed_cutoff=crossed,
        recovered=recovered,
        parameters_confirmed=confirmed,
        summary=summary,
        caveats=tuple(caveats),
    )


def _summary(
    defn: InstrumentDefinition,
    x1: float,
    x2: float,
    difference: float,
    status: Status,
    threshold: float | None,
    crossed: bool,
    *,
    latest_case: bool | None,
    reader: Reader,
) -> str:
    name = defn.short_title
    whose = "Your" if reader == "member" else "Their"
    better = "lower" if defn.higher_is_worse else "higher"
    parts: list[str] = []
    if difference == 0:
        parts.append(f"{whose} {name} score is the same as last time ({_fmt(x1)}).")
    else:
        way = "down" if difference < 0 else "up"
        parts.append(
            f"{whose} {name} score went from {_fmt(x1)} to {_fmt(x2)}, "
            f"{way} {_points(abs(difference))}. On this questionnaire a {better} score is better."
        )

    if status == "reliable_improvement" and threshold is not None:
        parts.append(
            f"A change of {_points(threshold)} or more is bigger than the usual ups and downs "
            "of answering a questionnaire, so this looks like a real improvement."
        )
    elif status == "reliable_deterioration" and threshold is not None:
        advice = (
            " It can help to talk it over with someone you trust, your peer supporter or a "
            "professional."
            if reader == "member"
            else ""
        )
        parts.append(
            f"A change of {_points(threshold)} or more is bigger than the usual ups and downs "
            f"of answering a questionnaire, so things may have got harder lately.{advice}"
        )
    elif status == "no_reliable_change" and difference != 0 and threshold is not None:
        parts.append(
            f"Changes smaller than {_points(threshold)} often come and go from one time to the "
            "next, so it is too early to say whether this is a real change."
        )
    elif status == "not_assessable" and difference != 0:
        parts.append(
            "We don't have the figures to say whether a change of this size is more than the "
            "usual ups and downs of answering a questionnaire."
        )

    cutoff = defn.clinical_cutoff
    if cutoff is not None and crossed:
        value = _fmt(cutoff.value)
        if latest_case:
            where = f"{value} or above" if cutoff.case_when == ">=" else f"above {value}"
            if cutoff.case_when in ("<=", "<"):
                where = f"{value} or below" if cutoff.case_when == "<=" else f"below {value}"
        else:
            where = f"below {value}" if cutoff.case_when == ">=" else f"{value} or below"
            if cutoff.case_when in ("<=", "<"):
                where = f"above {value}" if cutoff.case_when == "<=" else f"{value} or above"
        parts.append(f"{whose} score is now {where}, {cutoff.label}.")

    parts.append("This is a questionnaire score, not a diagnosis.")
    return " ".join(parts)
