"""Vectorised scoring: agreement with the scalar engine on random data, and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from peerhaven.outcomes.instruments import InvalidAnswer, UnknownItem, score
from peerhaven.outcomes.instruments.bulk import BAND_NONE, score_matrix


def random_responses(defn, n: int, rng: np.random.Generator, missing_rate: float = 0.02):
    columns = []
    for item in defn.items:
        values = np.array(sorted(item.option_set.values), dtype=np.float64)
        column = rng.choice(values, size=n)
        column[rng.random(n) < missing_rate] = np.nan
        columns.append(column)
    return np.column_stack(columns)


@pytest.mark.parametrize("instrument", ["phq9", "phq2", "gad7", "ucla3", "mspss", "rses", "brcs"])
def test_bulk_agrees_with_scalar_on_ten_thousand_random_responses(defns, instrument):
    defn = defns[instrument]
    matrix = random_responses(defn, 10_000, np.random.default_rng(20240611))
    bulk = score_matrix(defn, matrix)
    for n in range(matrix.shape[0]):
        row = {
            item_id: None if np.isnan(v) else int(v)
            for item_id, v in zip(defn.item_ids, matrix[n], strict=True)
        }
        result = score(defn, row)
        if result.total is None:
            assert np.isnan(bulk["total"][n])
        else:
            assert bulk["total"][n] == result.total
        expected_band = BAND_NONE if result.band is None else defn.bands.index(result.band)
        assert bulk["band"][n] == expected_band
        assert {f.id for f in defn.flags if bulk[f"flag:{f.id}"][n]} == set(result.flags)
        for rule in defn.subscales:
            got, want = bulk[f"subscale:{rule.id}"][n], result.subscales[rule.id]
            assert np.isnan(got) if want is None else got == want


def test_bulk_accepts_integer_arrays(defns):
    bulk = score_matrix(defns["phq2"], np.array([[0, 0], [3, 3], [1, 2]], dtype=np.int8))
    assert bulk["total"].tolist() == [0.0, 6.0, 3.0]
    assert bulk["flag:screen_positive"].tolist() == [False, True, True]


def test_bulk_takes_columns_in_any_order(defns):
    gad7 = defns["gad7"]
    columns = list(reversed(gad7.item_ids))
    matrix = np.array([[3, 0, 0, 0, 0, 0, 1]])
    bulk = score_matrix(gad7, matrix, columns=columns)
    assert bulk["total"][0] == 4
    assert bulk["n_missing"][0] == 0


def test_bulk_treats_absent_item_columns_as_missing(defns):
    bulk = score_matrix(defns["phq9"], np.zeros((2, 9)), columns=defns["phq9"].item_ids[:9])
    assert bulk["total"].tolist() == [0.0, 0.0]
    partial = score_matrix(defns["phq9"], np.zeros((1, 8)), columns=defns["phq9"].item_ids[:8])
    assert np.isnan(partial["total"][0])
    assert partial["n_missing"][0] == 1


def test_bulk_rejects_an_out_of_range_value_naming_row_item_and_value(defns):
    matrix = np.zeros((5, 10))
    matrix[3, 4] = 7
    with pytest.raises(InvalidAnswer, match=r"answer 7 for item 'phq9_5'.*\(row 3\)"):
        score_matrix(defns["phq9"], matrix)


def test_bulk_rejects_fractional_values(defns):
    with pytest.raises(InvalidAnswer, match=r"1\.5"):
        score_matrix(defns["phq2"], np.array([[1.5, 1.0]]))


def test_bulk_rejects_unknown_columns_and_wrong_shapes(defns):
    with pytest.raises(UnknownItem):
        score_matrix(defns["phq2"], np.zeros((1, 2)), columns=["phq2_1", "phq9_2"])
    with pytest.raises(ValueError, match="shape"):
        score_matrix(defns["phq2"], np.zeros((3, 3)))


def test_bulk_reverse_keys_rses(defns):
    rses = defns["rses"]
    bulk = score_matrix(rses, np.full((1, 10), 3.0))
    assert bulk["total"][0] == 15
