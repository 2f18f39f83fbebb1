"""Properties that must hold for every instrument, whatever the answers."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerhaven.outcomes.instruments import load_all, score
from peerhaven.outcomes.instruments.bulk import BAND_NONE, score_matrix
from peerhaven.outcomes.instruments.loader import InstrumentDefinition, parse_definition

DEFNS = load_all()
PROFILE = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def complete_answers(defn: InstrumentDefinition) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {item.id: st.sampled_from(sorted(item.option_set.values)) for item in defn.items}
    )


def patchy_answers(defn: InstrumentDefinition) -> st.SearchStrategy[dict[str, int | None]]:
    return st.fixed_dictionaries(
        {
            item.id: st.one_of(st.none(), st.sampled_from(sorted(item.option_set.values)))
            for item in defn.items
        }
    )


instruments = st.sampled_from(sorted(DEFNS.values(), key=lambda d: d.id))


@PROFILE
@given(data=st.data(), defn=instruments)
def test_totals_stay_within_the_possible_range_and_always_get_a_band(data, defn):
    result = score(defn, data.draw(complete_answers(defn)))
    assert result.total is not None
    assert defn.total.minimum <= result.total <= defn.total.maximum
    for rule in defn.subscales:
        value = result.subscales[rule.id]
        assert value is not None
        assert rule.minimum <= value <= rule.maximum
    assert (result.band is not None) == bool(defn.bands)


@PROFILE
@given(data=st.data(), defn=instruments)
def test_raising_an_answer_moves_the_total_with_its_keying(data, defn):
    answers = data.draw(complete_answers(defn))
    item_id = data.draw(st.sampled_from(defn.total.item_ids))
    item = defn.item(item_id)
    higher = [v for v in item.option_set.values if v > answers[item_id]]
    if not higher:
        return
    before = score(defn, answers).total
    after = score(defn, {**answers, item_id: data.draw(st.sampled_from(sorted(higher)))}).total
    assert before is not None
    assert after is not None
    if item.reverse_keyed:
        assert after < before
    else:
        assert after > before


@PROFILE
@given(data=st.data())
def test_rses_reverse_items_are_anti_monotonic(data):
    rses = DEFNS["rses"]
    answers = data.draw(complete_answers(rses))
    reversed_ids = [item.id for item in rses.items if item.reverse_keyed]
    item_id = data.draw(st.sampled_from(reversed_ids))
    if answers[item_id] == 3:
        return
    before = score(rses, answers).total
    after = score(rses, {**answers, item_id: answers[item_id] + 1}).total
    assert after == before - 1  # type: ignore[operator]


@PROFILE
@given(data=st.data(), defn=instruments)
def test_unscored_items_never_change_any_score(data, defn):
    unscored = [item for item in defn.items if not item.scored]
    answers = data.draw(complete_answers(defn))
    base = score(defn, answers)
    for item in unscored:
        for value in item.option_set.values:
            other = score(defn, {**answers, item.id: value})
            assert (other.total, dict(other.subscales)) == (base.total, dict(base.subscales))


def _same(scalar: float | None, vector: float) -> bool:
    return np.isnan(vector) if scalar is None else float(scalar) == vector


def _assert_bulk_matches_scalar(defn: InstrumentDefinition, rows: list[dict[str, int | None]]):
    matrix = np.array(
        [[np.nan if row[i] is None else row[i] for i in defn.item_ids] for row in rows],
        dtype=np.float64,
    ).reshape(len(rows), len(defn.item_ids))
    bulk = score_matrix(defn, matrix)
    for n, row in enumerate(rows):
        result = score(defn, row)
        assert _same(result.total, bulk["total"][n]), (row, result.total, bulk["total"][n])
        for rule in defn.subscales:
            assert _same(result.subscales[rule.id], bulk[f"subscale:{rule.id}"][n])
        code = BAND_NONE if result.band is None else defn.bands.index(result.band)
        assert bulk["band"][n] == code
        for flag in defn.flags:
            assert bool(bulk[f"flag:{flag.id}"][n]) == (flag.id in result.flags)
        assert bulk["n_missing"][n] == len(result.missing_items)


@PROFILE
@given(data=st.data(), defn=instruments)
def test_bulk_scoring_equals_scalar_scoring(data, defn):
    rows = data.draw(st.lists(patchy_answers(defn), min_size=1, max_size=20))
    _assert_bulk_matches_scalar(defn, rows)


def _lenient(defn: InstrumentDefinition, max_missing: int) -> InstrumentDefinition:
    assert defn.path is not None
    raw = json.loads(defn.path.read_text(encoding="utf-8"))
    raw["missing"]["max_missing"] = max_missing
    return parse_definition(raw, file=defn.path.name)


LENIENT = [_lenient(DEFNS[i], 2) for i in ("phq9", "mspss", "rses", "gad7")]


@PROFILE
@given(data=st.data(), defn=st.sampled_from(LENIENT))
def test_bulk_scoring_equals_scalar_scoring_when_prorating(data, defn):
    rows = data.draw(st.lists(patchy_answers(defn), min_size=1, max_size=20))
    _assert_bulk_matches_scalar(defn, rows)
