"""Score a CSV of responses, and describe the installed instruments.

``python -m peerhaven.outcomes.instruments.batch --instrument phq9 responses.csv`` writes the
CSV back with score columns added. The Django management commands (``peerhaven instruments``,
``peerhaven score_csv``) call :func:`main` and :func:`list_instruments_table`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .loader import DefinitionError, InstrumentDefinition, load_all
from .scoring import InvalidAnswer, read_safety_answer, score, validate_answers

__all__ = ["BatchSummary", "list_instruments_table", "main", "result_columns", "score_csv"]

EXIT_OK = 0
EXIT_ROW_ERRORS = 1
EXIT_USAGE = 2


@dataclass
class BatchSummary:
    instrument_id: str
    rows: int = 0
    scored: int = 0
    """Rows that got a total."""
    errors: int = 0
    """Rows whose ``error`` column is filled in."""
    missing_columns: tuple[str, ...] = ()
    """Scored items with no column in the input: every row will lack them."""
    band_counts: Counter[str] = field(default_factory=Counter)
    flag_counts: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        text = (
            f"{self.instrument_id}: {self.rows} rows, {self.scored} scored, "
            f"{self.errors} with errors"
        )
        if self.missing_columns:
            text += f"; no column for {', '.join(self.missing_columns)}"
        return text


def result_columns(defn: InstrumentDefinition) -> list[str]:
    """The columns :func:`score_csv` adds, in order."""
    return [
        "total",
        *(f"subscale_{rule.id}" for rule in defn.subscales),
        "band",
        "flags",
        "missing",
        "error",
    ]


def _cell(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def score_csv(defn: InstrumentDefinition, infile: TextIO, outfile: TextIO) -> BatchSummary:
    """Score every row of ``infile`` and write it, with score columns, to ``outfile``.

    Item columns are named by item id; every other column is passed through unchanged (an
    existing column named like a result column is replaced, so a scored file can be scored
    again). A row with a bad or missing answer gets a message in ``error`` and no total, and
    the other rows are still scored; flags from its valid answers are still written. Rows are
    read and written one at a time, so files of any size work.
    """
    reader = csv.DictReader(infile)
    header = reader.fieldnames
    if header is None:
        raise ValueError("the CSV is empty: it needs a header row naming the item columns")
    added = result_columns(defn)
    passthrough = [name for name in header if name not in added]
    item_columns = [item_id for item_id in defn.item_ids if item_id in header]
    summary = BatchSummary(
        instrument_id=defn.id,
        missing_columns=tuple(i for i in defn.scored_item_ids if i not in header),
    )
    if not item_columns:
        raise ValueError(
            f"the CSV has none of the {defn.id} item columns "
            f"({', '.join(defn.item_ids)}); is it the right instrument?"
        )
    writer = csv.DictWriter(outfile, fieldnames=passthrough + added, extrasaction="ignore")
    writer.writeheader()

    for row in reader:
        summary.rows += 1
        errors: list[str] = []
        if row.get(None):  # DictReader files surplus cells under the key None
            errors.append("row has more cells than the header")
        answers: dict[str, int] = {}
        # Refused cells of safety items, read as meant ("2.0", as pandas writes a 2 in a
        # column with blanks): they only add the safety flag, never a score.
        safety_readings: dict[str, int] = {}
        for item_id in item_columns:
            cell = (row.get(item_id) or "").strip()
            if not cell:
                continue
            reading = read_safety_answer(defn, item_id, cell)
            try:
                value = int(cell)
            except ValueError:
                errors.append(f"{item_id}: '{cell}' is not a whole number")
                if reading is not None:
                    safety_readings[item_id] = reading
                continue
            try:
                validate_answers(defn, {item_id: value})
            except InvalidAnswer as exc:
                allowed = ", ".join(str(v) for v in exc.allowed)
                errors.append(f"{item_id}: {value} is not one of {allowed}")
                if reading is not None:
                    safety_readings[item_id] = reading
                continue
            answers[item_id] = value

        out: dict[str, str] = {name: row.get(name) or "" for name in passthrough}
        out.update(dict.fromkeys(added, ""))
        result = score(defn, answers)
        # Flags are written even for rows with errors: a bad cell elsewhere in the row must
        # not hide a valid positive answer to a safety item such as PHQ-9 item 9, nor must a
        # malformed one ("2.0") in the item itself.
        flags = list(result.flags)
        if safety_readings:
            safety_ids = {f.id for f in defn.flags if f.kind == "safety"}
            read = score(defn, {**answers, **safety_readings}).flags
            flags += [f for f in read if f in safety_ids and f not in flags]
        out["flags"] = ";".join(flags)
        out["missing"] = ";".join(result.missing_items)
        summary.flag_counts.update(flags)
        if not errors:
            out["total"] = _cell(result.total)
            for rule in defn.subscales:
                out[f"subscale_{rule.id}"] = _cell(result.subscales[rule.id])
            out["band"] = "" if result.band is None else result.band.id
            if result.total is None:
                errors.append(f"no total: missing answers for {', '.join(result.missing_items)}")
            else:
                summary.scored += 1
            if result.band is not None:
                summary.band_counts[result.band.id] += 1
        out["error"] = "; ".join(errors)
        if errors:
            summary.errors += 1
        writer.writerow(out)
    return summary


def list_instruments_table(definitions: Mapping[str, InstrumentDefinition] | None = None) -> str:
    """A plain-text table of the instruments and their item ids, for ``peerhaven instruments``."""
    defns = load_all() if definitions is None else definitions
    header = ("ID", "VERSION", "ITEMS", "SCORE", "DEFAULT", "LICENCE", "TITLE")
    rows: list[tuple[str, ...]] = []
    details: list[list[str]] = []
    for defn in sorted(defns.values(), key=lambda d: d.id):
        total = defn.total
        rows.append(
            (
                defn.id,
                defn.version,
                str(len(defn.items)),
                f"{total.rule} {_cell(total.minimum)}-{_cell(total.maximum)}",
                "on" if defn.enabled_by_default else "off",
                defn.licence.status,
                defn.title,
            )
        )
        lines = [f"    items: {' '.join(defn.item_ids)}"]
        unscored = [item.id for item in defn.items if not item.scored]
        reversed_ = [item.id for item in defn.items if item.reverse_keyed]
        if unscored:
            lines.append(f"    not scored: {' '.join(unscored)}")
        if reversed_:
            lines.append(f"    reverse-keyed: {' '.join(reversed_)}")
        if defn.subscales:
            subs = "; ".join(f"{s.id} ({s.rule} of {' '.join(s.item_ids)})" for s in defn.subscales)
            lines.append(f"    subscales: {subs}")
        details.append(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [fmt(header)]
    for row, lines in zip(rows, details, strict=True):
        out.append(fmt(row))
        out.extend(lines)
    return "\n".join(out) + "\n"


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Command-line entry point; returns 0 (all rows scored), 1 (some rows have errors) or 2.

    Streams default to the process's own; the Django command passes its ``self.stdout``.
    """
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    parser = argparse.ArgumentParser(
        prog="python -m peerhaven.outcomes.instruments.batch",
        description="Score a CSV of questionnaire responses (one column per item id).",
    )
    parser.add_argument("--instrument", "-i", help="instrument id, e.g. phq9")
    parser.add_argument("--list", action="store_true", help="list instruments and item ids")
    parser.add_argument("--definitions", type=Path, help="directory of definition files")
    parser.add_argument("--output", "-o", type=Path, help="output CSV (default: stdout)")
    parser.add_argument("file", nargs="?", type=Path, help="input CSV (default: stdin)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits; a caller embedding main() wants a code
        return EXIT_USAGE if exc.code else EXIT_OK

    try:
        defns = load_all(args.definitions)
    except DefinitionError as exc:
        print(f"error: {exc}", file=stderr)
        return EXIT_USAGE
    if args.list:
        stdout.write(list_instruments_table(defns))
        return EXIT_OK
    if not args.instrument:
        print("error: --instrument is required (see --list)", file=stderr)
        return EXIT_USAGE
    if args.instrument not in defns:
        known = ", ".join(sorted(defns))
        print(f"error: unknown instrument '{args.instrument}' (known: {known})", file=stderr)
        return EXIT_USAGE
    defn = defns[args.instrument]

    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark before the header.
        infile = stdin if args.file is None else args.file.open(newline="", encoding="utf-8-sig")
        outfile = (
            stdout if args.output is None else args.output.open("w", newline="", encoding="utf-8")
        )
    except OSError as exc:
        print(f"error: {exc}", file=stderr)
        return EXIT_USAGE
    try:
        summary = score_csv(defn, infile, outfile)
    except ValueError as exc:
        print(f"error: {exc}", file=stderr)
        return EXIT_USAGE
    finally:
        if infile is not stdin:
            infile.close()
        if outfile is not stdout:
            outfile.close()
    print(summary.describe(), file=stderr)
    return EXIT_ROW_ERRORS if summary.errors else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
