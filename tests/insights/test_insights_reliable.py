"""Jacobson-Truax reliable change, checked on the worked example in CLINICAL.md section 4."""

import pytest

from peerhaven.insights.stats import (
    Direction,
    classify_reliable_change,
    jacobson_truax_cutoff,
    reliable_change_criteria,
)


def test_ldq_worked_example_needs_a_change_of_4_71_points():
    crit = reliable_change_criteria(
        reliability=0.95, sd=7.6, cutoff=10, direction=Direction.HIGHER_IS_WORSE
    )
    assert crit.se_measurement == pytest.approx(1.699, abs=5e-4)
    assert crit.s_diff == pytest.approx(2.403, abs=5e-4)
    assert crit.threshold == pytest.approx(4.71, abs=5e-3)


def test_phq9_changes_are_classified_and_recovery_needs_crossing_the_cutoff():
    # r = 0.84, sd = 5 -> S_diff = 2.828, threshold 5.54 points
    pre = [18, 18, 12, 9, 20, 14]
    post = [11, 8, 10, 16, 14, 15]
    res = classify_reliable_change(pre, post, reliability=0.84, sd=5.0, cutoff=10)
    cats = [m.category for m in res.members]
    assert cats == ["improved", "improved", "unchanged", "deteriorated", "improved", "unchanged"]
    # 18 -> 11 improved but still >= 10: not recovered; 18 -> 8 recovered; 20 -> 14 not recovered
    assert [m.recovered for m in res.members] == [False, True, False, False, False, False]
    assert (res.n_improved, res.n_unchanged, res.n_deteriorated, res.n_recovered) == (3, 2, 1, 1)
    assert res.n_clinical_at_baseline == 5
    assert res.share_improved == pytest.approx(0.5)
    assert res.share_recovered_of_clinical == pytest.approx(0.2)
    assert res.members[0].rc == pytest.approx(-7 / (2.0 * 2**0.5))


def test_higher_is_better_scales_count_a_rise_as_improvement():
    # MSPSS-like: low support (<= 3) is the clinical side
    res = classify_reliable_change(
        [2.0, 5.0, 4.0],
        [5.5, 2.0, 4.2],
        reliability=0.9,
        sd=1.0,
        cutoff=3.0,
        direction=Direction.HIGHER_IS_BETTER,
    )
    assert [m.category for m in res.members] == ["improved", "deteriorated", "unchanged"]
    assert [m.recovered for m in res.members] == [True, False, False]


def test_empty_input_gives_zero_counts_and_no_shares():
    res = classify_reliable_change([], [], reliability=0.84, sd=5.0, cutoff=10)
    assert res.n == 0 and res.share_improved is None and res.note


def test_missing_scores_are_left_out_and_counted():
    res = classify_reliable_change([20, None, 15], [9, 10, None], reliability=0.84, sd=5, cutoff=10)
    assert res.n == 1 and res.n_excluded == 2


def test_invalid_reliability_is_a_configuration_error():
    with pytest.raises(ValueError):
        reliable_change_criteria(
            reliability=1.0, sd=5, cutoff=10, direction=Direction.HIGHER_IS_WORSE
        )


def test_cutoff_c_weights_means_by_the_other_populations_sd():
    c = jacobson_truax_cutoff(mean_functional=4, sd_functional=3, mean_clinical=16, sd_clinical=5)
    assert c == pytest.approx((3 * 16 + 5 * 4) / 8)
