"""`peerhaven screen`: screen JSON lines from stdin, or run the evaluation with --evaluate."""

from __future__ import annotations

import getpass
import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Read JSON lines with a `text` field on stdin; write one JSON line per input with its "
        "`level` and `evidence` (streaming). With --evaluate PATH, run the screener's evaluation; "
        "with --export-labels PATH, write moderators' judgements for retraining."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evaluate", metavar="PATH", help="evaluate on a labelled JSONL file")
        parser.add_argument(
            "--half", choices=["all", "tune", "check"], default="all", help="with --evaluate"
        )
        parser.add_argument(
            "--cross-validate",
            action="store_true",
            help="with --evaluate: retrain the learned stage per fold and report unseen users",
        )
        parser.add_argument(
            "--labels",
            metavar="PATH",
            help="with --evaluate: add moderator-labelled community posts (from --export-labels)",
        )
        parser.add_argument(
            "--export-labels",
            metavar="PATH",
            help=(
                "write moderators' judgements of screened text as JSON lines (text, label, "
                "pseudonymous author), only for members who agreed to help improve the screener"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("evaluate"):
            from peerhaven.safety.screening import evaluate

            argv = [options["evaluate"]]
            if options.get("half") and options["half"] != "all":
                argv += ["--half", options["half"]]
            if options.get("cross_validate"):
                argv.append("--cross-validate")
            if options.get("labels"):
                argv += ["--labels", options["labels"]]
            evaluate.main(argv)
            return
        if options.get("export_labels"):
            from peerhaven.safety import feedback

            path = options["export_labels"]
            # Members' words about suicide: readable by the exporting account only.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.chmod(path, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                count = feedback.export_labels(
                    handle, detail={"path": os.path.abspath(path), "os_user": getpass.getuser()}
                )
            self.stderr.write(f"wrote {count} labelled examples to {options['export_labels']}")
            return
        try:
            self.screen_stream(sys.stdin, self.stdout)
        except BrokenPipeError:
            # The reader went away (`peerhaven screen < export | head`): stop quietly, and keep
            # Python from complaining again when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())

    def screen_stream(self, source: Any, out: Any) -> int:
        from peerhaven.safety.screening import screen_text

        count = 0
        for number, raw in enumerate(source, start=1):
            line = raw.strip()
            if not line:
                continue
            count += 1
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError("expected an object with a string `text` field")
            except (ValueError, json.JSONDecodeError) as exc:
                result: dict[str, Any] = {"line": number, "error": str(exc)}
            else:
                try:
                    data = screen_text(item["text"]).as_dict()
                except Exception as exc:  # fail safe: never stop a whole export
                    result = {
                        "line": number,
                        "level": "concern",
                        "needs_review": True,
                        "error": type(exc).__name__,
                    }
                else:
                    result = {
                        "line": number,
                        "level": data["level"],
                        "evidence": data["evidence"],
                        "method": data["method"],
                    }
                if "id" in item:
                    result["id"] = item["id"]
            out.write(json.dumps(result, ensure_ascii=False))
            out.flush()
        return count
