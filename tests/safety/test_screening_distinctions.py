"""The blind-written distinctions sets (session 5): shape, scoring, and regression floors."""

from __future__ import annotations

import json

import pytest

from peerhaven.safety.screening import RiskLevel
from peerhaven.safety.screening.evaluate import (
    CATEGORIES,
    DISTINCTIONS,
    _meets,
    evaluate_distinctions,
    format_distinctions,
)


def test_each_set_has_thirty_texts_per_category_and_the_sets_are_apart() -> None:
    texts: dict[str, set[str]] = {}
    for name, path in DISTINCTIONS.items():
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        assert {c: sum(r["category"] == c for r in rows) for c in CATEGORIES} == dict.fromkeys(
            CATEGORIES, 30
        )
        assert {r["expected"] for r in rows} <= {"below", "past", "ideation", "imminent"}
        texts[name] = {r["text"] for r in rows}
    assert not texts["development"] & texts["check"]


@pytest.mark.parametrize(
    ("expected", "level", "meets"),
    [
        ("below", RiskLevel.CONCERN, True),
        ("below", RiskLevel.IDEATION, False),
        ("past", RiskLevel.NONE, False),
        ("past", RiskLevel.CONCERN, True),
        ("past", RiskLevel.IDEATION, True),
        ("past", RiskLevel.IMMINENT, False),
        ("ideation", RiskLevel.IMMINENT, True),
        ("ideation", RiskLevel.CONCERN, False),
        ("imminent", RiskLevel.IDEATION, False),
        ("imminent", RiskLevel.IMMINENT, True),
    ],
)
def test_what_each_expectation_asks(expected: str, level: RiskLevel, meets: bool) -> None:
    assert _meets(expected, level) is meets


def test_figures_do_not_fall_below_what_was_measured() -> None:
    """Floors at session 5's figures (rules alone): a change that loses ground fails here.
    The check set was never read while writing rules; its floor guards against regressions
    only and is not a target to tune against."""
    report = evaluate_distinctions()
    assert report["development"]["all"]["as_expected"] >= 196 / 240
    assert report["check"]["all"]["as_expected"] >= 188 / 240
    for name in DISTINCTIONS:
        for category in ("idiom", "supportive", "quoted"):
            assert report[name][category]["as_expected"] == 1.0, (name, category)
    table = format_distinctions(report)
    assert "| negation | below ideation |" in table
