"""A progress chart as numbers for an inline SVG template: no JavaScript, no inline styles."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone

from peerhaven.outcomes.instruments import InstrumentDefinition

WIDTH = 400
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 30
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
    anchor: str = "middle"


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


def nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Round tick values (steps of 1, 2, 5 x 10^k) covering [lo, hi], at most ``most`` of them."""
    span = hi - lo
    if span <= 0:
        return [lo]
    step = 1.0
    for magnitude in (0.1, 1, 10, 100, 1000):
        found = next((m * magnitude for m in (1, 2, 5) if span / (m * magnitude) < most), None)
        if found is not None:
            step = found
            break
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        ticks.append(round(value, 6))
        value += step
    return ticks


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
    y_ticks = tuple(Tick(y_of(v), _fmt(v), "end") for v in nice_ticks(lo, hi))
    chosen = [0] if len(coords) == 1 else [0, len(coords) - 1]
    if len(coords) > 4:
        chosen.insert(1, len(coords) // 2)
    anchors = {0: "start", len(coords) - 1: "end"} if len(coords) > 1 else {0: "middle"}
    x_ticks = tuple(
        Tick(
            coords[i][0],
            formats.date_format(timezone.localtime(coords[i][2]), "M Y"),
            anchors.get(i, "middle"),
        )
        for i in chosen
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
