"""Reduced simulation study: estimators recover the simulator's known effects, and 95% intervals
cover the truth in about 95% of 200 seeded replications. The full study is
bench/validate_insights.py; see docs/evaluation-methods.md."""

import math

import numpy as np
import pytest

from peerhaven.insights.stats import (
    compare_arm_changes,
    fit_growth_model,
    mean_change,
    mediation_analysis,
    pool_random_effects,
    prepost_frame,
    prepost_standardised_change,
)
from peerhaven.insights.stats.simulate import SimulationConfig, simulate_programme

REPS = 200
# Binomial SE of a 95% coverage estimate over 200 replications is sqrt(.95 * .05 / 200) = 0.0154;
# the band is about 3.2 SE below and 2.6 SE above 0.95. The seeds are fixed, so the result is
# deterministic; the band guards against real miscalibration (e.g. z for t, a wrong variance).
COVERAGE_BAND = (0.90, 0.99)


def _wide(sim):
    return prepost_frame(sim.long, columns=["phq9", "mspss"], carry=["arm", "site", "dose"])


def _arms(w):
    return w[w.arm == 1], w[w.arm == 0]


def test_simulator_is_seeded():
    a = simulate_programme(SimulationConfig(n_members=50, seed=3)).long
    b = simulate_programme(SimulationConfig(n_members=50, seed=3)).long
    assert a.equals(b)


def test_simulator_keeps_baseline_and_drops_follow_up_waves_at_random():
    sim = simulate_programme(SimulationConfig(n_members=2000, seed=1))
    per_wave = sim.long.groupby("wave")["member_id"].nunique()
    assert per_wave[0] == 2000
    assert 0.7 < per_wave[5] / 2000 < 0.9


def test_large_programme_recovers_the_known_effects():
    sim = simulate_programme(SimulationConfig(n_members=6000, n_sites=8, seed=2024))
    t = sim.truth
    w = _wide(sim)
    prog, comp = _arms(w)
    mc = mean_change(prog.phq9_pre, prog.phq9_post)
    assert mc.mean_change == pytest.approx(t.mean_change_programme, abs=0.25)
    arms = compare_arm_changes(prog.phq9_pre, prog.phq9_post, comp.phq9_pre, comp.phq9_post)
    assert arms.difference == pytest.approx(t.arm_difference, abs=0.3)
    assert arms.g.g == pytest.approx(t.g_change, abs=0.07)
    sc = prepost_standardised_change(prog.phq9_pre, prog.phq9_post)
    assert sc.g == pytest.approx(t.g_prepost_programme, abs=0.06)
    med = mediation_analysis(w.dose, w.mspss_post - w.mspss_pre, w.phq9_post - w.phq9_pre, n_boot=0)
    assert med.a.estimate == pytest.approx(t.a_path, abs=0.01)
    assert med.b.estimate == pytest.approx(t.b_path, abs=0.15)
    assert med.indirect == pytest.approx(t.indirect_per_session, abs=0.03)
    assert med.direct.estimate == pytest.approx(t.direct_per_session, abs=0.05)


def test_growth_model_recovers_time_and_dose_effects():
    sim = simulate_programme(SimulationConfig(n_members=1500, seed=77))
    res = fit_growth_model(sim.long, arm="arm")
    assert res.converged and res.random_effects == "intercept_slope"
    assert res.fixed("wave").estimate == pytest.approx(sim.truth.growth_time, abs=0.07)
    assert res.fixed("dose").estimate == pytest.approx(sim.truth.growth_dose, abs=0.07)
    assert abs(res.fixed("arm").estimate) < 0.5  # no arm effect beyond dose
    slope = res.fixed("dose")
    assert slope.ci_low < sim.truth.growth_dose < slope.ci_high


def _covers(lo, hi, truth):
    return lo is not None and hi is not None and lo <= truth <= hi


def test_interval_coverage_over_200_small_programmes_is_close_to_95_percent():
    hits = {"mean_change": 0, "arm_difference": 0, "g_change": 0, "g_prepost": 0, "indirect": 0}
    for rep in range(REPS):
        sim = simulate_programme(
            SimulationConfig(n_members=240, n_waves=4, n_sites=4, seed=10_000 + rep)
        )
        t = sim.truth
        w = _wide(sim)
        prog, comp = _arms(w)
        mc = mean_change(prog.phq9_pre, prog.phq9_post)
        hits["mean_change"] += _covers(mc.ci_low, mc.ci_high, t.mean_change_programme)
        arms = compare_arm_changes(prog.phq9_pre, prog.phq9_post, comp.phq9_pre, comp.phq9_post)
        hits["arm_difference"] += _covers(arms.ci_low, arms.ci_high, t.arm_difference)
        hits["g_change"] += _covers(arms.g.ci_low, arms.g.ci_high, t.g_change)
        sc = prepost_standardised_change(prog.phq9_pre, prog.phq9_post)
        hits["g_prepost"] += _covers(sc.ci_low, sc.ci_high, t.g_prepost_programme)
        med = mediation_analysis(
            w.dose, w.mspss_post - w.mspss_pre, w.phq9_post - w.phq9_pre, n_boot=400, seed=rep
        )
        hits["indirect"] += _covers(
            med.indirect_ci_low, med.indirect_ci_high, t.indirect_per_session
        )
    coverage = {k: v / REPS for k, v in hits.items()}
    for name, cov in coverage.items():
        assert COVERAGE_BAND[0] <= cov <= COVERAGE_BAND[1], (name, coverage)


def test_pooling_sites_recovers_the_mean_site_effect():
    sim = simulate_programme(
        SimulationConfig(n_members=8000, n_sites=12, site_heterogeneity=0.4, seed=99)
    )
    w = _wide(sim)
    effects, variances = [], []
    for _, site in w.groupby("site"):
        prog, comp = _arms(site)
        c = compare_arm_changes(prog.phq9_pre, prog.phq9_post, comp.phq9_pre, comp.phq9_post)
        effects.append(c.difference)
        variances.append(c.se**2)
    pooled = pool_random_effects(effects, variances, method="pm")
    realised = float(np.mean(sim.truth.site_arm_differences))
    assert pooled.estimate == pytest.approx(realised, abs=3 * pooled.se)
    assert pooled.tau2 > 0 and math.isfinite(pooled.i2)
