"""Small-cell suppression: no cell of fewer than 10 people is shown."""

from peerhaven.insights.stats import may_show_analysis, suppress


def test_suppress_hides_every_value_in_small_cells_but_keeps_labels():
    rows = [
        {"site": "North", "n": 25, "mean": 11.2},
        {"site": "South", "n": 7, "mean": 14.9},
        {"site": "East", "n": 10, "mean": 12.0},
    ]
    out = suppress(rows, "n", keep=("site",))
    assert out.rows[0] == rows[0]
    assert out.rows[1] == {"site": "South", "n": None, "mean": None}
    assert out.rows[2]["mean"] == 12.0  # exactly 10 is shown
    assert out.n_suppressed == 1
    assert "fewer than 10" in (out.note or "")
    assert rows[1]["mean"] == 14.9  # the input is not modified


def test_missing_or_unreadable_counts_fail_closed():
    out = suppress([{"n": None, "x": 1}, {"x": 2}, {"n": "lots", "x": 3}], "n")
    assert all(r["x"] is None for r in out.rows)
    assert out.n_suppressed == 3


def test_no_note_when_nothing_is_hidden():
    out = suppress([{"n": 40, "x": 1}], "n")
    assert out.note is None and out.n_suppressed == 0


def test_custom_threshold():
    assert suppress([{"n": 12}], "n", min_n=20).rows == [{"n": None}]


def test_analysis_of_fewer_than_ten_people_may_not_be_shown():
    assert may_show_analysis(9).allowed is False
    assert may_show_analysis(9).note
    assert may_show_analysis(10).allowed is True
    assert may_show_analysis(None).allowed is False
