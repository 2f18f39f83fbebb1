"""Linear mixed-effects growth model: outcome ~ time + dose [+ arm], random intercept and slope.

Data are long (one row per member and observed wave). A missed wave is simply an absent row: the
member keeps every wave they did answer, so the model uses everyone and is valid when missingness
depends on what was observed (MAR). If the random-slope model does not converge, or its random-
effects covariance sits on the boundary, we refit with a random intercept only and say so.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.regression.mixed_linear_model import MixedLM

from ._common import NOTE_NO_DATA, check_confidence, join_notes, no_spread

RandomEffects = Literal["intercept_slope", "intercept", "none"]

#: statsmodels' optimisers, tried in order. statsmodels' own default starts with BFGS, which in our
#: simulations stalled on a few random-slope fits that L-BFGS solved; so L-BFGS goes first.
DEFAULT_FIT_METHODS: tuple[str, ...] = ("lbfgs", "bfgs", "cg")


@dataclass(frozen=True)
class FixedEffect:
    name: str
    estimate: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


@dataclass(frozen=True)
class VarianceComponent:
    #: "intercept", "slope", "intercept_slope_cov" (member level) or "residual"
    name: str
    variance: float


@dataclass(frozen=True)
class GrowthModelResult:
    #: members in the fitted data
    n: int
    n_observations: int
    n_waves: int
    formula: str
    random_effects: RandomEffects
    fixed_effects: tuple[FixedEffect, ...]
    variance_components: tuple[VarianceComponent, ...]
    converged: bool
    #: True when the random-slope model failed and the random-intercept model is reported
    fell_back: bool
    log_likelihood: float | None
    reml: bool
    #: members before any subsampling (equals n unless ``max_members`` applied)
    n_members_available: int
    subsampled: bool
    n_rows_dropped: int
    confidence: float
    note: str | None

    def fixed(self, name: str) -> FixedEffect | None:
        return next((f for f in self.fixed_effects if f.name == name), None)


@dataclass(frozen=True)
class _Fit:
    result: Any
    ok: bool
    problems: tuple[str, ...]


def _fit(
    data: pd.DataFrame,
    formula: str,
    re_formula: str,
    reml: bool,
    methods: Sequence[str],
) -> _Fit:
    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = MixedLM.from_formula(formula, data, groups=data["group"], re_formula=re_formula)
            result = model.fit(reml=reml, method=list(methods))
        except (np.linalg.LinAlgError, ValueError) as exc:
            return _Fit(None, False, (f"the fit failed ({type(exc).__name__})",))
    for w in caught:
        msg = str(w.message)
        if "boundary" in msg:
            problems.append("a variance estimate is on the boundary (zero)")
        elif "Hessian" in msg or "positive definite" in msg:
            problems.append("the information matrix is not positive definite")
    # Intermediate "failed to converge, retrying" warnings are not failures: the final result's
    # own flag says whether the last optimiser converged.
    if not result.converged:
        problems.append("the optimiser did not converge")
    cov_re = np.asarray(result.cov_re, dtype=float)
    if not np.all(np.isfinite(cov_re)) or np.any(np.linalg.eigvalsh(cov_re) <= 1e-10):
        problems.append("the random-effects covariance is singular")
    bse = np.asarray(result.bse_fe, dtype=float)
    if not np.all(np.isfinite(bse)):
        problems.append("standard errors could not be computed")
    uniq = tuple(dict.fromkeys(problems))
    return _Fit(result, not uniq, uniq)


def fit_growth_model(
    data: pd.DataFrame,
    *,
    outcome: str = "phq9",
    time: str = "wave",
    member: str = "member_id",
    dose: str | None = "dose",
    arm: str | None = None,
    time_by_arm: bool = False,
    reml: bool = True,
    confidence: float = 0.95,
    max_members: int | None = None,
    seed: int = 0,
    fit_methods: Sequence[str] = DEFAULT_FIT_METHODS,
) -> GrowthModelResult:
    """Fit ``outcome ~ time + dose [+ arm]`` with a random intercept and time slope per member.

    Rows with a missing outcome, time, dose or arm are dropped one by one (a person keeps their
    other waves). ``max_members`` fits on a seeded random sample of whole members when the data
    hold more than that; the result says so (``subsampled``). A covariate with no variation
    (nobody engaged, one arm only) is left out of the formula, with a note.
    """
    check_confidence(confidence)
    cols = {outcome: "y", time: "time", member: "group"}
    if dose is not None:
        cols[dose] = "dose"
    if arm is not None:
        cols[arm] = "arm"
    missing_cols = [c for c in cols if c not in data.columns]
    if missing_cols:
        raise KeyError(f"columns not in data: {missing_cols}")
    df = data.loc[:, list(cols)].rename(columns=cols)
    n_rows = len(df)
    members_before = df["group"].nunique()
    df = df.dropna()
    dropped = n_rows - len(df)
    notes: list[str | None] = []
    if dropped:
        lost = members_before - df["group"].nunique()
        notes.append(
            f"{dropped} rows with a missing value were left out; the people stay in with their "
            "other waves" + (f", except {lost} who had no complete row at all." if lost else ".")
        )
    n_avail = int(df["group"].nunique())
    subsampled = False
    if max_members is not None and n_avail > max_members:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(df["group"].unique(), size=max_members, replace=False)
        df = df.loc[df["group"].isin(chosen)]
        subsampled = True
        notes.append(
            f"Fitted on a random sample of {max_members} of {n_avail} members (all their waves; "
            f"seed {seed}) to keep the fit within time."
        )
    df = df.sort_values(["group", "time"]).reset_index(drop=True)
    terms = ["time"]
    names = {"Intercept": "Intercept", "time": time}
    if dose is not None:
        if no_spread(df["dose"].to_numpy(dtype=float)):
            notes.append(f"'{dose}' does not vary, so it was left out of the model.")
        else:
            terms.append("dose")
            names["dose"] = dose
    if arm is not None:
        if df["arm"].nunique() < 2:
            notes.append(f"'{arm}' has a single value, so it was left out of the model.")
        else:
            terms.append("arm")
            names["arm"] = arm
            if time_by_arm:
                # Whether the arms' trajectories differ: the programme effect on the slope.
                terms.append("time:arm")
                names["time:arm"] = f"{time}:{arm}"
    formula = "y ~ " + " + ".join(terms)
    shown_formula = f"{outcome} ~ " + " + ".join(names[t] for t in terms)
    n = int(df["group"].nunique())
    n_obs = len(df)
    n_waves = int(df["time"].nunique())

    def empty(*reasons: str | None) -> GrowthModelResult:
        return GrowthModelResult(
            n=n,
            n_observations=n_obs,
            n_waves=n_waves,
            formula=shown_formula,
            random_effects="none",
            fixed_effects=(),
            variance_components=(),
            converged=False,
            fell_back=False,
            log_likelihood=None,
            reml=reml,
            n_members_available=n_avail,
            subsampled=subsampled,
            n_rows_dropped=dropped,
            confidence=confidence,
            note=join_notes([*reasons, *notes]) or "The model could not be fitted.",
        )

    if n == 0:
        return empty(NOTE_NO_DATA)
    if n_waves < 2:
        return empty("Only one wave of data: there is no change over time to model.")
    if n < 3:
        return empty(f"Only {n} members: too few for a mixed model.")
    if no_spread(df["y"].to_numpy(dtype=float)):
        return empty("Every score is identical: there is nothing to model.")

    fit = _fit(df, formula, "~time", reml, fit_methods)
    random_effects: RandomEffects = "intercept_slope"
    fell_back = False
    if not fit.ok:
        first_problems = "; ".join(fit.problems)
        fallback = _fit(df, formula, "1", reml, fit_methods)
        fell_back = True
        random_effects = "intercept"
        if fallback.result is not None and (fallback.ok or fit.result is None):
            notes.append(
                "The random-slope model did not fit cleanly "
                f"({first_problems}); reported: random intercept only, which assumes everyone "
                "shares one slope around the fixed time effect, so standard errors for the time "
                "effect may be too small."
            )
            fit = fallback
        if not fit.ok:
            notes.append(
                "The model did not converge cleanly ("
                + "; ".join(fit.problems)
                + "): treat these estimates as unreliable and do not report them."
            )
    if fit.result is None:
        return empty()

    res = fit.result
    k_fe = len(res.fe_params)
    ci = np.asarray(res.conf_int(alpha=1 - confidence))[:k_fe]
    fixed = []
    for i, term in enumerate(res.fe_params.index):
        se = float(res.bse_fe.iloc[i])
        ok = math.isfinite(se)
        p = float(res.pvalues.iloc[i])
        fixed.append(
            FixedEffect(
                name=names.get(term, term),
                estimate=float(res.fe_params.iloc[i]),
                se=se if ok else None,
                ci_low=float(ci[i, 0]) if ok else None,
                ci_high=float(ci[i, 1]) if ok else None,
                p_value=p if math.isfinite(p) else None,
            )
        )
    cov_re = np.asarray(res.cov_re, dtype=float)
    comps = [VarianceComponent("intercept", float(cov_re[0, 0]))]
    if cov_re.shape[0] > 1:
        comps.append(VarianceComponent("slope", float(cov_re[1, 1])))
        comps.append(VarianceComponent("intercept_slope_cov", float(cov_re[0, 1])))
    comps.append(VarianceComponent("residual", float(res.scale)))
    llf = float(res.llf)
    return GrowthModelResult(
        n=n,
        n_observations=n_obs,
        n_waves=n_waves,
        formula=shown_formula,
        random_effects=random_effects,
        fixed_effects=tuple(fixed),
        variance_components=tuple(comps),
        converged=fit.ok,
        fell_back=fell_back,
        log_likelihood=llf if math.isfinite(llf) else None,
        reml=reml,
        n_members_available=n_avail,
        subsampled=subsampled,
        n_rows_dropped=dropped,
        confidence=confidence,
        note=join_notes(notes),
    )
