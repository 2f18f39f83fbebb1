"""Product-of-coefficients mediation for pre-post change, with a percentile bootstrap interval.

    a-path:  dM = i1 + a X  [+ covariates] + e1          (X: dose or arm; dM: change in mediator)
    b-path:  dY = i2 + c' X + b dM [+ covariates] + e2   (dY: change in PHQ-9)
    total:   dY = i3 + c X  [+ covariates] + e3

Indirect effect = a * b; direct effect = c'; total effect = c (= c' + a b exactly in OLS on the
same people). The interval for a * b is the percentile interval of a * b over bootstrap resamples
of people (a seeded numpy Generator), computed from resampled cross-product matrices so the whole
bootstrap is a handful of matrix products rather than thousands of regressions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._common import NOTE_NO_DATA, as_float_array, check_confidence, join_notes, no_spread

Values = Iterable[float | None] | npt.ArrayLike

ASSUMPTIONS = (
    "Reading a*b as the part of X's effect on PHQ-9 change that runs through the mediator "
    "assumes: (1) no unmeasured confounding of X and the mediator change, or of X and the outcome "
    "change (X randomised, or its confounders among the covariates); (2) no unmeasured confounding "
    "of the mediator change and the outcome change (randomising X does not protect this path), "
    "and no confounder of it that is itself affected by X; (3) temporal order: X comes before the "
    "mediator change, which comes before the outcome change (with both changes measured over the "
    "same interval this is assumed, not shown); (4) linearity and additivity, with no "
    "X-by-mediator interaction; (5) the mediator is measured with little error (error in it biases "
    "b towards zero). The bootstrap interval reflects sampling error only, not these assumptions."
)

# Memory budget for one chunk of bootstrap counts (replicates x people), in array elements.
_CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class PathEstimate:
    name: str
    estimate: float
    #: ordinary least-squares standard error and t interval
    se: float
    ci_low: float
    ci_high: float
    #: percentile bootstrap interval (same resamples as the indirect effect)
    boot_ci_low: float | None
    boot_ci_high: float | None


@dataclass(frozen=True)
class MediationResult:
    n: int
    x_name: str
    mediator_name: str
    outcome_name: str
    a: PathEstimate | None
    b: PathEstimate | None
    direct: PathEstimate | None
    total: PathEstimate | None
    indirect: float | None
    indirect_boot_se: float | None
    indirect_ci_low: float | None
    indirect_ci_high: float | None
    n_boot: int
    #: resamples in which a regression could not be solved (dropped from the interval)
    n_boot_failed: int
    seed: int | None
    covariates: tuple[str, ...]
    confidence: float
    n_excluded: int
    assumptions: str
    note: str | None


def _solve_stack(g: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve g[i] beta[i] = rhs[i] for a stack; return solutions and a mask of solvable systems."""
    try:
        sol = np.linalg.solve(g, rhs[..., None])[..., 0]
        ok = np.all(np.isfinite(sol), axis=1)
        return sol, ok
    except np.linalg.LinAlgError:
        p = g.shape[-1]
        ok = np.linalg.matrix_rank(g) == p
        sol = np.full(rhs.shape, np.nan)
        if ok.any():
            sol[ok] = np.linalg.solve(g[ok], rhs[ok][..., None])[..., 0]
        return sol, ok


def _ols(
    design: np.ndarray, y: np.ndarray, crit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xtx = design.T @ design
    beta = np.linalg.solve(xtx, design.T @ y)
    resid = y - design @ beta
    dof = design.shape[0] - design.shape[1]
    sigma2 = float(resid @ resid) / dof
    se = np.sqrt(np.diag(np.linalg.inv(xtx)) * sigma2)
    return beta, se, crit * se


def _rank(m: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(m))


def mediation_analysis(
    x: Values,
    mediator_change: Values,
    outcome_change: Values,
    *,
    covariates: Mapping[str, Values] | None = None,
    n_boot: int = 2000,
    seed: int | None = 0,
    confidence: float = 0.95,
    x_name: str = "dose",
    mediator_name: str = "mediator_change",
    outcome_name: str = "phq9_change",
) -> MediationResult:
    """Estimate a, b, c', c and the indirect effect a*b with a percentile bootstrap interval.

    People missing any of x, the two changes or a covariate are left out (``n_excluded``).
    ``seed`` seeds ``numpy.random.default_rng``; the same seed gives the same interval.
    """
    check_confidence(confidence)
    if n_boot < 0:
        raise ValueError("n_boot must be >= 0")
    cov_names = tuple(covariates) if covariates else ()
    cols = [as_float_array(x)]
    cols += [as_float_array(covariates[c]) for c in cov_names] if covariates else []
    cols += [as_float_array(mediator_change), as_float_array(outcome_change)]
    if len({c.size for c in cols}) != 1:
        raise ValueError("all inputs must have the same length")
    raw = np.column_stack(cols)
    keep = ~np.isnan(raw).any(axis=1)
    data = raw[keep]
    excluded = int(raw.shape[0] - keep.sum())
    n = int(data.shape[0])
    k_cov = len(cov_names)
    alpha = 1 - confidence

    excluded_note = f"{excluded} people with a missing value were left out." if excluded else None

    def empty(note: str) -> MediationResult:
        return MediationResult(
            n=n,
            x_name=x_name,
            mediator_name=mediator_name,
            outcome_name=outcome_name,
            a=None,
            b=None,
            direct=None,
            total=None,
            indirect=None,
            indirect_boot_se=None,
            indirect_ci_low=None,
            indirect_ci_high=None,
            n_boot=n_boot,
            n_boot_failed=0,
            seed=seed,
            covariates=cov_names,
            confidence=confidence,
            n_excluded=excluded,
            assumptions=ASSUMPTIONS,
            note=join_notes([note, excluded_note]),
        )

    p_b = 3 + k_cov  # intercept, X, covariates, mediator
    if n == 0:
        return empty(NOTE_NO_DATA)
    if n < p_b + 2:
        return empty(f"Too few people with complete data (n = {n}) for these regressions.")
    xv = data[:, 0]
    mv = data[:, 1 + k_cov]
    yv = data[:, 2 + k_cov]
    if no_spread(xv):
        return empty(f"'{x_name}' is the same for everyone, so its effect cannot be estimated.")
    if no_spread(mv):
        return empty("Everyone's mediator changed by the same amount: the b-path is undefined.")
    if no_spread(yv):
        return empty("Everyone's outcome changed by the same amount: there is nothing to explain.")

    # Centre everything: slopes are unchanged and the cross-product matrices are well conditioned.
    centred = data - data.mean(axis=0)
    z = np.column_stack([np.ones(n), centred])  # [1, X, covs..., dM, dY]
    ia = list(range(2 + k_cov))  # 1, X, covs
    ib = [*ia, 2 + k_cov]  # + dM
    im, iy = 2 + k_cov, 3 + k_cov
    design_b = z[:, ib]
    if _rank(design_b) < len(ib):
        return empty("The predictors are collinear (e.g. the mediator change is a copy of X).")

    t_crit = float(stats.t.ppf(1 - alpha / 2, n - len(ib)))
    beta_a, se_a, hw_a = _ols(z[:, ia], z[:, im], float(stats.t.ppf(1 - alpha / 2, n - len(ia))))
    beta_b, se_b, hw_b = _ols(design_b, z[:, iy], t_crit)
    beta_c, se_c, hw_c = _ols(z[:, ia], z[:, iy], float(stats.t.ppf(1 - alpha / 2, n - len(ia))))
    if min(float(se_a.min()), float(se_b.min()), float(se_c.min())) <= 1e-12:
        return empty(
            "A regression fits the data exactly (no residual variation), so no interval can be "
            "given; check that the mediator or outcome is not computed from X."
        )
    a_hat, b_hat = float(beta_a[1]), float(beta_b[-1])
    direct_hat, total_hat = float(beta_b[1]), float(beta_c[1])
    indirect = a_hat * b_hat

    boots = np.empty((0, 4))
    failed = 0
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        k = z.shape[1]
        # Products z_i z_j for every person: a resample's cross-product matrix is counts @ prods.
        prods = (z[:, :, None] * z[:, None, :]).reshape(n, k * k)
        chunk = max(1, min(n_boot, _CHUNK_ELEMENTS // n))
        out = []
        done = 0
        while done < n_boot:
            size = min(chunk, n_boot - done)
            idx = rng.integers(0, n, size=(size, n))
            flat = (idx + (np.arange(size) * n)[:, None]).ravel()
            counts = np.bincount(flat, minlength=size * n).reshape(size, n).astype(np.float64)
            gram = (counts @ prods).reshape(size, k, k)
            sol_a, ok_a = _solve_stack(gram[:, ia][:, :, ia], gram[:, ia, im])
            sol_b, ok_b = _solve_stack(gram[:, ib][:, :, ib], gram[:, ib, iy])
            sol_c, ok_c = _solve_stack(gram[:, ia][:, :, ia], gram[:, ia, iy])
            ok = ok_a & ok_b & ok_c
            failed += int(size - ok.sum())
            out.append(np.column_stack([sol_a[:, 1], sol_b[:, -1], sol_b[:, 1], sol_c[:, 1]])[ok])
            done += size
        boots = np.concatenate(out)

    def boot_ci(col: np.ndarray) -> tuple[float | None, float | None]:
        if col.size < 2:
            return None, None
        lo, hi = np.quantile(col, [alpha / 2, 1 - alpha / 2])
        return float(lo), float(hi)

    notes: list[str | None] = []
    ind_lo = ind_hi = ind_se = None
    if boots.shape[0] >= 2:
        ind = boots[:, 0] * boots[:, 1]
        ind_lo, ind_hi = boot_ci(ind)
        ind_se = float(ind.std(ddof=1))
    else:
        notes.append("No bootstrap interval for the indirect effect (too few usable resamples).")
    if 0 < n_boot < 1000:
        notes.append(f"Only {n_boot} bootstrap resamples: the interval limits are rough.")
    if failed:
        notes.append(f"{failed} resamples could not be solved and were left out.")
    notes.append(excluded_note)

    def path(name: str, est: float, se: float, hw: float, col: int) -> PathEstimate:
        lo, hi = boot_ci(boots[:, col]) if boots.shape[0] else (None, None)
        return PathEstimate(name, est, se, est - hw, est + hw, lo, hi)

    return MediationResult(
        n=n,
        x_name=x_name,
        mediator_name=mediator_name,
        outcome_name=outcome_name,
        a=path("a", a_hat, float(se_a[1]), float(hw_a[1]), 0),
        b=path("b", b_hat, float(se_b[-1]), float(hw_b[-1]), 1),
        direct=path("direct", direct_hat, float(se_b[1]), float(hw_b[1]), 2),
        total=path("total", total_hat, float(se_c[1]), float(hw_c[1]), 3),
        indirect=indirect,
        indirect_boot_se=ind_se,
        indirect_ci_low=ind_lo,
        indirect_ci_high=ind_hi,
        n_boot=n_boot,
        n_boot_failed=failed,
        seed=seed,
        covariates=cov_names,
        confidence=confidence,
        n_excluded=excluded,
        assumptions=ASSUMPTIONS,
        note=join_notes(notes),
    )


def sobel_se(a: float, se_a: float, b: float, se_b: float) -> float:
    """First-order delta-method SE of a*b (reported for comparison; the bootstrap is preferred)."""
    return math.sqrt(a**2 * se_b**2 + b**2 * se_a**2)
