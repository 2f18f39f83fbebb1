"""A progress chart as numbers for an inline SVG template: no JavaScript, no inline styles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone

from peerhaven.outcomes.instruments import InstrumentDefinition

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36
#: Beyond this many check-ins the chart draws the line only (the table still lists them all).
MAX_MARKERS = 160


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    line: str
    markers: tuple[Marker, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    cutoff_y: float | None
    cutoff_label: str


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def build_chart(
    defn: InstrumentDefinition, points: Sequence[tuple[dt.datetime, float]]
) -> Chart | None:
    """Scale scores (y: the instrument's whole range) against dates (x) into the plot area."""
    if not points:
        return None
    lo, hi = defn.total.minimum, defn.total.maximum
    span_y = (hi - lo) or 1.0
    right_edge = WIDTH - RIGHT
    bottom_edge = HEIGHT - BOTTOM
    first, last = points[0][0], points[-1][0]
    span_x = (last - first).total_seconds() or 1.0

    def x_of(at: dt.datetime) -> float:
        if len(points) == 1:
            return (LEFT + right_edge) / 2
        return round(LEFT + (at - first).total_seconds() / span_x * (right_edge - LEFT), 1)

    def y_of(value: float) -> float:
        return round(bottom_edge - (value - lo) / span_y * (bottom_edge - TOP), 1)

    coords = [(x_of(at), y_of(total), at, total) for at, total in points]
    line = " ".join(f"{x},{y}" for x, y, _at, _t in coords)
    markers: tuple[Marker, ...] = ()
    if len(coords) <= MAX_MARKERS:
        markers = tuple(
            Marker(x, y, f"{formats.date_format(timezone.localtime(at), 'j M Y')}: {_fmt(t)}")
            for x, y, at, t in coords
        )
    steps = 4
    y_ticks = tuple(
        Tick(y_of(lo + span_y * i / steps), _fmt(round(lo + span_y * i / steps, 1)))
        for i in range(steps + 1)
    )
    chosen = {0, len(coords) - 1}
    if len(coords) > 4:
        chosen.add(len(coords) // 2)
    x_ticks = tuple(
        Tick(coords[i][0], formats.date_format(timezone.localtime(coords[i][2]), "M Y"))
        for i in sorted(chosen)
    )
    cutoff = defn.clinical_cutoff
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right_edge,
        top=TOP,
        bottom=bottom_edge,
        line=line,
        markers=markers,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        cutoff_y=None if cutoff is None else y_of(cutoff.value),
        cutoff_label="" if cutoff is None else _fmt(cutoff.value),
    )
