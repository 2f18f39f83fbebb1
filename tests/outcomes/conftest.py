"""Fixtures for the instrument engine: shipped definitions and broken copies of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from peerhaven.outcomes.instruments.loader import (
    DEFINITIONS_DIR,
    InstrumentDefinition,
    load_all,
    parse_definition,
)

SHIPPED_IDS = (
    "brcs",
    "gad7",
    "mspss",
    "phq2",
    "phq9",
    "post_meeting_mood",
    "rses",
    "ucla3",
)


def raw_definition(instrument_id: str) -> dict[str, Any]:
    """A fresh, mutable copy of a shipped definition file."""
    return json.loads((DEFINITIONS_DIR / f"{instrument_id}.json").read_text(encoding="utf-8"))


def variant(instrument_id: str, change: Callable[[dict[str, Any]], None]) -> InstrumentDefinition:
    raw = raw_definition(instrument_id)
    change(raw)
    return parse_definition(raw, file=f"{instrument_id}.json")


def answers_with_keyed_sum(defn: InstrumentDefinition, keyed_sum: int) -> dict[str, int]:
    """Raw answers to every total item whose keyed values add up to ``keyed_sum``."""
    items = [defn.item(item_id) for item_id in defn.total.item_ids]
    remaining = keyed_sum - sum(item.option_set.min_value for item in items)
    answers: dict[str, int] = {}
    for item in items:
        lo, hi = item.option_set.min_value, item.option_set.max_value
        keyed = lo + min(remaining, hi - lo)
        remaining -= keyed - lo
        # Undo the reverse keying so that the engine has to redo it.
        answers[item.id] = hi + lo - keyed if item.reverse_keyed else keyed
    assert remaining == 0, f"{keyed_sum} is out of range for {defn.id}"
    return answers


@pytest.fixture(scope="session")
def raw_def() -> Callable[[str], dict[str, Any]]:
    return raw_definition


@pytest.fixture(scope="session")
def make_variant() -> Callable[[str, Callable[[dict[str, Any]], None]], InstrumentDefinition]:
    return variant


@pytest.fixture(scope="session")
def keyed_sum_answers() -> Callable[[InstrumentDefinition, int], dict[str, int]]:
    return answers_with_keyed_sum


@pytest.fixture(scope="session")
def defns() -> dict[str, InstrumentDefinition]:
    return load_all()


@pytest.fixture
def write_definition(tmp_path: Path) -> Callable[..., Path]:
    """Write a (possibly broken) copy of a shipped definition into tmp_path."""

    def write(
        instrument_id: str,
        change: Callable[[dict[str, Any]], None] | None = None,
        *,
        text: str | None = None,
        name: str | None = None,
    ) -> Path:
        path = tmp_path / (name or f"{instrument_id}.json")
        if text is None:
            raw = raw_definition(instrument_id)
            if change is not None:
                change(raw)
            text = json.dumps(raw, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    return write


# --- Django-side fixtures (check-ins, schedules, the safety link) ---------------------------


@pytest.fixture
def enable_instruments(db: Any) -> Callable[..., None]:
    """Switch instruments on (some, such as UCLA-3, ship switched off)."""
    from peerhaven.outcomes.models import InstrumentSetting

    def enable(*instrument_ids: str, enabled: bool = True) -> None:
        for instrument_id in instrument_ids:
            InstrumentSetting.objects.update_or_create(
                instrument_id=instrument_id, defaults={"enabled": enabled}
            )

    return enable


@pytest.fixture
def report_outcome(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Record calls to the safety entry point instead of running the safety capability."""
    from unittest import mock

    from peerhaven.safety import gate

    recorder = mock.Mock(name="report_outcome")
    monkeypatch.setattr(gate, "report_outcome", recorder)
    return recorder


def make_phq9_answers(total: int, *, item9: int = 0, difficulty: int | None = 1) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` with item 9 set as given."""
    answers = {f"phq9_{i}": 0 for i in range(1, 10)}
    answers["phq9_9"] = item9
    remaining = total - item9
    for i in range(1, 9):
        step = min(3, remaining)
        answers[f"phq9_{i}"] = step
        remaining -= step
    assert remaining == 0, total
    if difficulty is not None:
        answers["phq9_10"] = difficulty
    return answers


@pytest.fixture
def complete_phq9(db: Any) -> Callable[..., Any]:
    """Store a finished PHQ-9 for ``user`` with the given total, completed at ``at``."""
    from peerhaven.outcomes import services

    def make(user: Any, total: int, *, at: Any = None, item9: int = 0) -> Any:
        response, _created = services.submit_response(
            user=user, instrument_id="phq9", answers=make_phq9_answers(total, item9=item9)
        )
        if at is not None:
            response.completed_at = at
            response.started_at = at
            response.save(update_fields=["completed_at", "started_at"])
        return response

    return make


@pytest.fixture(scope="session")
def phq9_answers() -> Callable[..., dict[str, int]]:
    return make_phq9_answers
