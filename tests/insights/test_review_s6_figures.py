"""Review session 6: figures drawn from admin-typed labels."""

from peerhaven.insights.stats import pool_random_effects
from peerhaven.insights.stats.figures import forest_plot


def test_a_site_name_with_dollar_signs_does_not_break_the_forest_plot():
    pooled = pool_random_effects(
        [0.1, 0.5, 0.3], [0.04, 0.05, 0.03], labels=["North $x^$", "South $5", "East"]
    )
    out = forest_plot(pooled)
    assert out.png.startswith(b"\x89PNG")
    assert [row["label"] for row in out.table][:2] == ["North $x^$", "South $5"]
