"""Reliable change (Jacobson & Truax 1991) and the wording shown to members."""

from __future__ import annotations

import math

import pytest

from peerhaven.outcomes.instruments import describe_change, jacobson_truax, score
from peerhaven.outcomes.instruments.loader import parse_definition

# CLINICAL.md section 4: LDQ, r = 0.95, s1 = 7.6.
LDQ_R, LDQ_SD = 0.95, 7.6


def test_rci_matches_the_hand_worked_ldq_example():
    rci = jacobson_truax(20, 15, sd=LDQ_SD, reliability=LDQ_R)
    assert rci.se == pytest.approx(1.699, abs=5e-4)
    assert rci.s_diff == pytest.approx(2.403, abs=5e-4)
    assert rci.threshold == pytest.approx(4.71, abs=5e-3)
    assert rci.rc == pytest.approx(-5 / 2.403, abs=1e-3)
    assert rci.reliable


def test_rci_follows_the_formula_step_by_step():
    se = 7.6 * math.sqrt(1 - 0.95)
    s_diff = math.sqrt(2 * se**2)
    rci = jacobson_truax(12, 17, sd=7.6, reliability=0.95)
    assert rci.se == pytest.approx(se)
    assert rci.s_diff == pytest.approx(s_diff)
    assert rci.rc == pytest.approx(5 / s_diff)


@pytest.mark.parametrize(
    ("latest", "reliable"), [(16, False), (15.3, False), (15.28, True), (15, True)]
)
def test_change_is_reliable_only_beyond_1_96_standard_errors(latest, reliable):
    # The threshold is 4.7105 points: a drop of 4.70 is not enough, 4.72 is.
    assert jacobson_truax(20, latest, sd=LDQ_SD, reliability=LDQ_R).reliable is reliable


def test_rci_rejects_impossible_parameters():
    with pytest.raises(ValueError, match="reliability"):
        jacobson_truax(1, 2, sd=1, reliability=1.0)
    with pytest.raises(ValueError, match="sd"):
        jacobson_truax(1, 2, sd=0, reliability=0.9)


def ldq_like(raw_def, *, higher_is_worse: bool = True, cutoff: float | None = None):
    """A 10-item 0-3 scale carrying the LDQ figures, to test the definition-driven path."""
    raw = raw_def("phq9")
    raw.update(id="ldq_like", title="LDQ-like test scale", higher_is_worse=higher_is_worse)
    raw["items"] = [
        {"id": f"q{i}", "text": f"Question {i}", "options": "frequency"} for i in range(1, 11)
    ]
    raw["total"] = {"rule": "sum"}
    raw["missing"] = {"max_missing": 0}
    for key in ("bands", "bands_source", "flags", "loinc_panel"):
        raw.pop(key, None)
    raw["clinical_cutoff"] = (
        None
        if cutoff is None
        else {
            "value": cutoff,
            "case_when": ">=",
            "label": "the test cut-off",
            "confirmed": False,
            "note": "test value",
        }
    )
    raw["reliable_change"] = {
        "preferred": "jacobson_truax",
        "reliability": {"value": LDQ_R, "confirmed": True, "source": "CLINICAL.md section 4"},
        "sd": {"value": LDQ_SD, "confirmed": True, "source": "CLINICAL.md section 4"},
    }
    return parse_definition(raw, file="ldq_like.json")


def test_describe_change_uses_the_definitions_reliability_and_sd(raw_def):
    defn = ldq_like(raw_def)
    change = describe_change(defn, 20, 15)
    assert change.method == "jacobson_truax"
    assert change.threshold == pytest.approx(4.71, abs=5e-3)
    assert change.status == "reliable_improvement"
    assert describe_change(defn, 20, 16).status == "no_reliable_change"
    assert describe_change(defn, 10, 15).status == "reliable_deterioration"


def test_when_higher_is_better_a_rise_is_an_improvement(raw_def):
    defn = ldq_like(raw_def, higher_is_worse=False)
    assert describe_change(defn, 10, 15).status == "reliable_improvement"
    assert describe_change(defn, 15, 10).status == "reliable_deterioration"
    assert describe_change(defn, 15, 10).direction == "deteriorated"


def test_recovery_needs_reliable_improvement_and_crossing_the_cut_off(raw_def):
    defn = ldq_like(raw_def, cutoff=12)
    recovered = describe_change(defn, 18, 9)
    assert recovered.recovered
    assert recovered.crossed_cutoff
    not_reliable = describe_change(defn, 13, 11)  # crosses 12 but only by 2 points
    assert not_reliable.crossed_cutoff
    assert not not_reliable.recovered
    still_case = describe_change(defn, 25, 14)  # reliable, but still above the cut-off
    assert still_case.status == "reliable_improvement"
    assert not still_case.recovered


# --- PHQ-9 and GAD-7 use the NHS Talking Therapies fixed thresholds ------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "status"),
    [
        (16, 10, "reliable_improvement"),  # a drop of exactly 6 counts
        (16, 11, "no_reliable_change"),
        (8, 14, "reliable_deterioration"),
        (8, 8, "no_reliable_change"),
    ],
)
def test_phq9_reliable_change_is_a_change_of_six_points(defns, baseline, latest, status):
    assert describe_change(defns["phq9"], baseline, latest).status == status


@pytest.mark.parametrize(
    ("baseline", "latest", "status"),
    [(12, 8, "reliable_improvement"), (12, 9, "no_reliable_change")],
)
def test_gad7_reliable_change_is_a_change_of_four_points(defns, baseline, latest, status):
    assert describe_change(defns["gad7"], baseline, latest).status == status


def test_phq9_recovery_is_reliable_improvement_from_ten_or_more_to_below_ten(defns):
    assert describe_change(defns["phq9"], 16, 9).recovered
    assert not describe_change(defns["phq9"], 16, 10).recovered  # reliable, still a case
    assert not describe_change(defns["phq9"], 12, 7).recovered  # below 10, not reliable
    assert describe_change(defns["phq9"], 12, 7).crossed_cutoff


def test_instruments_without_figures_report_points_but_no_verdict(defns):
    change = describe_change(defns["rses"], 12, 20)
    assert change.status == "not_assessable"
    assert change.reliable is None
    assert change.direction == "improved"
    assert "don't have the figures" in change.summary
    assert change.caveats


def test_describe_change_accepts_score_results(defns):
    phq9 = defns["phq9"]
    first = score(phq9, {f"phq9_{i}": 2 for i in range(1, 10)})
    later = score(phq9, {f"phq9_{i}": 1 for i in range(1, 10)})
    change = describe_change(phq9, first, later)
    assert (change.baseline, change.latest, change.difference) == (18, 9, -9)


def test_describe_change_refuses_a_response_without_a_total(defns):
    phq9 = defns["phq9"]
    incomplete = score(phq9, {"phq9_1": 2})
    with pytest.raises(ValueError, match="no total"):
        describe_change(phq9, incomplete, 5)


def test_describe_change_refuses_totals_outside_the_scale(defns):
    with pytest.raises(ValueError, match="outside"):
        describe_change(defns["phq9"], 30, 5)


# --- wording -----------------------------------------------------------------------------------


def test_improvement_wording_is_plain_and_names_the_threshold(defns):
    text = describe_change(defns["phq9"], 18, 8).summary
    assert text.startswith("Your PHQ-9 score went from 18 to 8, down 10 points.")
    assert "6 points or more" in text
    assert "real improvement" in text
    assert "now below 10" in text


def test_small_changes_are_described_as_too_early_to_tell(defns):
    text = describe_change(defns["phq9"], 12, 10).summary
    assert "too early to say" in text


def test_deterioration_wording_suggests_talking_to_someone(defns):
    text = describe_change(defns["phq9"], 8, 15).summary
    assert "up 7 points" in text
    assert "talk it over" in text


def test_wording_never_diagnoses(defns):
    for defn in defns.values():
        low, high = defn.total.minimum, defn.total.maximum
        for a, b in ((low, high), (high, low), (low, low)):
            text = describe_change(defn, a, b).summary.lower()
            assert text.endswith("this is a questionnaire score, not a diagnosis.")
            for phrase in (
                "you have depression",
                "you are depressed",
                "you are cured",
                "diagnosed",
                "disorder",
            ):
                assert phrase not in text


def test_mean_scores_are_worded_with_two_decimals(defns):
    text = describe_change(defns["mspss"], 35 / 12, 61 / 12).summary
    assert "from 2.92 to 5.08, up 2.17 points" in text
