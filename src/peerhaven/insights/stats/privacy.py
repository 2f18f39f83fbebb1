"""Small-cell suppression: aggregate reports never show a cell describing fewer than 10 people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MIN_CELL_SIZE = 10


@dataclass(frozen=True)
class SuppressedTable:
    rows: list[dict[str, Any]]
    n_suppressed: int
    min_n: int
    note: str | None


@dataclass(frozen=True)
class Disclosure:
    allowed: bool
    n: int
    min_n: int
    note: str | None


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return None
    if as_float != as_float:  # NaN
        return None
    return int(as_float)


def suppress(
    rows: Iterable[Mapping[str, Any]],
    count_key: str,
    min_n: int = MIN_CELL_SIZE,
    *,
    keep: Sequence[str] = (),
    together: Sequence[str] = (),
) -> SuppressedTable:
    """Copy ``rows``; in any row whose ``count_key`` is below ``min_n``, set every value to None.

    ``keep`` names label columns (wave, site name, arm) that stay visible so the reader sees which
    cell is hidden. The count itself is hidden too: "7 people" is the disclosure. A missing or
    unreadable count is treated as small (fail closed).

    ``together`` names columns (e.g. ``wave``) whose rows are parts of one total shown elsewhere
    (the wave's members in both arms): when a row of such a group describes 1 to ``min_n`` - 1
    people (or an unreadable count), every row of the group is hidden, so the total minus the
    shown parts cannot give the hidden one back (complementary suppression). A part of 0 people
    discloses nobody and does not hide its group. Without ``together`` the caller must not show
    totals from which a single hidden cell could be recovered by subtraction.
    """
    if min_n < 1:
        raise ValueError("min_n must be at least 1")
    kept = set(keep)
    rows = list(rows)

    def group_of(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(row.get(k) for k in together)

    exposing: set[tuple[Any, ...]] = set()
    if together:
        for row in rows:
            count = _count(row.get(count_key))
            if count is None or 0 < count < min_n:
                exposing.add(group_of(row))
    out: list[dict[str, Any]] = []
    hidden = 0
    for row in rows:
        count = _count(row.get(count_key))
        small = count is None or count < min_n
        if not small and not (together and group_of(row) in exposing):
            out.append(dict(row))
            continue
        hidden += 1
        out.append({k: (v if k in kept else None) for k, v in row.items()})
    note = None
    if hidden:
        note = (
            f"{hidden} {'cell is' if hidden == 1 else 'cells are'} hidden because "
            f"{'it describes' if hidden == 1 else 'they describe'} fewer than {min_n} people."
        )
    return SuppressedTable(rows=out, n_suppressed=hidden, min_n=min_n, note=note)


def may_show_analysis(n: int | None, min_n: int = MIN_CELL_SIZE) -> Disclosure:
    """Whether an analysis based on ``n`` people may be shown in an aggregate report."""
    count = _count(n)
    if count is None:
        return Disclosure(False, 0, min_n, "The number of people is unknown, so it is not shown.")
    if count < min_n:
        return Disclosure(
            False,
            count,
            min_n,
            f"Based on fewer than {min_n} people, so it is not shown to protect their privacy.",
        )
    return Disclosure(True, count, min_n, None)
