"""Effect sizes checked against scipy.stats and the hand formulas in CLINICAL.md section 7."""

import math

import numpy as np
import pytest
from scipy import stats

from peerhaven.insights.stats import (
    compare_arm_changes,
    hedges_g,
    mean_change,
    prepost_standardised_change,
)

TOL = 1e-6


@pytest.fixture
def paired():
    rng = np.random.default_rng(11)
    pre = rng.normal(15, 4, 80)
    post = pre - 3 + rng.normal(0, 3.5, 80)
    return pre, post


def test_mean_change_matches_scipy_paired_t_interval(paired):
    pre, post = paired
    res = mean_change(pre, post)
    ref = stats.ttest_rel(post, pre)
    ci = ref.confidence_interval(0.95)
    assert res.n == 80
    assert res.mean_change == pytest.approx(float(np.mean(post - pre)), abs=TOL)
    assert res.ci_low == pytest.approx(ci.low, abs=TOL)
    assert res.ci_high == pytest.approx(ci.high, abs=TOL)
    assert res.t == pytest.approx(ref.statistic, abs=TOL)
    assert res.p_value == pytest.approx(ref.pvalue, abs=TOL)
    assert res.note is None


def test_mean_change_90_percent_interval_matches_scipy(paired):
    pre, post = paired
    res = mean_change(pre, post, confidence=0.9)
    ci = stats.ttest_rel(post, pre).confidence_interval(0.9)
    assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high), abs=TOL)


def test_mean_change_leaves_out_incomplete_pairs_and_says_so():
    res = mean_change([10, 12, None, 14, math.nan], [8, 9, 7, None, 3])
    assert res.n == 2
    assert res.n_excluded == 3
    assert "3 people" in (res.note or "")
    assert res.mean_change == pytest.approx(-2.5)


@pytest.mark.parametrize(
    ("pre", "post", "n"),
    [([], [], 0), ([12.0], [9.0], 1), ([None, 3], [4, None], 0)],
)
def test_mean_change_with_too_few_people_returns_no_number(pre, post, n):
    res = mean_change(pre, post)
    assert res.n == n
    assert res.mean_change is None and res.ci_low is None and res.se is None
    assert res.note


def test_mean_change_with_identical_changes_gives_mean_but_no_interval():
    res = mean_change([10, 12, 14], [8, 10, 12])
    assert res.mean_change == pytest.approx(-2)
    assert res.ci_low is None and res.ci_high is None and res.p_value is None
    assert "same amount" in (res.note or "")


def test_hedges_g_matches_hand_formula():
    x = np.array([12.0, 15, 9, 14, 11, 13, 10, 16])
    y = np.array([8.0, 11, 7, 12, 6, 9, 10])
    n1, n2 = x.size, y.size
    sp = math.sqrt(((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / (n1 + n2 - 2))
    d = (x.mean() - y.mean()) / sp
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    var_g = j**2 * ((n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2)))
    res = hedges_g(x, y)
    assert res.d == pytest.approx(d, abs=TOL)
    assert res.j == pytest.approx(j, abs=TOL)
    assert res.g == pytest.approx(j * d, abs=TOL)
    assert res.var_g == pytest.approx(var_g, abs=TOL)
    z = stats.norm.ppf(0.975)
    assert res.ci_low == pytest.approx(j * d - z * math.sqrt(var_g), abs=TOL)
    assert res.ci_high == pytest.approx(j * d + z * math.sqrt(var_g), abs=TOL)
    assert (res.n, res.n1, res.n2) == (15, 8, 7)


def test_hedges_g_equals_statsmodels_smd_point_estimate():
    from statsmodels.stats.meta_analysis import effectsize_smd

    x = np.array([12.0, 15, 9, 14, 11, 13, 10, 16])
    y = np.array([8.0, 11, 7, 12, 6, 9, 10])
    g_sm, _var_sm = effectsize_smd(x.mean(), x.std(ddof=1), x.size, y.mean(), y.std(ddof=1), y.size)
    # statsmodels uses the exact gamma-function J; ours is the usual approximation.
    assert hedges_g(x, y).g == pytest.approx(float(g_sm), abs=2e-3)


def test_hedges_g_refuses_groups_of_one_and_identical_scores():
    assert hedges_g([5.0], [3.0, 4.0]).g is None
    res = hedges_g([5.0, 5.0, 5.0], [5.0, 5.0])
    assert res.g is None and "identical" in (res.note or "")
    assert hedges_g([], []).note


def test_prepost_default_standardiser_is_baseline_sd(paired):
    pre, post = paired
    res = prepost_standardised_change(pre, post)
    n = pre.size
    ch = post - pre
    d = ch.mean() / pre.std(ddof=1)
    j = 1 - 3 / (4 * (n - 1) - 1)
    var_d = ch.var(ddof=1) / (n * pre.var(ddof=1)) + d**2 / (2 * n)
    assert res.standardiser == "baseline_sd"
    assert res.standardiser_value == pytest.approx(pre.std(ddof=1), abs=TOL)
    assert res.g == pytest.approx(j * d, abs=TOL)
    assert res.var_g == pytest.approx(j**2 * var_d, abs=TOL)


def test_prepost_g_av_uses_borenstein_variance(paired):
    pre, post = paired
    res = prepost_standardised_change(pre, post, standardiser="g_av")
    n = pre.size
    s_av = math.sqrt((pre.var(ddof=1) + post.var(ddof=1)) / 2)
    d = (post - pre).mean() / s_av
    r = np.corrcoef(pre, post)[0, 1]
    j = 1 - 3 / (4 * (n - 1) - 1)
    assert res.standardiser == "g_av"
    assert res.g == pytest.approx(j * d, abs=TOL)
    assert res.var_g == pytest.approx(j**2 * (1 / n + d**2 / (2 * n)) * 2 * (1 - r), abs=TOL)
    assert res.r_pre_post == pytest.approx(r, abs=TOL)


def test_prepost_change_sd_is_dz(paired):
    pre, post = paired
    res = prepost_standardised_change(pre, post, standardiser="change_sd")
    ch = post - pre
    n = ch.size
    dz = ch.mean() / ch.std(ddof=1)
    j = 1 - 3 / (4 * (n - 1) - 1)
    assert res.g == pytest.approx(j * dz, abs=TOL)
    assert res.var_g == pytest.approx(j**2 * (1 / n + dz**2 / (2 * n)), abs=TOL)


def test_prepost_with_identical_baselines_explains_why_not_computed():
    res = prepost_standardised_change([10, 10, 10, 10], [8, 7, 9, 6])
    assert res.g is None and res.mean_change == pytest.approx(-2.5)
    assert "baseline" in (res.note or "")


def test_compare_arm_changes_matches_scipy_welch():
    rng = np.random.default_rng(5)
    pa = rng.normal(15, 4, 60)
    qa = pa - 4 + rng.normal(0, 4, 60)
    pb = rng.normal(15, 4, 45)
    qb = pb - 1 + rng.normal(0, 2.5, 45)
    res = compare_arm_changes(pa, qa, pb, qb)
    ref = stats.ttest_ind(qa - pa, qb - pb, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert res.difference == pytest.approx((qa - pa).mean() - (qb - pb).mean(), abs=TOL)
    assert res.ci_low == pytest.approx(ci.low, abs=TOL)
    assert res.ci_high == pytest.approx(ci.high, abs=TOL)
    assert res.df == pytest.approx(ref.df, abs=TOL)
    assert res.p_value == pytest.approx(ref.pvalue, abs=TOL)
    assert res.g.g == pytest.approx(hedges_g(qa - pa, qb - pb).g, abs=TOL)
    assert res.arm_a.n == 60 and res.arm_b.n == 45 and res.n == 105


def test_compare_arm_changes_with_an_empty_arm_says_so():
    res = compare_arm_changes([10, 12, 13], [8, 9, 9], [], [])
    assert res.difference is None
    assert "at least 2" in (res.note or "")
    assert res.arm_a.mean_change is not None
