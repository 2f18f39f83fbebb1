"""Reliable change follows the method each questionnaire's definition prefers: the NHS Talking
Therapies fixed threshold for PHQ-9 (a change of 6 or more), nothing for UCLA-3 (whose
reliability is unconfirmed), Jacobson-Truax only where a definition asks for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from peerhaven.accounts.models import User
from peerhaven.insights.stats import Direction, classify_reliable_change

from .programme_data import enrol_with_scores as _member
from .programme_data import make_programme as _programme
from .programme_data import run_report as _report

pytestmark = pytest.mark.django_db


def test_a_fixed_threshold_counts_a_change_of_at_least_the_threshold() -> None:
    pre = [16, 16, 16, 10, 12]
    post = [10, 11, 22, 4, 17]  # -6, -5, +6, -6, +5
    res = classify_reliable_change(pre, post, cutoff=10, fixed_threshold=6)
    assert [m.category for m in res.members] == [
        "improved",
        "unchanged",
        "deteriorated",
        "improved",
        "unchanged",
    ]
    # 16 -> 10 improved by 6 but not below the cut-off of 10: not recovered; 10 -> 4 is.
    assert [m.recovered for m in res.members] == [False, False, False, True, False]
    assert res.criteria.method == "fixed_threshold" and res.criteria.threshold == 6
    assert res.criteria.reliability is None and all(m.rc is None for m in res.members)


def test_a_fixed_threshold_on_a_higher_is_better_scale_counts_a_rise() -> None:
    res = classify_reliable_change(
        [2, 5], [6, 1], cutoff=3, direction=Direction.HIGHER_IS_BETTER, fixed_threshold=4
    )
    assert [m.category for m in res.members] == ["improved", "deteriorated"]


def test_jacobson_truax_without_its_parameters_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        classify_reliable_change([10], [4], cutoff=10)


def test_the_report_uses_the_phq9_threshold_of_six_points(
    admin: User, make_user: Callable[..., User]
) -> None:
    programme = _programme(admin)
    # Ten people drop by exactly 6 points, eleven by 5, ten rise by 6 (every category holds at
    # least ten people, so none is hidden). Jacobson-Truax with this programme's baseline SD
    # (about 0.8) would call a 5-point drop reliable too.
    changes = [-6] * 10 + [-5] * 11 + [6] * 10
    for i, change in enumerate(changes):
        before = 15 + i % 3
        _member(admin, make_user, programme, {0: before, 28: before + change})
    reliable = _report(programme)["outcomes"][0]["reliable_change"]
    assert reliable["method"] == "fixed_threshold"
    assert reliable["criteria"]["threshold"] == 6
    assert (reliable["n_improved"], reliable["n_unchanged"], reliable["n_deteriorated"]) == (
        10,
        11,
        10,
    )
    assert "Talking Therapies" in reliable["criterion_source"]


def test_ucla3_gets_a_note_not_figures(admin: User, make_user: Callable[..., User]) -> None:
    programme = _programme(admin, instruments=("ucla3",))
    for i in range(12):
        _member(admin, make_user, programme, {0: 7 + i % 3, 28: 3 + i % 2}, instrument="ucla3")
    outcome = _report(programme)["outcomes"][0]
    reliable = outcome["reliable_change"]
    assert reliable is None or ("n_improved" not in reliable and "points only" in reliable["note"])
