"""Figures for evaluation reports: forest plot, trajectories, retention curve.

Each function returns PNG bytes, an SVG string and the table of numbers drawn (a list of dict rows),
because every figure must come with its numbers in a table for screen-reader users and for anyone
who wants to check it. Cells describing fewer than ``min_n`` people are hidden in both.
Uses the object-oriented Agg API (no pyplot state), so it is safe in a web worker.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._common import join_notes
from .effects import mean_change
from .meta import PooledEffect
from .privacy import MIN_CELL_SIZE, suppress

_COLOURS = ("#1b6ca8", "#d1495b", "#2e8b57", "#8e6c8a", "#e69f00")


@dataclass(frozen=True)
class FigureOutput:
    png: bytes
    svg: str
    table: list[dict[str, Any]]
    #: people behind the figure
    n: int
    alt_text: str
    note: str | None


def _render(fig: Figure) -> tuple[bytes, str]:
    FigureCanvasAgg(fig)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
    svg = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "peerhaven", "svg.fonttype": "path"}):
        fig.savefig(svg, format="svg", metadata={"Date": None})
    return png.getvalue(), svg.getvalue()


def _message_figure(message: str) -> tuple[bytes, str]:
    fig = Figure(figsize=(6, 2))
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    return _render(fig)


def forest_plot(
    pooled: PooledEffect,
    *,
    site_n: Mapping[str, int] | None = None,
    min_n: int = MIN_CELL_SIZE,
    xlabel: str = "Effect (95% CI)",
    title: str = "Effect by site",
    null_value: float = 0.0,
) -> FigureOutput:
    """Sites as squares sized by random-effects weight, the pooled estimate as a diamond.

    When ``site_n`` is given, a site with fewer than ``min_n`` people is hidden (its row stays,
    labelled, with no numbers); it still counts in the pooled estimate.
    """
    rows: list[dict[str, Any]] = [
        {
            "label": s.label,
            "n": (site_n or {}).get(s.label),
            "effect": s.effect,
            "ci_low": s.ci_low,
            "ci_high": s.ci_high,
            "weight_random": s.weight_random,
        }
        for s in pooled.sites
    ]
    notes: list[str | None] = []
    if site_n is not None:
        sup = suppress(rows, "n", min_n, keep=("label",))
        rows, notes = sup.rows, [sup.note]
    total_n = sum(site_n.values()) if site_n else pooled.n
    if pooled.estimate is None or not rows:
        png, svg = _message_figure("No site effects to show.")
        return FigureOutput(png, svg, rows, total_n, "No site effects to show.", pooled.note)
    rows.append(
        {
            "label": f"Pooled ({pooled.method.upper()})",
            "n": total_n if site_n else None,
            "effect": pooled.estimate,
            "ci_low": pooled.ci_low,
            "ci_high": pooled.ci_high,
            "weight_random": 1.0,
        }
    )
    k = len(rows)
    fig = Figure(figsize=(7, 1.2 + 0.45 * k))
    ax = fig.add_subplot()
    ypos = np.arange(k)[::-1].astype(float)
    for row, y in zip(rows[:-1], ypos[:-1], strict=True):
        if row["effect"] is None:
            ax.text(null_value, y, f"hidden (n < {min_n})", va="center", ha="center", fontsize=8)
            continue
        ax.plot([row["ci_low"], row["ci_high"]], [y, y], color="#333333", lw=1)
        size = 40 + 400 * float(row["weight_random"])
        ax.scatter([row["effect"]], [y], marker="s", s=size, color=_COLOURS[0], zorder=3)
    est, lo, hi = pooled.estimate, pooled.ci_low, pooled.ci_high
    assert lo is not None and hi is not None
    y0 = ypos[-1]
    ax.fill([lo, est, hi, est], [y0, y0 + 0.3, y0, y0 - 0.3], color=_COLOURS[1], zorder=3)
    ax.axvline(null_value, color="#777777", lw=0.8, ls="--")
    # Site names are typed by admins: a "$" would start matplotlib mathtext (and a malformed
    # formula would fail the whole report), so it is escaped to be drawn as itself.
    ax.set_yticks(ypos, [str(r["label"]).replace("$", r"\$") for r in rows])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    png, svg = _render(fig)
    alt = (
        f"Forest plot of {pooled.n} sites. Pooled estimate {est:.2f} "
        f"(95% CI {lo:.2f} to {hi:.2f})"
        + (f", I\u00b2 {100 * pooled.i2:.0f}%." if pooled.i2 is not None else ".")
    )
    return FigureOutput(png, svg, rows, total_n, alt, join_notes([*notes, pooled.note]))


def _wave_ticks(ax: Any, rows: list[dict[str, Any]]) -> None:
    """Ticks at the waves themselves: waves are whole numbers, never "wave 0.25"."""
    ax.set_xticks(sorted({r["wave"] for r in rows}))


def _in_words(label: str | None, text: str) -> str:
    return f"{label}: {text}" if label is not None else text


def _groups(df: pd.DataFrame, group: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    if group is None:
        return [(None, df)]
    return [(str(g), sub) for g, sub in df.groupby(group, sort=True)]


def trajectory_plot(
    long: pd.DataFrame,
    *,
    outcome: str = "phq9",
    wave: str = "wave",
    member: str = "member_id",
    group: str | None = None,
    confidence: float = 0.95,
    min_n: int = MIN_CELL_SIZE,
    individual_lines: int = 0,
    seed: int = 0,
    ylabel: str | None = None,
    outcome_label: str | None = None,
) -> FigureOutput:
    """Mean outcome by wave (t interval), optionally per group, optionally with individual lines.

    ``outcome_label`` names the outcome for readers (the axis and the alt text), e.g. "PHQ-9"
    for the column ``phq9``; without it the column's name is used.

    Individual lines (``individual_lines`` > 0, a seeded random sample of members) show real
    people's trajectories: use them only where the viewer is allowed to see individual data.
    """
    data = long.dropna(subset=[outcome, wave])
    rows: list[dict[str, Any]] = []
    for label, sub in _groups(data, group):
        for w, cell in sub.groupby(wave, sort=True):
            y = cell[outcome].to_numpy(dtype=float)
            # the mean "change" from 0 is the mean, so mean_change gives the t interval directly
            mc = mean_change(np.zeros_like(y), y, confidence=confidence)
            rows.append(
                {
                    "group": label,
                    "wave": int(w) if float(w).is_integer() else float(w),
                    "n": int(y.size),
                    "mean": mc.mean_change if y.size else None,
                    "ci_low": mc.ci_low,
                    "ci_high": mc.ci_high,
                }
            )
    # With groups, a wave's cells are hidden together: the wave's total is on the page elsewhere.
    together = ("wave",) if group is not None else ()
    sup = suppress(rows, "n", min_n, keep=("group", "wave"), together=together)
    rows = sup.rows
    n_people = int(data[member].nunique()) if not data.empty else 0
    if not any(r["mean"] is not None for r in rows):
        msg = "No wave has enough people to show."
        png, svg = _message_figure(msg)
        return FigureOutput(png, svg, rows, n_people, msg, join_notes([msg, sup.note]))
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    notes: list[str | None] = [sup.note]
    if individual_lines > 0:
        rng = np.random.default_rng(seed)
        ids = data[member].unique()
        pick = rng.choice(ids, size=min(individual_lines, ids.size), replace=False)
        for _, person in data.loc[data[member].isin(pick)].groupby(member):
            person = person.sort_values(wave)
            ax.plot(person[wave], person[outcome], color="#bbbbbb", lw=0.6, alpha=0.6)
        notes.append(f"Grey lines are {pick.size} individual members, chosen at random.")
    labels = [g for g, _ in _groups(data, group)]
    for i, label in enumerate(labels):
        pts = [r for r in rows if r["group"] == label and r["mean"] is not None]
        xs = [r["wave"] for r in pts]
        colour = _COLOURS[i % len(_COLOURS)]
        ax.plot(xs, [r["mean"] for r in pts], marker="o", color=colour, label=label or "All")
        with_ci = [r for r in pts if r["ci_low"] is not None]
        ax.fill_between(
            [r["wave"] for r in with_ci],
            [r["ci_low"] for r in with_ci],
            [r["ci_high"] for r in with_ci],
            color=colour,
            alpha=0.2,
        )
    name = outcome_label or outcome
    ax.set_xlabel("Wave")
    _wave_ticks(ax, rows)
    ax.set_ylabel(ylabel or f"Mean {name} ({round(100 * confidence)}% CI)")
    if group is not None:
        ax.legend(title=group)
    fig.tight_layout()
    png, svg = _render(fig)
    # Each group's own first and last shown wave: one group's start beside another's end
    # would describe a trajectory nobody had.
    described = []
    for label in labels:
        shown = [r for r in rows if r["group"] == label and r["mean"] is not None]
        if not shown:
            described.append(_in_words(label, "hidden (too few people)"))
            continue
        first, last = shown[0], shown[-1]
        text = f"{first['mean']:.1f} at wave {first['wave']}"
        if last is not first:
            text += f", {last['mean']:.1f} at wave {last['wave']}"
        described.append(_in_words(label, text))
    alt = (
        f"Mean {name} by wave for {n_people} members"
        + (f" in {len(labels)} groups. " if group is not None else ": ")
        + "; ".join(described)
        + "."
    )
    return FigureOutput(png, svg, rows, n_people, alt, join_notes(notes))


def retention_curve(
    long: pd.DataFrame,
    *,
    wave: str = "wave",
    member: str = "member_id",
    group: str | None = None,
    min_n: int = MIN_CELL_SIZE,
    enrolled: Mapping[Any, int] | None = None,
) -> FigureOutput:
    """Share of enrolled members still taking part at each wave.

    ``share_retained`` counts a member as retained at wave t if they answered at t or any later
    wave (a missed check-in is not dropping out); ``share_observed`` is who answered at t itself.
    ``enrolled`` gives the number enrolled per group (key None without groups), including people
    who have not answered at all; without it, enrolment = appearing at any wave, which leaves
    out everyone who never answered and so overstates retention.
    """
    data = long.dropna(subset=[wave])
    rows: list[dict[str, Any]] = []
    all_waves = sorted(data[wave].unique().tolist()) if not data.empty else []
    for label, sub in _groups(data, group):
        enrolled_n = int(sub[member].nunique())
        if enrolled is not None:
            enrolled_n = max(enrolled_n, int(enrolled.get(label, 0)))
        last_seen = sub.groupby(member)[wave].max()
        seen_at = sub.groupby(wave)[member].nunique()
        for w in all_waves:
            observed = int(seen_at.get(w, 0))
            retained = int((last_seen >= w).sum())
            rows.append(
                {
                    "group": label,
                    "wave": int(w) if float(w).is_integer() else float(w),
                    "n_enrolled": enrolled_n,
                    "n_observed": observed,
                    "share_observed": observed / enrolled_n if enrolled_n else None,
                    "n_retained": retained,
                    "share_retained": retained / enrolled_n if enrolled_n else None,
                }
            )
    # A cell is hidden when either count in it is small: both are disclosures.
    for r in rows:
        r["_min_count"] = min(r["n_observed"], r["n_retained"])
    together = ("wave",) if group is not None else ()
    sup = suppress(rows, "_min_count", min_n, keep=("group", "wave"), together=together)
    rows = [{k: v for k, v in r.items() if k != "_min_count"} for r in sup.rows]
    n_people = int(data[member].nunique()) if not data.empty else 0
    if enrolled is not None:
        n_people = max(n_people, sum(int(v) for v in enrolled.values()))
    if not any(r["share_retained"] is not None for r in rows):
        msg = "No wave has enough people to show."
        png, svg = _message_figure(msg)
        return FigureOutput(png, svg, rows, n_people, msg, join_notes([msg, sup.note]))
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    labels = [g for g, _ in _groups(data, group)]
    for i, label in enumerate(labels):
        pts = [r for r in rows if r["group"] == label and r["share_retained"] is not None]
        colour = _COLOURS[i % len(_COLOURS)]
        name = label or "All"
        xs = [r["wave"] for r in pts]
        ax.step(
            xs,
            [100 * r["share_retained"] for r in pts],
            where="post",
            color=colour,
            label=f"{name}: retained",
        )
        ax.plot(
            xs,
            [100 * r["share_observed"] for r in pts],
            ls=":",
            marker=".",
            color=colour,
            label=f"{name}: answered that wave",
        )
    ax.set_ylim(0, 105)
    ax.set_xlabel("Wave")
    _wave_ticks(ax, rows)
    ax.set_ylabel("% of enrolled members")
    ax.legend(fontsize=8)
    fig.tight_layout()
    png, svg = _render(fig)
    described = []
    for label in labels:
        shown = [r for r in rows if r["group"] == label and r["share_retained"] is not None]
        if shown:
            last = shown[-1]
            described.append(
                _in_words(
                    label,
                    f"at wave {last['wave']}, {100 * last['share_retained']:.0f}% were still "
                    "taking part",
                )
            )
        else:
            described.append(_in_words(label, "hidden (too few people)"))
    alt = f"Retention of {n_people} members by wave; " + "; ".join(described) + "."
    return FigureOutput(png, svg, rows, n_people, alt, sup.note)
