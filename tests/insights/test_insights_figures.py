"""Figures come as PNG and SVG with the table of numbers behind them; small cells are hidden."""

import numpy as np
import pandas as pd
import pytest

from peerhaven.insights.stats import mean_change, pool_random_effects
from peerhaven.insights.stats.figures import forest_plot, retention_curve, trajectory_plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def long():
    rng = np.random.default_rng(4)
    rows = []
    for m in range(60):
        last = 3 if m < 50 else 1  # ten people stop after wave 1
        for w in range(last + 1):
            rows.append({"member_id": m, "wave": w, "arm": m % 2, "phq9": 15 - w + rng.normal()})
    return pd.DataFrame(rows)


def test_forest_plot_returns_images_and_the_numbers_drawn():
    pooled = pool_random_effects([-0.5, -0.2, -0.7], [0.04, 0.05, 0.03], labels=["N", "S", "E"])
    fig = forest_plot(pooled)
    assert fig.png.startswith(PNG_MAGIC)
    assert "<svg" in fig.svg
    assert [r["label"] for r in fig.table] == ["N", "S", "E", "Pooled (DL)"]
    assert fig.table[-1]["effect"] == pytest.approx(pooled.estimate)
    assert fig.table[0]["weight_random"] == pytest.approx(pooled.sites[0].weight_random)
    assert "Pooled estimate" in fig.alt_text


def test_forest_plot_hides_sites_with_fewer_than_ten_people():
    pooled = pool_random_effects([-0.5, -0.2, -0.7], [0.04, 0.05, 0.03], labels=["N", "S", "E"])
    fig = forest_plot(pooled, site_n={"N": 40, "S": 6, "E": 30})
    south = fig.table[1]
    assert south["label"] == "S" and south["effect"] is None and south["n"] is None
    assert "fewer than 10" in (fig.note or "")


def test_trajectory_table_matches_the_mean_change_interval(long):
    fig = trajectory_plot(long)
    wave0 = fig.table[0]
    y = long.loc[long.wave == 0, "phq9"].to_numpy()
    ref = mean_change(np.zeros_like(y), y)
    assert wave0["n"] == 60
    assert wave0["mean"] == pytest.approx(y.mean())
    assert (wave0["ci_low"], wave0["ci_high"]) == pytest.approx((ref.ci_low, ref.ci_high))
    assert fig.png.startswith(PNG_MAGIC) and "<svg" in fig.svg


def test_trajectory_hides_waves_with_few_people_per_group(long):
    # members 40-59: 10 per arm at waves 0-1, but members 50-59 stop, leaving 5 per arm after
    fig = trajectory_plot(long.query("member_id >= 40"), group="arm")
    shown = {(r["group"], r["wave"]): r["mean"] is not None for r in fig.table}
    assert shown[("0", 0)] and shown[("1", 1)]
    assert not shown[("0", 2)] and not shown[("1", 3)]
    hidden = next(r for r in fig.table if r["wave"] == 3)
    assert hidden["n"] is None and hidden["ci_low"] is None
    assert "hidden" in (fig.note or "")
    tiny = trajectory_plot(long.query("member_id < 8"))
    assert all(r["mean"] is None for r in tiny.table)
    assert tiny.note


def test_individual_lines_are_off_by_default_and_announced_when_on(long):
    assert "individual" not in (trajectory_plot(long).note or "")
    assert "individual" in (trajectory_plot(long, individual_lines=5).note or "")


def test_retention_counts_people_who_return_after_a_missed_wave(long):
    gap = long.query("not (member_id == 0 and wave == 2)")
    fig = retention_curve(gap)
    wave2 = next(r for r in fig.table if r["wave"] == 2)
    assert wave2["n_enrolled"] == 60
    assert wave2["n_observed"] == 49
    assert wave2["n_retained"] == 50  # member 0 came back at wave 3
    assert wave2["share_retained"] == pytest.approx(50 / 60)
    assert fig.png.startswith(PNG_MAGIC)


def test_empty_data_gives_a_message_figure_not_an_error():
    empty = pd.DataFrame({"member_id": [], "wave": [], "phq9": []})
    fig = trajectory_plot(empty)
    assert fig.table == [] and fig.note and fig.png.startswith(PNG_MAGIC)
    assert retention_curve(empty).note
