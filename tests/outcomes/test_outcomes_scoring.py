"""Published scoring rules, band edges, reverse keying, subscales and missing data."""

from __future__ import annotations

import numpy as np
import pytest

from peerhaven.outcomes.instruments import InvalidAnswer, UnknownItem, score

BAND_EDGES = [
    # PHQ-9: Kroenke 2001; 0 is minimal even though LOINC 44261-6 says "1-4".
    ("phq9", 0, "minimal"),
    ("phq9", 4, "minimal"),
    ("phq9", 5, "mild"),
    ("phq9", 9, "mild"),
    ("phq9", 10, "moderate"),
    ("phq9", 14, "moderate"),
    ("phq9", 15, "moderately_severe"),
    ("phq9", 19, "moderately_severe"),
    ("phq9", 20, "severe"),
    ("phq9", 27, "severe"),
    ("phq2", 0, "below_threshold"),
    ("phq2", 2, "below_threshold"),
    ("phq2", 3, "screen_positive"),
    ("phq2", 6, "screen_positive"),
    ("gad7", 0, "minimal"),
    ("gad7", 4, "minimal"),
    ("gad7", 5, "mild"),
    ("gad7", 9, "mild"),
    ("gad7", 10, "moderate"),
    ("gad7", 14, "moderate"),
    ("gad7", 15, "severe"),
    ("gad7", 21, "severe"),
    ("ucla3", 3, "not_lonely"),
    ("ucla3", 5, "not_lonely"),
    ("ucla3", 6, "lonely"),
    ("ucla3", 9, "lonely"),
    ("brcs", 4, "low"),
    ("brcs", 13, "low"),
    ("brcs", 14, "medium"),
    ("brcs", 16, "medium"),
    ("brcs", 17, "high"),
    ("brcs", 20, "high"),
]


@pytest.mark.parametrize(("instrument", "total", "band"), BAND_EDGES)
def test_total_falls_in_the_published_band(defns, keyed_sum_answers, instrument, total, band):
    defn = defns[instrument]
    result = score(defn, keyed_sum_answers(defn, total))
    assert result.total == total
    assert result.band is not None
    assert result.band.id == band


@pytest.mark.parametrize(
    ("keyed_sum", "mean", "band"),
    [
        (12, 1.0, "low"),
        (35, 35 / 12, "low"),  # 2.92: between the published "2.9" and "3" edges
        (36, 3.0, "moderate"),
        (60, 5.0, "moderate"),
        (61, 61 / 12, "high"),  # 5.08: between the published "5" and "5.1" edges
        (84, 7.0, "high"),
    ],
)
def test_mspss_mean_falls_in_zimets_band(defns, keyed_sum_answers, keyed_sum, mean, band):
    result = score(defns["mspss"], keyed_sum_answers(defns["mspss"], keyed_sum))
    assert result.total == pytest.approx(mean)
    assert result.band is not None
    assert result.band.id == band


def test_every_band_has_a_plain_language_meaning(defns):
    for defn in defns.values():
        for band in defn.bands:
            assert len(band.meaning) > 20, (defn.id, band.id)


def test_phq9_totals_the_nine_items(defns):
    answers = {f"phq9_{i}": v for i, v in enumerate([3, 2, 1, 0, 3, 2, 1, 0, 0], start=1)}
    assert score(defns["phq9"], answers).total == 12


def test_phq9_question_10_is_recorded_but_not_added_to_the_total(defns):
    answers = {f"phq9_{i}": 1 for i in range(1, 10)}
    without = score(defns["phq9"], answers)
    with_q10 = score(defns["phq9"], {**answers, "phq9_10": 3})
    assert without.total == with_q10.total == 9
    assert with_q10.answers["phq9_10"] == 3
    assert "phq9_10" not in with_q10.keyed


def test_phq9_without_question_10_is_still_complete(defns):
    result = score(defns["phq9"], {f"phq9_{i}": 0 for i in range(1, 10)})
    assert result.complete
    assert result.missing_items == ()


def test_phq9_item9_above_zero_raises_the_safety_flag_even_when_the_total_is_minimal(defns):
    answers = {f"phq9_{i}": 0 for i in range(1, 10)} | {"phq9_9": 1}
    result = score(defns["phq9"], answers)
    assert result.total == 1
    assert result.band is not None
    assert result.band.id == "minimal"
    assert "item9_positive" in result.flags


def test_phq9_item9_of_zero_raises_no_safety_flag(defns):
    result = score(defns["phq9"], {f"phq9_{i}": 3 for i in range(1, 9)} | {"phq9_9": 0})
    assert "item9_positive" not in result.flags


@pytest.mark.parametrize(
    ("instrument", "flag", "below", "at"),
    [
        ("phq9", "caseness", 9, 10),
        ("gad7", "caseness", 7, 8),
        ("gad7", "screen_positive", 9, 10),
        ("phq2", "screen_positive", 2, 3),
        ("ucla3", "lonely", 5, 6),
    ],
)
def test_cut_off_flags_start_exactly_at_the_cut_off(
    defns, keyed_sum_answers, instrument, flag, below, at
):
    defn = defns[instrument]
    # keyed_sum_answers fills items from the first, so PHQ-9 item 9 stays at 0 here.
    assert flag not in score(defn, keyed_sum_answers(defn, below)).flags
    assert flag in score(defn, keyed_sum_answers(defn, at)).flags


def test_mspss_low_support_flag_is_below_a_mean_of_three(defns, keyed_sum_answers):
    assert "low_support" in score(defns["mspss"], keyed_sum_answers(defns["mspss"], 35)).flags
    assert "low_support" not in score(defns["mspss"], keyed_sum_answers(defns["mspss"], 36)).flags


# --- Rosenberg: reverse keying by item identity ----------------------------------------------

NEGATIVE_RSES_ITEMS = {
    "rses_no_good": "At times I think I am no good at all.",
    "rses_not_proud": "I feel I do not have much to be proud of.",
    "rses_useless": "I certainly feel useless at times.",
    "rses_more_respect": "I wish I could have more respect for myself.",
    "rses_failure": "All in all, I am inclined to feel that I am a failure.",
}


def test_rses_reverse_keys_exactly_the_negatively_worded_items(defns):
    rses = defns["rses"]
    reversed_items = {item.id: item.text for item in rses.items if item.reverse_keyed}
    assert reversed_items == NEGATIVE_RSES_ITEMS


def test_rses_reverse_keyed_positions_are_2_5_6_8_9_in_the_umd_order(defns):
    positions = [i for i, item in enumerate(defns["rses"].items, start=1) if item.reverse_keyed]
    assert positions == [2, 5, 6, 8, 9]


def test_rses_strongly_agreeing_with_everything_scores_the_midpoint(defns):
    rses = defns["rses"]
    result = score(rses, dict.fromkeys(rses.item_ids, 3))
    assert result.total == 15
    assert result.keyed["rses_no_good"] == 0
    assert result.keyed["rses_satisfied"] == 3


def test_rses_highest_self_esteem_agrees_with_positive_and_disagrees_with_negative_items(defns):
    rses = defns["rses"]
    answers = {i: 0 if i in NEGATIVE_RSES_ITEMS else 3 for i in rses.item_ids}
    assert score(rses, answers).total == 30
    flipped = {i: 3 - v for i, v in answers.items()}
    assert score(rses, flipped).total == 0


def test_rses_score_does_not_depend_on_the_order_items_are_listed(defns, make_variant):
    reordered = make_variant("rses", lambda raw: raw["items"].reverse())
    answers = {i: n % 4 for n, i in enumerate(defns["rses"].item_ids)}
    assert score(reordered, answers).total == score(defns["rses"], answers).total


# --- MSPSS subscales ---------------------------------------------------------------------------

SO, FAM, FRI = (
    ("mspss_1", "mspss_2", "mspss_5", "mspss_10"),
    (
        "mspss_3",
        "mspss_4",
        "mspss_8",
        "mspss_11",
    ),
    ("mspss_6", "mspss_7", "mspss_9", "mspss_12"),
)


def test_mspss_subscales_are_means_of_zimets_item_groups(defns):
    answers = dict.fromkeys(SO, 7) | dict.fromkeys(FAM, 1) | dict.fromkeys(FRI, 4)
    result = score(defns["mspss"], answers)
    assert result.subscales == {"significant_other": 7.0, "family": 1.0, "friends": 4.0}
    assert result.total == 4.0


def test_mspss_subscale_mean_is_not_rounded(defns):
    answers = dict(zip(SO, (7, 6, 5, 3), strict=True)) | dict.fromkeys(FAM + FRI, 4)
    result = score(defns["mspss"], answers)
    assert result.subscales["significant_other"] == 5.25
    assert result.total == 53 / 12


def test_mspss_missing_item_withholds_only_its_subscale_and_the_total(defns):
    answers = dict.fromkeys(SO + FAM + FRI, 5)
    del answers["mspss_12"]
    result = score(defns["mspss"], answers)
    assert result.total is None
    assert result.subscales == {"significant_other": 5.0, "family": 5.0, "friends": None}
    assert result.missing_items == ("mspss_12",)


# --- missing data ------------------------------------------------------------------------------


def test_a_missing_phq9_item_means_no_total_and_no_band(defns):
    answers = {f"phq9_{i}": 3 for i in range(1, 10)}
    del answers["phq9_3"]
    result = score(defns["phq9"], answers)
    assert result.total is None
    assert result.band is None
    assert result.missing_items == ("phq9_3",)
    assert "caseness" not in result.flags
    assert "item9_positive" in result.flags  # answered items still raise their flags


def test_none_counts_as_a_skipped_answer(defns):
    answers = {f"phq9_{i}": 1 for i in range(1, 10)} | {"phq9_9": None}
    result = score(defns["phq9"], answers)
    assert result.total is None
    assert result.missing_items == ("phq9_9",)
    assert "item9_positive" not in result.flags


def test_prorating_fills_a_missing_item_with_the_mean_of_the_others(defns, make_variant):
    lenient = make_variant("phq9", lambda raw: raw["missing"].update(max_missing=2))
    answers = {f"phq9_{i}": v for i, v in enumerate([3, 3, 2, 2, 1, 1, 0, 0, 1], start=1)}
    del answers["phq9_3"]  # answered sum 11 over 8 items -> 11 * 9 / 8 = 12.375 -> 12
    result = score(lenient, answers)
    assert result.total == 12
    assert result.prorated == ("total",)


def test_prorating_rounds_half_up(defns, make_variant):
    lenient = make_variant("phq9", lambda raw: raw["missing"].update(max_missing=1))
    answers = {f"phq9_{i}": 0 for i in (3, 4, 6, 7, 8, 9)} | {"phq9_1": 3, "phq9_2": 1}
    # phq9_5 missing: 4 points over 8 answered items -> 4 * 9 / 8 = 4.5 -> 5
    result = score(lenient, answers)
    assert result.total == 5
    assert result.band is not None
    assert result.band.id == "mild"


def test_item9_is_never_imputed_even_when_prorating_is_allowed(defns, make_variant):
    lenient = make_variant("phq9", lambda raw: raw["missing"].update(max_missing=2))
    answers = {f"phq9_{i}": 2 for i in range(1, 9)}  # item 9 missing
    result = score(lenient, answers)
    assert result.total is None
    assert result.prorated == ()


def test_prorating_stops_at_the_allowed_number_of_missing_items(defns, make_variant):
    lenient = make_variant("phq9", lambda raw: raw["missing"].update(max_missing=1))
    answers = {f"phq9_{i}": 2 for i in range(3, 10)}  # two missing
    assert score(lenient, answers).total is None


def test_shipped_instruments_never_prorate(defns):
    for defn in defns.values():
        assert defn.missing.max_missing == 0, defn.id
    assert "phq9_9" in defns["phq9"].missing.never_impute


# --- rejected answers --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [4, -1, 99])
def test_phq9_rejects_an_answer_outside_0_to_3(defns, value):
    with pytest.raises(InvalidAnswer) as caught:
        score(defns["phq9"], {"phq9_1": value})
    assert "phq9_1" in str(caught.value)
    assert str(value) in str(caught.value)
    assert caught.value.item_id == "phq9_1"
    assert caught.value.value == value


@pytest.mark.parametrize("value", [1.5, 2.0, "2", True])
def test_answers_must_be_whole_numbers_not_floats_strings_or_booleans(defns, value):
    with pytest.raises(InvalidAnswer):
        score(defns["phq9"], {"phq9_2": value})


def test_invalid_answer_is_a_value_error(defns):
    with pytest.raises(ValueError, match="phq9_10"):
        score(defns["phq9"], {"phq9_10": 4})


def test_numpy_integers_are_accepted(defns):
    answers = {f"phq9_{i}": np.int64(1) for i in range(1, 10)}
    assert score(defns["phq9"], answers).total == 9


@pytest.mark.parametrize("value", [0, 6])
def test_post_meeting_mood_accepts_only_1_to_5(defns, value):
    with pytest.raises(InvalidAnswer, match="mood"):
        score(defns["post_meeting_mood"], {"mood": value})


def test_post_meeting_mood_scores_the_single_answer(defns):
    result = score(defns["post_meeting_mood"], {"mood": 4})
    assert result.total == 4
    assert result.band is None


def test_an_unknown_item_is_rejected_by_name(defns):
    with pytest.raises(UnknownItem, match="'gad7_1'"):
        score(defns["phq9"], {"gad7_1": 1})


def test_ucla3_rejects_zero_because_its_scale_starts_at_one(defns):
    with pytest.raises(InvalidAnswer, match="1, 2, 3"):
        score(defns["ucla3"], {"ucla3_left_out": 0})


def test_score_result_serialises_to_plain_data(defns):
    answers = {f"phq9_{i}": 2 for i in range(1, 10)}
    data = score(defns["phq9"], answers).as_dict()
    assert data["total"] == 18
    assert data["band"]["id"] == "moderately_severe"
    assert data["flags"] == ["item9_positive", "caseness"]
