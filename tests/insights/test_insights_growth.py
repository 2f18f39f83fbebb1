"""The growth-model wrapper against statsmodels MixedLM fitted directly on the same data."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM

from peerhaven.insights.stats import fit_growth_model
from peerhaven.insights.stats.simulate import SimulationConfig, simulate_programme

TOL = 1e-6


@pytest.fixture(scope="module")
def programme():
    return simulate_programme(SimulationConfig(n_members=300, n_waves=5, seed=21))


def test_wrapper_matches_mixedlm_fitted_directly(programme):
    long = programme.long
    res = fit_growth_model(long, arm="arm")
    model = MixedLM.from_formula(
        "phq9 ~ wave + dose + arm", long, groups=long["member_id"], re_formula="~wave"
    )
    ref = model.fit(reml=True, method=["lbfgs", "bfgs", "cg"])
    assert res.converged and res.random_effects == "intercept_slope" and not res.fell_back
    assert [f.name for f in res.fixed_effects] == ["Intercept", "wave", "dose", "arm"]
    ci = ref.conf_int()
    for i, f in enumerate(res.fixed_effects):
        assert f.estimate == pytest.approx(ref.fe_params.iloc[i], abs=TOL)
        assert f.se == pytest.approx(ref.bse_fe.iloc[i], abs=TOL)
        assert f.ci_low == pytest.approx(ci.iloc[i, 0], abs=TOL)
        assert f.ci_high == pytest.approx(ci.iloc[i, 1], abs=TOL)
    comps = {c.name: c.variance for c in res.variance_components}
    cov = np.asarray(ref.cov_re)
    assert comps["intercept"] == pytest.approx(cov[0, 0], abs=TOL)
    assert comps["slope"] == pytest.approx(cov[1, 1], abs=TOL)
    assert comps["intercept_slope_cov"] == pytest.approx(cov[0, 1], abs=TOL)
    assert comps["residual"] == pytest.approx(ref.scale, abs=TOL)
    assert res.log_likelihood == pytest.approx(ref.llf, abs=TOL)


def test_missed_waves_keep_the_member_in_the_model(programme):
    long = programme.long
    res = fit_growth_model(long)
    assert res.n == long["member_id"].nunique() == 300
    assert res.n_observations == len(long) < 300 * 5
    with_gaps = long.groupby("member_id").size().lt(5).sum()
    assert with_gaps > 0


def test_rows_with_missing_scores_are_dropped_one_by_one(programme):
    long = programme.long.copy()
    baseline_of_first_ten = long.index[(long["wave"] == 0) & (long["member_id"] < 10)]
    long.loc[baseline_of_first_ten, "phq9"] = np.nan
    res = fit_growth_model(long)
    assert res.n_rows_dropped == 10
    assert res.n == 300  # their later waves keep them in
    assert "10 rows" in (res.note or "")


def test_one_wave_gives_a_note_instead_of_a_model(programme):
    res = fit_growth_model(programme.long.query("wave == 0"))
    assert res.fixed_effects == () and not res.converged
    assert "one wave" in (res.note or "").lower()


def test_no_data_gives_a_note(programme):
    res = fit_growth_model(programme.long.iloc[:0])
    assert res.n == 0 and res.note


def test_identical_scores_give_a_note():
    df = pd.DataFrame(
        {"member_id": np.repeat(np.arange(10), 3), "wave": np.tile([0, 1, 2], 10), "phq9": 7.0}
    )
    res = fit_growth_model(df, dose=None)
    assert res.fixed_effects == () and "identical" in (res.note or "")


def test_dose_without_variation_is_left_out_with_a_note(programme):
    long = programme.long.assign(dose=0.0)
    res = fit_growth_model(long)
    assert [f.name for f in res.fixed_effects] == ["Intercept", "wave"]
    assert "does not vary" in (res.note or "")


def test_falls_back_to_random_intercept_when_slopes_do_not_vary():
    # Everyone shares one slope: the slope variance is on the boundary (0).
    rng = np.random.default_rng(3)
    n, w = 150, 4
    member = np.repeat(np.arange(n), w)
    wave = np.tile(np.arange(w), n)
    y = 15 + rng.normal(0, 3, n)[member] - 0.8 * wave + rng.normal(0, 1.5, n * w)
    df = pd.DataFrame({"member_id": member, "wave": wave, "phq9": y})
    res = fit_growth_model(df, dose=None)
    assert res.fell_back and res.random_effects == "intercept"
    assert "random intercept only" in (res.note or "")
    assert [c.name for c in res.variance_components] == ["intercept", "residual"]
    ref = MixedLM.from_formula("phq9 ~ wave", df, groups=df["member_id"]).fit(
        reml=True, method=["lbfgs", "bfgs", "cg"]
    )
    assert res.fixed("wave").estimate == pytest.approx(ref.fe_params["wave"], abs=TOL)
    assert res.fixed("wave").estimate == pytest.approx(-0.8, abs=0.1)


def test_subsampling_keeps_whole_members_and_says_so(programme):
    res = fit_growth_model(programme.long, max_members=100, seed=1)
    assert res.subsampled and res.n == 100 and res.n_members_available == 300
    assert "random sample of 100 of 300" in (res.note or "")
