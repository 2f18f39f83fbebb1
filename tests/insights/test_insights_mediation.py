"""Mediation paths against statsmodels OLS; the vectorised bootstrap against a plain loop."""

import numpy as np
import pytest
import statsmodels.api as sm

from peerhaven.insights.stats import ASSUMPTIONS, mediation_analysis

TOL = 1e-6


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(8)
    n = 250
    x = rng.gamma(2, 2.5, n)
    cov = rng.normal(15, 4, n)
    dm = 0.15 * x + 0.02 * cov + rng.normal(0, 0.6, n)
    dy = -0.3 * x - 1.5 * dm + 0.1 * cov + rng.normal(0, 4, n)
    return x, dm, dy, cov


def test_paths_match_statsmodels_ols(data):
    x, dm, dy, _ = data
    res = mediation_analysis(x, dm, dy, n_boot=200, seed=1)
    fa = sm.OLS(dm, sm.add_constant(x)).fit()
    fb = sm.OLS(dy, sm.add_constant(np.column_stack([x, dm]))).fit()
    fc = sm.OLS(dy, sm.add_constant(x)).fit()
    assert res.a.estimate == pytest.approx(fa.params[1], abs=TOL)
    assert res.a.se == pytest.approx(fa.bse[1], abs=TOL)
    assert (res.a.ci_low, res.a.ci_high) == pytest.approx(tuple(fa.conf_int()[1]), abs=TOL)
    assert res.b.estimate == pytest.approx(fb.params[2], abs=TOL)
    assert res.b.se == pytest.approx(fb.bse[2], abs=TOL)
    assert res.direct.estimate == pytest.approx(fb.params[1], abs=TOL)
    assert (res.direct.ci_low, res.direct.ci_high) == pytest.approx(
        tuple(fb.conf_int()[1]), abs=TOL
    )
    assert res.total.estimate == pytest.approx(fc.params[1], abs=TOL)
    assert res.total.se == pytest.approx(fc.bse[1], abs=TOL)
    assert res.indirect == pytest.approx(fa.params[1] * fb.params[2], abs=TOL)
    # in OLS on the same people, total = direct + indirect exactly
    assert res.total.estimate == pytest.approx(res.direct.estimate + res.indirect, abs=TOL)
    assert res.assumptions == ASSUMPTIONS and "confounding" in ASSUMPTIONS


def test_paths_with_a_covariate_match_statsmodels_ols(data):
    x, dm, dy, cov = data
    res = mediation_analysis(x, dm, dy, covariates={"phq9_pre": cov}, n_boot=0)
    fa = sm.OLS(dm, sm.add_constant(np.column_stack([x, cov]))).fit()
    fb = sm.OLS(dy, sm.add_constant(np.column_stack([x, cov, dm]))).fit()
    assert res.a.estimate == pytest.approx(fa.params[1], abs=TOL)
    assert res.b.estimate == pytest.approx(fb.params[3], abs=TOL)
    assert res.b.se == pytest.approx(fb.bse[3], abs=TOL)
    assert res.direct.estimate == pytest.approx(fb.params[1], abs=TOL)
    assert res.covariates == ("phq9_pre",)
    assert res.indirect_ci_low is None  # no resamples asked for


def test_vectorised_bootstrap_equals_a_plain_resampling_loop(data):
    x, dm, dy, _ = data
    n_boot, seed = 300, 42
    res = mediation_analysis(x, dm, dy, n_boot=n_boot, seed=seed)
    # Same draws as the implementation: one block of n_boot x n indices from default_rng(seed).
    idx = np.random.default_rng(seed).integers(0, x.size, size=(n_boot, x.size))
    ind = []
    for rows in idx:
        a = np.linalg.lstsq(np.column_stack([np.ones(x.size), x[rows]]), dm[rows], rcond=None)[0]
        b = np.linalg.lstsq(
            np.column_stack([np.ones(x.size), x[rows], dm[rows]]), dy[rows], rcond=None
        )[0]
        ind.append(a[1] * b[2])
    lo, hi = np.quantile(ind, [0.025, 0.975])
    assert res.indirect_ci_low == pytest.approx(lo, abs=TOL)
    assert res.indirect_ci_high == pytest.approx(hi, abs=TOL)
    assert res.indirect_boot_se == pytest.approx(np.std(ind, ddof=1), abs=TOL)


def test_same_seed_same_interval_and_different_seed_differs(data):
    x, dm, dy, _ = data
    r1 = mediation_analysis(x, dm, dy, n_boot=500, seed=7)
    r2 = mediation_analysis(x, dm, dy, n_boot=500, seed=7)
    r3 = mediation_analysis(x, dm, dy, n_boot=500, seed=8)
    assert (r1.indirect_ci_low, r1.indirect_ci_high) == (r2.indirect_ci_low, r2.indirect_ci_high)
    assert r1.indirect_ci_low != r3.indirect_ci_low
    assert "rough" in (r1.note or "")  # fewer than 1,000 resamples


def test_missing_values_leave_people_out_and_are_counted(data):
    x, dm, dy, _ = data
    dm2 = dm.copy()
    dm2[:5] = np.nan
    res = mediation_analysis(x, dm2, dy, n_boot=0)
    assert res.n == x.size - 5 and res.n_excluded == 5


@pytest.mark.parametrize(
    ("x", "dm", "dy", "fragment"),
    [
        ([], [], [], "No data"),
        ([1.0, 2.0, 3.0], [0.1, 0.2, 0.4], [1.0, 0.0, 2.0], "Too few"),
        ([2.0] * 20, list(range(20)), list(range(20)), "same for everyone"),
        (list(range(20)), [1.0] * 20, list(range(20)), "mediator"),
    ],
)
def test_degenerate_inputs_give_a_note_not_a_number(x, dm, dy, fragment):
    res = mediation_analysis(x, dm, dy, n_boot=50)
    assert res.indirect is None and res.a is None
    assert fragment in (res.note or "")


def test_an_exact_linear_relation_gives_a_note_not_a_zero_width_interval():
    x = np.arange(20.0)
    dm = np.sin(x)
    res = mediation_analysis(x, dm, 2 * x - 3 * dm, n_boot=50)
    assert res.indirect is None and "exactly" in (res.note or "")
