"""``peerhaven score --instrument ID [FILE]``: score a CSV of responses (e.g. a REDCap export).

Reads FILE, or standard input when no file is given, and writes the CSV with total, subscale,
band, flags, missing and error columns added to standard output (or ``--output``). A row with
an invalid or missing answer gets a message in its ``error`` column and the other rows are
still scored. Exit status: 0 when the file was scored, even if some rows have errors (the
summary on standard error counts them); 2 for usage errors (no or unknown instrument, an
unreadable file, a CSV without item columns) and definition-file errors. This wraps
``peerhaven.outcomes.instruments.batch.main``, which itself returns 1 for row errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerhaven.outcomes.instruments import batch


class Command(BaseCommand):
    help = "Score a CSV of questionnaire responses: one row per response, one column per item id."
    # call_command("score", ..., stdin=StringIO(...)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instrument", "-i", required=True, help="instrument id, e.g. phq9")
        parser.add_argument("--output", "-o", type=Path, help="output CSV (default: stdout)")
        parser.add_argument(
            "--definitions", type=Path, help="directory of definition files (default: shipped)"
        )
        parser.add_argument("file", nargs="?", type=Path, help="input CSV (default: stdin)")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--instrument", options["instrument"]]
        if options.get("output"):
            argv += ["--output", str(options["output"])]
        if options.get("definitions"):
            argv += ["--definitions", str(options["definitions"])]
        if options.get("file"):
            argv.append(str(options["file"]))
        # The raw streams, not Django's OutputWrapper, which would add line endings to CSV rows.
        stdout = getattr(self.stdout, "_out", sys.stdout)
        stderr = getattr(self.stderr, "_out", sys.stderr)
        code = batch.main(
            argv, stdin=options.get("stdin") or sys.stdin, stdout=stdout, stderr=stderr
        )
        if code == batch.EXIT_USAGE:
            raise CommandError("the CSV was not scored (see the message above)", returncode=2)
