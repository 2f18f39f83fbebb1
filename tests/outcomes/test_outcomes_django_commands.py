"""``peerhaven instruments`` and ``peerhaven score``: batch scoring for researchers."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CSV = (
    "participant,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n"
    "p1,1,1,1,1,1,1,1,1,0\n"
    "p2,3,3,3,3,3,3,3,3,2\n"
    "p3,1,1,9,1,1,1,1,1,0\n"
    "p4,0,0,0,0,0,0,0,0,\n"
)


def run_score(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    kwargs = {} if stdin is None else {"stdin": io.StringIO(stdin)}
    call_command("score", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_instruments_lists_every_instrument_with_its_item_ids() -> None:
    out = io.StringIO()
    call_command("instruments", stdout=out)
    text = out.getvalue()
    assert text.startswith("ID")
    assert "phq9" in text
    assert "items: phq9_1 phq9_2" in text
    assert "ucla3_companionship" in text


def test_score_reads_standard_input_and_scores_the_good_rows_around_a_bad_one() -> None:
    out, err = run_score("--instrument", "phq9", stdin=CSV)
    rows = list(csv.DictReader(io.StringIO(out)))

    assert [r["participant"] for r in rows] == ["p1", "p2", "p3", "p4"]
    assert rows[0]["total"] == "8"
    assert rows[0]["band"] == "mild"
    assert rows[1]["total"] == "26"
    assert "item9_positive" in rows[1]["flags"]
    assert rows[2]["total"] == ""
    assert "phq9_3: 9 is not one of 0, 1, 2, 3" in rows[2]["error"]
    assert rows[3]["total"] == ""
    assert "missing answers for phq9_9" in rows[3]["error"]
    assert "4 rows, 2 scored, 2 with errors" in err


def test_score_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("\ufeff" + CSV, encoding="utf-8")
    out, _err = run_score("--instrument", "phq9", str(path))
    assert out.count("\n") == 5


def test_score_writes_to_an_output_file(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CSV, encoding="utf-8")
    target = tmp_path / "out.csv"
    run_score("--instrument", "phq9", "--output", str(target), str(source))
    assert "total" in target.read_text(encoding="utf-8").splitlines()[0]


def test_an_unknown_instrument_is_a_usage_error() -> None:
    with pytest.raises(CommandError) as exc:
        run_score("--instrument", "nope", stdin=CSV)
    assert exc.value.returncode == 2


def test_a_csv_without_item_columns_is_a_usage_error() -> None:
    with pytest.raises(CommandError):
        run_score("--instrument", "gad7", stdin=CSV)


def test_a_broken_definition_file_is_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "phq9.json").write_text("{not json", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "score",
            "--instrument",
            "phq9",
            "--definitions",
            str(tmp_path),
            stdout=io.StringIO(),
            stderr=err,
            stdin=io.StringIO(CSV),
        )
    assert "phq9.json" in err.getvalue()


@pytest.mark.slow
def test_the_command_line_exits_0_with_row_errors_and_2_for_usage_errors() -> None:
    peerhaven = Path(sys.executable).with_name("peerhaven")
    # The project's own entry point with fixed arguments.
    ok = subprocess.run(  # noqa: S603
        [str(peerhaven), "score", "--instrument", "phq9"],
        input=CSV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "2 with errors" in ok.stderr
    assert ok.stdout.splitlines()[0].endswith("total,band,flags,missing,error")
    bad = subprocess.run(  # noqa: S603
        [str(peerhaven), "score", "--instrument", "nope"],
        input=CSV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "unknown instrument 'nope'" in bad.stderr
