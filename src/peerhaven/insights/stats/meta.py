"""Random-effects pooling of per-site effects (DerSimonian-Laird and Paule-Mandel).

Fixed-effect weights w_i = 1/v_i; Q = sum w_i (y_i - mu_FE)^2 on k - 1 df.
DL:  tau^2 = max(0, (Q - df) / C), C = sum w - sum w^2 / sum w.
PM:  tau^2 solves sum (y_i - mu(tau^2))^2 / (v_i + tau^2) = k - 1 (0 if no root above 0).
Random-effects weights w*_i = 1/(v_i + tau^2); mu = sum w* y / sum w*; SE = sqrt(1 / sum w*).
I^2 = max(0, (Q - df) / Q). Unlike statsmodels' ``combine_effects(method_re="dl")`` the DL tau^2
here is floored at 0, so Q < df never gives a negative variance or a NaN standard error.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from ._common import NOTE_NO_DATA, as_float_array, check_confidence, join_notes

Method = Literal["dl", "pm"]


@dataclass(frozen=True)
class SiteWeight:
    label: str
    effect: float
    variance: float
    #: share of the total weight, fixed-effect and random-effects models (each sums to 1)
    weight_fixed: float
    weight_random: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class PooledEffect:
    #: number of sites pooled
    n: int
    method: Method
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    z: float | None
    p_value: float | None
    #: Hartung-Knapp-Sidik-Jonkman interval (t on k - 1 df), better behaved with few sites
    se_hksj: float | None
    ci_low_hksj: float | None
    ci_high_hksj: float | None
    tau2: float | None
    #: True when the untruncated estimate was negative and was set to 0
    tau2_floored: bool
    q: float | None
    df: int | None
    q_p_value: float | None
    i2: float | None
    fixed_estimate: float | None
    fixed_se: float | None
    sites: tuple[SiteWeight, ...]
    confidence: float
    n_excluded: int
    note: str | None


def _pm_tau2(y: np.ndarray, v: np.ndarray) -> float:
    k = y.size

    def excess(tau2: float) -> float:
        w = 1 / (v + tau2)
        mu = float(w @ y / w.sum())
        return float(w @ (y - mu) ** 2) - (k - 1)

    if excess(0.0) <= 0:
        return 0.0
    hi = max(float(np.var(y, ddof=1)), 1e-12)
    while excess(hi) > 0:
        hi *= 2
    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-14, rtol=1e-14, maxiter=500))


def pool_random_effects(
    effects: Iterable[float | None] | npt.ArrayLike,
    variances: Iterable[float | None] | npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    method: Method = "dl",
    confidence: float = 0.95,
) -> PooledEffect:
    """Pool per-site effects. Sites with a missing effect or a non-positive variance are left out.

    With one site there is nothing to pool: its own estimate and interval are returned and the
    heterogeneity statistics are None. ``method`` is "dl" (DerSimonian-Laird) or "pm"
    (Paule-Mandel, the iterative estimator). Intervals are normal (z); the HKSJ interval is given
    alongside because z intervals are too narrow when there are only a handful of sites.
    """
    check_confidence(confidence)
    if method not in ("dl", "pm"):
        raise ValueError(f"unknown method {method!r}")
    y_all = as_float_array(effects)
    v_all = as_float_array(variances)
    if y_all.shape != v_all.shape:
        raise ValueError("effects and variances differ in length")
    names = [str(x) for x in labels] if labels is not None else [str(i) for i in range(y_all.size)]
    if len(names) != y_all.size:
        raise ValueError("labels and effects differ in length")
    keep = ~np.isnan(y_all) & ~np.isnan(v_all) & (v_all > 0)
    excluded = int(y_all.size - keep.sum())
    y, v = y_all[keep], v_all[keep]
    kept_names = [nm for nm, k_ in zip(names, keep.tolist(), strict=True) if k_]
    k = int(y.size)
    excl_note = (
        f"{excluded} site(s) without an effect or with a non-positive variance were left out."
        if excluded
        else None
    )
    z_crit = float(stats.norm.ppf(0.5 + confidence / 2))

    def empty(note: str) -> PooledEffect:
        return PooledEffect(
            n=k,
            method=method,
            estimate=None,
            se=None,
            ci_low=None,
            ci_high=None,
            z=None,
            p_value=None,
            se_hksj=None,
            ci_low_hksj=None,
            ci_high_hksj=None,
            tau2=None,
            tau2_floored=False,
            q=None,
            df=None,
            q_p_value=None,
            i2=None,
            fixed_estimate=None,
            fixed_se=None,
            sites=(),
            confidence=confidence,
            n_excluded=excluded,
            note=join_notes([note, excl_note]),
        )

    if k == 0:
        return empty(NOTE_NO_DATA)

    w = 1 / v
    mu_fe = float(w @ y / w.sum())
    se_fe = math.sqrt(1 / float(w.sum()))
    site_ci = [
        (float(yi - z_crit * math.sqrt(vi)), float(yi + z_crit * math.sqrt(vi)))
        for yi, vi in zip(y, v, strict=True)
    ]
    if k == 1:
        site = SiteWeight(
            kept_names[0], float(y[0]), float(v[0]), 1.0, 1.0, site_ci[0][0], site_ci[0][1]
        )
        return PooledEffect(
            n=1,
            method=method,
            estimate=mu_fe,
            se=se_fe,
            ci_low=mu_fe - z_crit * se_fe,
            ci_high=mu_fe + z_crit * se_fe,
            z=mu_fe / se_fe,
            p_value=float(2 * stats.norm.sf(abs(mu_fe / se_fe))),
            se_hksj=None,
            ci_low_hksj=None,
            ci_high_hksj=None,
            tau2=None,
            tau2_floored=False,
            q=None,
            df=None,
            q_p_value=None,
            i2=None,
            fixed_estimate=mu_fe,
            fixed_se=se_fe,
            sites=(site,),
            confidence=confidence,
            n_excluded=excluded,
            note=join_notes(
                [
                    "Only one site: this is that site's own estimate; heterogeneity between sites "
                    "cannot be estimated.",
                    excl_note,
                ]
            ),
        )

    df = k - 1
    q = float(w @ (y - mu_fe) ** 2)
    floored = False
    if method == "dl":
        c = float(w.sum() - (w**2).sum() / w.sum())
        raw = (q - df) / c
        floored = raw < 0
        tau2 = max(0.0, raw)
    else:
        tau2 = _pm_tau2(y, v)
        floored = q < df
    ws = 1 / (v + tau2)
    mu = float(ws @ y / ws.sum())
    se = math.sqrt(1 / float(ws.sum()))
    z = mu / se
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    # HKSJ: scale the RE variance by the weighted residual dispersion; t on k - 1 df.
    se_hk = math.sqrt(float(ws @ (y - mu) ** 2) / (df * float(ws.sum())))
    t_crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    notes: list[str | None] = []
    hk: tuple[float | None, float | None, float | None] = (
        se_hk,
        mu - t_crit * se_hk,
        mu + t_crit * se_hk,
    )
    if se_hk <= 1e-12 * max(1.0, abs(mu)):
        # Identical site effects: a zero-width HKSJ interval would claim certainty we lack.
        hk = (None, None, None)
        notes.append("All site effects are identical: no HKSJ interval.")
    if floored:
        notes.append(
            "Sites agree more than their sampling error alone would predict (Q < df): the "
            "between-site variance is set to 0."
        )
    if k < 5:
        notes.append(
            f"Only {k} sites: the between-site variance is poorly estimated; prefer the HKSJ "
            "interval."
        )
    notes.append(excl_note)
    sites = tuple(
        SiteWeight(
            label=nm,
            effect=float(yi),
            variance=float(vi),
            weight_fixed=float(wf),
            weight_random=float(wr),
            ci_low=lo,
            ci_high=hi,
        )
        for nm, yi, vi, wf, wr, (lo, hi) in zip(
            kept_names, y, v, w / w.sum(), ws / ws.sum(), site_ci, strict=True
        )
    )
    return PooledEffect(
        n=k,
        method=method,
        estimate=mu,
        se=se,
        ci_low=mu - z_crit * se,
        ci_high=mu + z_crit * se,
        z=z,
        p_value=float(2 * stats.norm.sf(abs(z))),
        se_hksj=hk[0],
        ci_low_hksj=hk[1],
        ci_high_hksj=hk[2],
        tau2=tau2,
        tau2_floored=floored,
        q=q,
        df=df,
        q_p_value=float(stats.chi2.sf(q, df)),
        i2=i2,
        fixed_estimate=mu_fe,
        fixed_se=se_fe,
        sites=sites,
        confidence=confidence,
        n_excluded=excluded,
        note=join_notes(notes),
    )
