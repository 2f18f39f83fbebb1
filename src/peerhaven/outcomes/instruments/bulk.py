"""Vectorised scoring for programme evaluation and exports (a million responses at a time).

It mirrors :func:`peerhaven.outcomes.instruments.scoring.score` operation by operation, using
the same definition, and the tests hold it to exactly the same totals, bands and flags.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from .loader import OPERATORS, InstrumentDefinition, ScoreRule
from .scoring import InvalidAnswer, UnknownItem

__all__ = ["BAND_NONE", "score_matrix"]

#: Band code for rows whose total could not be computed.
BAND_NONE = -1

FloatArray = npt.NDArray[np.float64]


def score_matrix(
    defn: InstrumentDefinition,
    answers: npt.ArrayLike,
    *,
    columns: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Score a matrix of responses, one row per response.

    ``answers`` has one column per item, in ``columns`` order (default: every item of the
    definition, in definition order); NaN marks a missing answer. Returns arrays keyed
    ``total`` and ``subscale:<id>`` (float64, NaN where no score), ``band`` (int8 index into
    ``defn.bands``, ``BAND_NONE`` where none), ``flag:<id>`` (bool) and ``n_missing`` (scored
    items missing). Raises :class:`InvalidAnswer` naming the first bad row, item and value.
    """
    columns = tuple(defn.item_ids if columns is None else columns)
    for item_id in columns:
        if not defn.has_item(item_id):
            raise UnknownItem(defn.id, item_id, None)
    if len(set(columns)) != len(columns):
        raise ValueError(f"{defn.id}: columns name an item more than once")
    data = np.asarray(answers, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != len(columns):
        raise ValueError(
            f"{defn.id}: expected an array of shape (n, {len(columns)}), got {data.shape}"
        )
    n = data.shape[0]
    index = {item_id: j for j, item_id in enumerate(columns)}
    _validate(defn, data, columns)

    nan_column = np.full(n, np.nan)

    def raw(item_id: str) -> FloatArray:
        return data[:, index[item_id]] if item_id in index else nan_column

    def keyed(item_id: str) -> FloatArray:
        item = defn.item(item_id)
        values = raw(item_id)
        if item.reverse_keyed:
            return (item.option_set.max_value + item.option_set.min_value) - values
        return values

    out: dict[str, np.ndarray] = {}
    scores: dict[str, FloatArray] = {}
    for rule in defn.score_rules:
        scores[rule.id] = _rule_scores(defn, rule, keyed, n)
    out["total"] = scores["total"]
    for rule in defn.subscales:
        out[f"subscale:{rule.id}"] = scores[rule.id]

    bands = np.full(n, BAND_NONE, dtype=np.int8)
    total = scores["total"]
    for code, band in enumerate(defn.bands):
        above = total >= band.min if band.min_inclusive else total > band.min
        below = total <= band.max if band.max_inclusive else total < band.max
        bands[above & below] = code
    out["band"] = bands

    for flag in defn.flags:
        condition = flag.when
        if condition.item is not None:
            observed = raw(condition.item)
        else:
            assert condition.score is not None  # the loader guarantees one of the two
            observed = scores[condition.score]
        # NaN compares false under every operator, so a missing answer or score never flags,
        # exactly as in the scalar engine.
        with np.errstate(invalid="ignore"):
            out[f"flag:{flag.id}"] = np.asarray(OPERATORS[condition.op](observed, condition.value))

    missing = np.zeros(n, dtype=np.int64)
    for item_id in defn.scored_item_ids:
        missing += np.isnan(raw(item_id))
    out["n_missing"] = missing
    return out


def _validate(defn: InstrumentDefinition, data: FloatArray, columns: Sequence[str]) -> None:
    for j, item_id in enumerate(columns):
        option_set = defn.item(item_id).option_set
        allowed = np.array(sorted(option_set.values), dtype=np.float64)
        column = data[:, j]
        bad = ~(np.isnan(column) | np.isin(column, allowed))
        if bad.any():
            row = int(np.argmax(bad))
            value = column[row]
            shown: object = int(value) if float(value).is_integer() else float(value)
            error = InvalidAnswer(
                defn.id, item_id, shown, tuple(o.value for o in option_set.options)
            )
            error.args = (f"{error.args[0]} (row {row})",)
            raise error


def _rule_scores(
    defn: InstrumentDefinition, rule: ScoreRule, keyed: Callable[[str], FloatArray], n: int
) -> FloatArray:
    n_items = len(rule.item_ids)
    sums = np.zeros(n)
    answered = np.zeros(n, dtype=np.int64)
    blocked = np.zeros(n, dtype=bool)
    for item_id in rule.item_ids:
        values = keyed(item_id)
        present = ~np.isnan(values)
        sums += np.where(present, values, 0.0)
        answered += present
        if item_id in defn.missing.never_impute:
            blocked |= ~present

    result = np.full(n, np.nan)
    complete = answered == n_items
    result[complete] = sums[complete] if rule.rule == "sum" else sums[complete] / n_items
    if defn.missing.max_missing > 0:
        # Same arithmetic as loader.aggregate(): person-mean proration, sums rounded half up.
        partial = (
            ~complete
            & (answered >= 1)
            & (n_items - answered <= defn.missing.max_missing)
            & ~blocked
        )
        if rule.rule == "sum":
            result[partial] = np.floor(sums[partial] * n_items / answered[partial] + 0.5)
        else:
            result[partial] = sums[partial] / answered[partial]
    return result
