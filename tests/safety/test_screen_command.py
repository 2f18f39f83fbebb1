"""`peerhaven screen`: JSON lines in, one JSON line out per input, never a crash."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command


def run(monkeypatch: pytest.MonkeyPatch, text: str) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("screen", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_input_line_gets_a_level_and_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = "\n".join(
        json.dumps(item)
        for item in (
            {"id": "a", "text": "I am going to overdose on my pills tonight"},
            {"id": "b", "text": "this exam is killing me"},
        )
    )
    results = run(monkeypatch, lines)
    assert [r["id"] for r in results] == ["a", "b"]
    assert results[0]["level"] == "imminent" and results[0]["evidence"]
    assert results[1]["level"] == "none"


def test_invalid_lines_get_an_error_line_and_the_stream_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = run(
        monkeypatch, '{not json\n["a list"]\n{"text": 5}\n\n{"text": "I wish I was dead"}\n'
    )
    assert [("error" in r) for r in results] == [True, True, True, False]
    assert results[0]["line"] == 1 and results[3]["line"] == 5
    assert results[3]["level"] == "ideation"


def test_huge_and_odd_texts_get_a_level(monkeypatch: pytest.MonkeyPatch) -> None:
    odd = ["😀" * 500, "k" * 100_000, "\ud800 broken", "ѕuісіdе"]
    results = run(monkeypatch, "\n".join(json.dumps({"text": t}) for t in odd))
    assert all(r["level"] in {"none", "concern", "ideation", "imminent"} for r in results)


def test_evaluate_runs_the_evaluation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "dev.jsonl"
    rows = [
        {"user": "u1", "label": "Supportive", "posts": ["you are not alone, we are here"]},
        {"user": "u2", "label": "Ideation", "posts": ["I wish I was dead"]},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows))
    call_command("screen", evaluate=str(data))
    out = capsys.readouterr().out
    assert "Supportive" in out and "Ideation" in out


def test_a_reader_that_stops_early_ends_the_stream_quietly() -> None:
    # `peerhaven screen < export.jsonl | head -1`: the pipe closes after the first line; the
    # command must end without a traceback (it printed BrokenPipeError before session 8).
    import os
    import subprocess

    lines = "".join(
        json.dumps({"text": f"line {i} this exam is killing me"}) + "\n" for i in range(5000)
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peerhaven.settings"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "peerhaven", "screen"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    import threading

    def feed() -> None:  # in a thread: the child blocks on its full stdout pipe otherwise
        try:
            proc.stdin.write(lines.encode())  # type: ignore[union-attr]
            proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass

    threading.Thread(target=feed, daemon=True).start()
    first = proc.stdout.readline()
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert json.loads(first)["level"] == "none"
    assert "Traceback" not in errors and "BrokenPipe" not in errors
    assert proc.returncode == 0
