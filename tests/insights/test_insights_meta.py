"""Random-effects pooling compared with statsmodels' combine_effects to 1e-6."""

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from peerhaven.insights.stats import pool_random_effects

TOL = 1e-6

# Heterogeneous sites: Q > df, so statsmodels' untruncated DL equals ours.
EFF = np.array([-0.62, -0.15, -0.91, -0.30, -0.05, -0.75, -0.48])
VAR = np.array([0.021, 0.034, 0.040, 0.015, 0.028, 0.050, 0.019])
# Homogeneous sites: Q < df, statsmodels' DL tau^2 goes negative.
EFF_FLAT = np.array([-0.40, -0.42, -0.38, -0.41, -0.39])
VAR_FLAT = np.array([0.05, 0.06, 0.04, 0.05, 0.07])


def test_dl_matches_statsmodels_when_q_exceeds_df():
    res = pool_random_effects(EFF, VAR, method="dl")
    sm = combine_effects(EFF, VAR, method_re="dl")
    assert res.q > res.df
    assert res.tau2 == pytest.approx(sm.tau2, abs=TOL)
    assert res.estimate == pytest.approx(sm.mean_effect_re, abs=TOL)
    assert res.se == pytest.approx(sm.sd_eff_w_re, abs=TOL)
    assert res.q == pytest.approx(sm.q, abs=TOL)
    assert res.i2 == pytest.approx(sm.i2, abs=TOL)
    assert res.fixed_estimate == pytest.approx(sm.mean_effect_fe, abs=TOL)
    assert res.fixed_se == pytest.approx(sm.sd_eff_w_fe, abs=TOL)
    _, ci_re, _, _ = sm.conf_int(use_t=False)
    assert (res.ci_low, res.ci_high) == pytest.approx(tuple(ci_re), abs=TOL)
    _, _, _, ci_hk_t = sm.conf_int(use_t=True)
    assert res.se_hksj == pytest.approx(sm.sd_eff_w_re_hksj, abs=TOL)
    assert (res.ci_low_hksj, res.ci_high_hksj) == pytest.approx(tuple(ci_hk_t), abs=TOL)
    weights = [s.weight_random for s in res.sites]
    assert weights == pytest.approx(list(sm.weights_rel_re), abs=TOL)
    assert sum(weights) == pytest.approx(1.0)
    assert res.tau2_floored is False


def test_paule_mandel_matches_statsmodels_iterated():
    res = pool_random_effects(EFF, VAR, method="pm")
    # atol=1e-9, not tighter: statsmodels' iteration sets tau^2 to 0 whenever the estimating
    # equation dips below zero, and at 1e-12 a rounding-level overshoot (-9e-16) triggers that.
    sm = combine_effects(EFF, VAR, method_re="iterated", atol=1e-9, maxiter=1000)
    assert res.tau2 == pytest.approx(sm.tau2, abs=TOL)
    assert res.estimate == pytest.approx(sm.mean_effect_re, abs=TOL)
    assert res.se == pytest.approx(sm.sd_eff_w_re, abs=TOL)
    # PM solves the generalised Q = df, so the RE-weighted dispersion equals k - 1
    w = 1 / (VAR + res.tau2)
    assert float(w @ (EFF - res.estimate) ** 2) == pytest.approx(len(EFF) - 1, abs=1e-8)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_dl_floors_negative_tau2_at_zero_where_statsmodels_does_not():
    sm = combine_effects(EFF_FLAT, VAR_FLAT, method_re="dl")
    assert sm.tau2 < 0  # the statsmodels behaviour CLINICAL.md warns about
    res = pool_random_effects(EFF_FLAT, VAR_FLAT, method="dl")
    assert res.q < res.df
    assert res.tau2 == 0.0 and res.tau2_floored is True
    assert res.i2 == 0.0
    # with tau^2 = 0 the random-effects model is the fixed-effect model
    assert res.estimate == pytest.approx(sm.mean_effect_fe, abs=TOL)
    assert res.se == pytest.approx(sm.sd_eff_w_fe, abs=TOL)
    assert np.isfinite(res.se) and "set to 0" in (res.note or "")


def test_pm_gives_zero_tau2_for_homogeneous_sites():
    res = pool_random_effects(EFF_FLAT, VAR_FLAT, method="pm")
    sm = combine_effects(EFF_FLAT, VAR_FLAT, method_re="iterated", atol=1e-9)
    assert res.tau2 == 0.0 == sm.tau2
    assert res.estimate == pytest.approx(sm.mean_effect_re, abs=TOL)


def test_one_site_returns_its_own_estimate_without_heterogeneity():
    res = pool_random_effects([-0.5], [0.04], labels=["North"])
    assert res.n == 1 and res.estimate == pytest.approx(-0.5)
    assert res.tau2 is None and res.i2 is None and res.q is None
    assert "one site" in (res.note or "").lower()


def test_no_sites_gives_a_note_not_a_number():
    res = pool_random_effects([], [])
    assert res.n == 0 and res.estimate is None and res.note


def test_sites_with_unusable_variance_are_left_out():
    res = pool_random_effects(
        [-0.5, -0.3, None, -0.4], [0.04, 0.0, 0.02, 0.05], labels=["a", "b", "c", "d"]
    )
    assert res.n == 2 and res.n_excluded == 2
    assert [s.label for s in res.sites] == ["a", "d"]


def test_identical_site_effects_give_no_zero_width_hksj_interval():
    res = pool_random_effects([-0.4, -0.4, -0.4], [0.05, 0.04, 0.06])
    assert res.estimate == pytest.approx(-0.4)
    assert res.ci_low_hksj is None and res.se is not None and res.se > 0
