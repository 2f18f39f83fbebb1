"""A seeded simulator of a peer-support programme with known true effects.

Data-generating process (member i at site s, wave t = 0..T, T = waves - 1):

    rate_i   = f_s * Gamma(shape, scale) in the programme arm, 0 in the comparison arm
    dose_it  = rate_i * t                                   cumulative engagement (sessions)
    M_it     = M0_i + a * dose_it + (t/T) eM_i + delta_it   MSPSS (perceived support)
    Y_it     = Y0_i + gamma * t + c' * dose_it + b * (M_it - M0_i) + (t/T) u_i + eps_it   PHQ-9

with f_s = site engagement factor (log-normal, mean 1: the source of between-site heterogeneity).
Hence, with D_i = dose at the last wave:

    change in M  = a D + eM + (delta_T - delta_0)
    change in Y  = gamma T + c' D + b (change in M) + u + (eps_T - eps_0)

so the pre-post mediation model is exactly linear: a-path a, b-path b, direct c', indirect a*b,
total c' + a*b per session. The growth model Y ~ time + dose with a random intercept and slope per
member is also correctly specified: time coefficient gamma, dose coefficient c' + a*b.

Missing waves are MAR: the chance of missing a follow-up wave rises with the observed baseline
PHQ-9 (always observed). The growth model is valid under this. Complete-case (completer) pre-post
estimates are slightly biased by it: the observed baseline contains occasion noise that also enters
the change score (regression to the mean), and people with a high observed baseline, who would show
larger drops, are more often missing at follow-up. The validation measures this bias; it cancels
in between-arm contrasts. Missingness that depends on engagement or the trajectory (not simulated)
would bias completer analyses more. Scores are continuous and are not clipped to the instrument's
range, so the true effects hold exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SimulationConfig:
    n_members: int = 600
    n_waves: int = 6
    n_sites: int = 6
    comparison_arm: bool = True
    programme_share: float = 0.5
    # PHQ-9 at baseline
    baseline_mean: float = 15.0
    baseline_sd: float = 4.0
    # natural course per wave, both arms (regression to the mean, seasonality, other care)
    natural_change_per_wave: float = -0.3
    # engagement: sessions per wave in the programme arm ~ site factor * Gamma(shape, scale)
    dose_shape: float = 2.0
    dose_scale: float = 0.5
    site_heterogeneity: float = 0.3  # SD of log site factor
    # paths
    a_path: float = 0.15  # MSPSS points per session
    b_path: float = -1.5  # PHQ-9 points per MSPSS point gained
    direct_effect: float = -0.3  # PHQ-9 points per session, not through MSPSS
    # noise
    mspss_baseline_mean: float = 4.0
    mspss_baseline_sd: float = 1.1
    mspss_change_sd: float = 0.5  # eM
    mspss_wave_sd: float = 0.3  # delta
    change_sd: float = 3.0  # u: person-specific deviation in total PHQ-9 change
    wave_sd: float = 2.0  # eps: occasion-to-occasion noise
    # missing follow-up waves (baseline always observed): logit(p) = a0 + a1 * z(baseline)
    missing_logit: float = -1.6
    missing_logit_per_sd: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_members < 1 or self.n_waves < 2 or self.n_sites < 1:
            raise ValueError("need at least 1 member, 2 waves and 1 site")
        if not 0 < self.programme_share <= 1:
            raise ValueError("programme_share must be in (0, 1]")


@dataclass(frozen=True)
class SimulationTruth:
    """True values of the estimands.

    Member-level quantities (means, SDs, g) are conditional on this programme's realised site
    factors, i.e. for the population of members at these sites; ``arm_difference_population`` is
    the mean over the distribution of sites, which is what random-effects pooling estimates.
    """

    last_wave: int
    mean_dose_programme: float  # E[D] for programme members at the last wave
    total_per_session: float  # c' + a*b
    indirect_per_session: float  # a*b
    direct_per_session: float  # c'
    a_path: float
    b_path: float
    growth_time: float  # gamma
    growth_dose: float  # c' + a*b
    mean_change_programme: float
    mean_change_comparison: float
    arm_difference: float  # programme minus comparison, in PHQ-9 points of change
    #: mean of the distribution of site effects (E[f] = 1): the target of random-effects pooling
    arm_difference_population: float
    sd_change_programme: float
    sd_change_comparison: float
    #: Hedges' g of change scores (programme vs comparison), pooled with the configured allocation
    g_change: float
    #: standardised pre-post change in the programme arm, baseline-SD standardiser
    g_prepost_programme: float
    #: SD of observed baseline PHQ-9 (person level + wave noise + mediator noise through b)
    sd_baseline_observed: float
    site_factors: tuple[float, ...] = field(default_factory=tuple)
    #: true programme-minus-comparison change difference at each site (given its factor)
    site_arm_differences: tuple[float, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SimulatedProgramme:
    config: SimulationConfig
    truth: SimulationTruth
    #: one row per observed (member, wave): member_id, site, arm, wave, dose, phq9, mspss
    long: pd.DataFrame


def _truth(cfg: SimulationConfig, site_factors: np.ndarray) -> SimulationTruth:
    t_last = cfg.n_waves - 1
    mean_g = cfg.dose_shape * cfg.dose_scale
    var_g = cfg.dose_shape * cfg.dose_scale**2
    # Members are spread uniformly over this programme's sites, so given the realised site
    # factors f_s the engagement rate is a mixture: E[rate] = mean(f) E[G] and
    # Var(rate) = mean(f^2) Var(G) + var(f) E[G]^2 (population variance over sites).
    f = np.asarray(site_factors, dtype=np.float64)
    e_d = float(f.mean()) * mean_g * t_last
    var_d = t_last**2 * (float((f**2).mean()) * var_g + float(f.var()) * mean_g**2)
    ab = cfg.a_path * cfg.b_path
    total = cfg.direct_effect + ab
    var_dm_noise = cfg.mspss_change_sd**2 + 2 * cfg.mspss_wave_sd**2
    var_common = cfg.b_path**2 * var_dm_noise + cfg.change_sd**2 + 2 * cfg.wave_sd**2
    var_prog = total**2 * var_d + var_common
    var_comp = var_common
    mean_prog = cfg.natural_change_per_wave * t_last + total * e_d
    mean_comp = cfg.natural_change_per_wave * t_last
    p = cfg.programme_share if cfg.comparison_arm else 1.0
    pooled_sd = math.sqrt(p * var_prog + (1 - p) * var_comp)
    # Y at wave 0 = Y0 + b * delta_0 + eps_0
    sd_base = math.sqrt(cfg.baseline_sd**2 + cfg.b_path**2 * cfg.mspss_wave_sd**2 + cfg.wave_sd**2)
    return SimulationTruth(
        last_wave=t_last,
        mean_dose_programme=e_d,
        total_per_session=total,
        indirect_per_session=ab,
        direct_per_session=cfg.direct_effect,
        a_path=cfg.a_path,
        b_path=cfg.b_path,
        growth_time=cfg.natural_change_per_wave,
        growth_dose=total,
        mean_change_programme=mean_prog,
        mean_change_comparison=mean_comp,
        arm_difference=total * e_d,
        arm_difference_population=total * mean_g * t_last,
        sd_change_programme=math.sqrt(var_prog),
        sd_change_comparison=math.sqrt(var_comp),
        g_change=total * e_d / pooled_sd if cfg.comparison_arm else math.nan,
        g_prepost_programme=mean_prog / sd_base,
        sd_baseline_observed=sd_base,
        site_factors=tuple(float(x) for x in f),
        site_arm_differences=tuple(float(total * mean_g * t_last * x) for x in f),
    )


def simulate_programme(config: SimulationConfig | None = None) -> SimulatedProgramme:
    """Simulate one programme (seeded by ``config.seed``); returns long data and the truth."""
    cfg = config or SimulationConfig()
    rng = np.random.default_rng(cfg.seed)
    n, w = cfg.n_members, cfg.n_waves
    t_last = w - 1
    s = cfg.site_heterogeneity
    site_factors = (
        np.exp(rng.normal(-(s**2) / 2, s, size=cfg.n_sites)) if s > 0 else np.ones(cfg.n_sites)
    )
    site = rng.integers(0, cfg.n_sites, size=n)
    if cfg.comparison_arm:
        arm = (rng.random(n) < cfg.programme_share).astype(np.int64)
    else:
        arm = np.ones(n, dtype=np.int64)
    rate = arm * site_factors[site] * rng.gamma(cfg.dose_shape, cfg.dose_scale, size=n)

    y0 = rng.normal(cfg.baseline_mean, cfg.baseline_sd, size=n)
    m0 = rng.normal(cfg.mspss_baseline_mean, cfg.mspss_baseline_sd, size=n)
    e_m = rng.normal(0.0, cfg.mspss_change_sd, size=n)
    u = rng.normal(0.0, cfg.change_sd, size=n)
    t = np.arange(w, dtype=np.float64)
    frac = t / t_last
    dose = rate[:, None] * t[None, :]
    delta = rng.normal(0.0, cfg.mspss_wave_sd, size=(n, w))
    eps = rng.normal(0.0, cfg.wave_sd, size=(n, w))
    m = m0[:, None] + cfg.a_path * dose + frac[None, :] * e_m[:, None] + delta
    y = (
        y0[:, None]
        + cfg.natural_change_per_wave * t[None, :]
        + cfg.direct_effect * dose
        + cfg.b_path * (m - m0[:, None])
        + frac[None, :] * u[:, None]
        + eps
    )

    z = (y[:, 0] - cfg.baseline_mean) / cfg.baseline_sd
    p_miss = 1 / (1 + np.exp(-(cfg.missing_logit + cfg.missing_logit_per_sd * z)))
    observed = rng.random((n, w)) >= p_miss[:, None]
    observed[:, 0] = True

    member_idx, wave_idx = np.nonzero(observed)
    long = pd.DataFrame(
        {
            "member_id": member_idx.astype(np.int64),
            "site": site[member_idx].astype(np.int64),
            "arm": arm[member_idx],
            "wave": wave_idx.astype(np.int64),
            "dose": dose[member_idx, wave_idx],
            "phq9": y[member_idx, wave_idx],
            "mspss": m[member_idx, wave_idx],
        }
    )
    return SimulatedProgramme(config=cfg, truth=_truth(cfg, site_factors), long=long)
