"""Batch CSV scoring, the command-line entry point and the instruments table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from peerhaven.outcomes.instruments.batch import (
    list_instruments_table,
    main,
    result_columns,
    score_csv,
)

PHQ9_HEADER = ["respondent", *[f"phq9_{i}" for i in range(1, 11)], "site"]


def phq9_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PHQ9_HEADER)
    writer.writerows(rows)
    return out.getvalue()


GOOD = ["r1", "1", "1", "1", "1", "1", "1", "1", "1", "0", "2", "north"]
OUT_OF_RANGE = ["r2", "1", "7", "1", "1", "1", "1", "1", "1", "0", "", "south"]
MISSING = ["r3", "3", "3", "", "3", "3", "3", "3", "3", "1", "", "east"]
NOT_A_NUMBER = ["r4", "1", "two", "1", "1", "1", "1", "1", "1", "0", "", "west"]
SEVERE = ["r5", "3", "3", "3", "3", "3", "3", "3", "3", "2", "3", "north"]


def run(defns, text: str) -> tuple[list[dict[str, str]], object]:
    out = io.StringIO()
    summary = score_csv(defns["phq9"], io.StringIO(text), out)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), summary


def test_valid_rows_are_scored_and_invalid_rows_get_an_error(defns):
    rows, summary = run(defns, phq9_csv([GOOD, OUT_OF_RANGE, MISSING, NOT_A_NUMBER, SEVERE]))
    by_id = {row["respondent"]: row for row in rows}
    assert by_id["r1"]["total"] == "8"
    assert by_id["r1"]["band"] == "mild"
    assert by_id["r1"]["error"] == ""
    assert by_id["r2"]["error"] == "phq9_2: 7 is not one of 0, 1, 2, 3"
    assert by_id["r2"]["total"] == ""
    assert by_id["r3"]["error"] == "no total: missing answers for phq9_3"
    assert by_id["r3"]["missing"] == "phq9_3"
    assert by_id["r3"]["flags"] == "item9_positive"  # a skipped item never hides item 9
    assert by_id["r4"]["error"] == "phq9_2: 'two' is not a whole number"
    assert by_id["r5"]["total"] == "26"
    assert by_id["r5"]["band"] == "severe"
    assert by_id["r5"]["flags"] == "item9_positive;caseness"
    assert (summary.rows, summary.scored, summary.errors) == (5, 2, 3)
    assert summary.flag_counts["item9_positive"] == 2


def test_pass_through_columns_are_kept_in_order(defns):
    rows, _ = run(defns, phq9_csv([GOOD, SEVERE]))
    assert list(rows[0]) == PHQ9_HEADER + result_columns(defns["phq9"])
    assert [(row["respondent"], row["site"]) for row in rows] == [("r1", "north"), ("r5", "north")]
    assert rows[0]["phq9_10"] == "2"


def test_every_error_in_a_row_is_reported(defns):
    bad = ["r6", "9", "1", "1", "1", "1", "1", "1", "1", "-1", "", "x"]
    rows, _ = run(defns, phq9_csv([bad]))
    assert (
        rows[0]["error"]
        == "phq9_1: 9 is not one of 0, 1, 2, 3; phq9_9: -1 is not one of 0, 1, 2, 3"
    )


def test_a_row_with_an_error_still_reports_its_safety_flag(defns):
    bad = ["r7", "1", "7", "1", "1", "1", "1", "1", "1", "3", "", "x"]
    rows, summary = run(defns, phq9_csv([bad]))
    assert rows[0]["error"] == "phq9_2: 7 is not one of 0, 1, 2, 3"
    assert rows[0]["total"] == ""
    assert rows[0]["flags"] == "item9_positive"
    assert summary.flag_counts["item9_positive"] == 1


@pytest.mark.parametrize("cell", ["2.0", "2.5", "1.0", "7"])
def test_a_malformed_positive_item_9_still_gets_its_safety_flag_and_nothing_else(defns, cell):
    # pandas writes a 2 as "2.0" in a column with blanks; "2.5" and "7" are above 0 too.
    row = ["r8", "3", "3", "3", "3", "3", "3", "3", "3", cell, "", "x"]
    rows, summary = run(defns, phq9_csv([row]))
    assert "phq9_9" in rows[0]["error"]
    assert rows[0]["total"] == ""
    # Only the safety flag: the refused cell never adds to a score (no caseness from it).
    assert rows[0]["flags"] == "item9_positive"
    assert summary.flag_counts["item9_positive"] == 1


@pytest.mark.parametrize("cell", ["0.0", "-1", "often", "²"])
def test_a_malformed_item_9_that_is_not_positive_adds_no_flag(defns, cell):
    row = ["r9", "0", "0", "0", "0", "0", "0", "0", "0", cell, "", "x"]
    rows, _summary = run(defns, phq9_csv([row]))
    assert "phq9_9" in rows[0]["error"]
    assert rows[0]["flags"] == ""


def test_question_10_is_validated_but_not_required(defns):
    bad_q10 = [*GOOD[:10], "5", "north"]
    rows, _ = run(defns, phq9_csv([bad_q10]))
    assert rows[0]["error"] == "phq9_10: 5 is not one of 0, 1, 2, 3"


def test_subscale_columns_are_written_for_mspss(defns):
    header = ["id", *defns["mspss"].item_ids]
    text = "\n".join([",".join(header), ",".join(["a", *["7"] * 4, *["1"] * 8])]) + "\n"
    out = io.StringIO()
    score_csv(defns["mspss"], io.StringIO(text), out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    # items 1-4 are 7: SO gets 1, 2 (7) and 5, 10 (1); family gets 3, 4 (7) and 8, 11 (1)
    assert row["subscale_significant_other"] == "4"
    assert row["subscale_family"] == "4"
    assert row["subscale_friends"] == "1"
    assert row["total"] == "3"  # (4 * 7 + 8 * 1) / 12


def test_a_scored_file_can_be_scored_again(defns):
    first = io.StringIO()
    score_csv(defns["phq9"], io.StringIO(phq9_csv([GOOD])), first)
    second = io.StringIO()
    score_csv(defns["phq9"], io.StringIO(first.getvalue()), second)
    assert second.getvalue() == first.getvalue()


def test_a_file_without_any_item_column_is_refused(defns):
    with pytest.raises(ValueError, match="none of the phq9 item columns"):
        score_csv(defns["phq9"], io.StringIO("a,b\n1,2\n"), io.StringIO())


def test_an_empty_file_is_refused(defns):
    with pytest.raises(ValueError, match="empty"):
        score_csv(defns["phq9"], io.StringIO(""), io.StringIO())


def test_a_missing_item_column_is_reported_in_the_summary(defns):
    text = "phq2_1\n1\n"
    summary = score_csv(defns["phq2"], io.StringIO(text), io.StringIO())
    assert summary.missing_columns == ("phq2_2",)
    assert summary.errors == 1


def test_rows_are_written_while_the_input_is_still_being_read(defns):
    out = io.StringIO()
    rows_seen_when_reading: list[int] = []

    def lines() -> Iterator[str]:
        yield ",".join(PHQ9_HEADER) + "\n"
        for n in range(5):
            rows_seen_when_reading.append(out.getvalue().count("\n") - 1)
            yield ",".join([f"r{n}", *GOOD[1:]]) + "\n"

    score_csv(defns["phq9"], lines(), out)  # type: ignore[arg-type]
    # Before row n is read, rows 0..n-1 are already written: nothing is held back.
    assert rows_seen_when_reading == [0, 1, 2, 3, 4]


# --- command line -----------------------------------------------------------------------------


def test_main_scores_a_file_and_returns_1_when_rows_have_errors(tmp_path):
    infile = tmp_path / "in.csv"
    outfile = tmp_path / "out.csv"
    infile.write_text("\ufeff" + phq9_csv([GOOD, OUT_OF_RANGE]), encoding="utf-8")
    err = io.StringIO()
    code = main(["--instrument", "phq9", str(infile), "-o", str(outfile)], stderr=err)
    assert code == 1
    assert "phq9: 2 rows, 1 scored, 1 with errors" in err.getvalue()
    rows = list(csv.DictReader(outfile.open(newline="", encoding="utf-8")))
    assert rows[0]["respondent"] == "r1"  # the byte-order mark did not stick to the header
    assert rows[0]["total"] == "8"


def test_main_reads_stdin_and_writes_stdout_and_returns_0_when_all_rows_score():
    out, err = io.StringIO(), io.StringIO()
    code = main(["-i", "phq9"], stdin=io.StringIO(phq9_csv([GOOD])), stdout=out, stderr=err)
    assert code == 0
    assert "r1" in out.getvalue()


def test_main_refuses_an_unknown_instrument():
    err = io.StringIO()
    assert main(["-i", "phq10"], stdin=io.StringIO(""), stderr=err) == 2
    assert "unknown instrument 'phq10'" in err.getvalue()


def test_main_reports_a_broken_definition_directory(tmp_path, write_definition):
    write_definition("phq9", lambda raw: raw["items"][3].update(options="freq"))
    err = io.StringIO()
    assert main(["--definitions", str(tmp_path), "--list"], stderr=err) == 2
    assert "phq9.json: items[3].options: unknown option set 'freq'" in err.getvalue()


def test_main_lists_instruments():
    out = io.StringIO()
    assert main(["--list"], stdout=out) == 0
    assert "phq9_10" in out.getvalue()


def test_instruments_table_lists_every_instrument_with_its_item_ids(defns):
    table = list_instruments_table(defns)
    for defn in defns.values():
        line = next(line for line in table.splitlines() if line.startswith(defn.id + " "))
        assert defn.version in line
        assert " ".join(defn.item_ids) in table
    assert "reverse-keyed: rses_no_good rses_not_proud rses_useless" in table
    assert "not scored: phq9_10" in table
    assert "significant_other (mean of mspss_1 mspss_2 mspss_5 mspss_10)" in table
