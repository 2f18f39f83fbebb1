"""Small helpers shared by the estimators: input cleaning and the wording of notes.

Every estimator in this package answers with a frozen dataclass that carries ``n`` and a ``note``.
When a quantity cannot be computed (no data, one person, no spread) the number is ``None`` and the
note says why in plain words; we never hand back NaN or infinity.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

NOTE_NO_DATA = "No data: nothing to analyse."
NOTE_TOO_FEW = "Fewer than {need} people with usable scores (n = {n}): not computed."
NOTE_NO_SPREAD = "All scores are identical, so there is no spread to standardise by: not computed."


def as_float_array(values: Iterable[float | None] | npt.ArrayLike) -> FloatArray:
    """Return a 1-D float array; ``None`` becomes NaN so it can be dropped as missing."""
    try:
        # Fast path: arrays, pandas Series, lists of numbers (NaN for missing).
        arr = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        # Lists holding None or pd.NA: convert element by element.
        seq = list(values)  # type: ignore[arg-type]  # any iterable of numbers or None
        arr = np.array([math.nan if v is None or v is pd.NA else v for v in seq], dtype=np.float64)
    # Infinite scores are not scores: treat them as missing rather than poison the sums.
    return np.where(np.isfinite(arr), arr, np.nan)


def finite_or_none(value: float | np.floating | None) -> float | None:
    """A plain float, or None when the value is missing, NaN or infinite."""
    if value is None:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def complete_pairs(
    first: Iterable[float | None] | npt.ArrayLike,
    second: Iterable[float | None] | npt.ArrayLike,
) -> tuple[FloatArray, FloatArray, int]:
    """Keep positions where both values are present; return them and how many were dropped."""
    a = as_float_array(first)
    b = as_float_array(second)
    if a.shape != b.shape:
        raise ValueError(f"paired inputs differ in length: {a.shape[0]} vs {b.shape[0]}")
    keep = ~(np.isnan(a) | np.isnan(b))
    return a[keep], b[keep], int(a.shape[0] - keep.sum())


def drop_missing(values: Iterable[float | None] | npt.ArrayLike) -> FloatArray:
    arr = as_float_array(values)
    return arr[~np.isnan(arr)]


def no_spread(values: FloatArray) -> bool:
    """True when every value is the same (up to rounding noise relative to the values' size)."""
    if values.size < 2:
        return True
    scale = max(1.0, float(np.max(np.abs(values))))
    return float(np.ptp(values)) <= 1e-12 * scale


def join_notes(notes: Sequence[str | None]) -> str | None:
    kept = [n for n in notes if n]
    return " ".join(kept) if kept else None


def dropped_note(dropped: int, what: str = "people") -> str | None:
    if dropped <= 0:
        return None
    return f"{dropped} {what} without both scores were left out."


def check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
