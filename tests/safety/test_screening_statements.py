"""The invented statement sets: coverage floors, and session 3's rules with their near-misses."""

from __future__ import annotations

import json

import pytest

from peerhaven.safety.screening import RiskLevel, screen_text
from peerhaven.safety.screening.evaluate import STATEMENTS, evaluate_statements


def test_the_sets_are_balanced_and_apart() -> None:
    texts: dict[str, set[str]] = {}
    for name, path in STATEMENTS.items():
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        counts = {
            e: sum(r["expected"] == e for r in rows) for e in ("imminent", "ideation", "below")
        }
        assert counts == {"imminent": 70, "ideation": 70, "below": 60}
        texts[name] = {r["text"] for r in rows}
    assert not texts["development"] & texts["check"]


def test_coverage_does_not_fall_below_what_was_measured() -> None:
    """Floors at session 3's figures (rules alone): a change that loses coverage fails here.
    The check set was never read while writing rules; its floor guards against regressions
    only and is not a target to tune against."""
    report = evaluate_statements()
    assert report["development"]["risk_at_ideation_or_above"] >= 0.75
    assert report["development"]["below_raised"] <= 3
    assert report["check"]["risk_at_ideation_or_above"] >= 0.35
    assert report["check"]["below_raised"] <= 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("suicidal again. third time this year", RiskLevel.IDEATION),
        ("the suicidal thoughts are louder this week", RiskLevel.IDEATION),
        ("sh thoughts are back and they won't stop", RiskLevel.IDEATION),
        ("honestly if i died tomorrow i wouldn't care", RiskLevel.IDEATION),
        ("they'd all be happier if i was gone", RiskLevel.IDEATION),
        ("would anyone even notice if i wasnt here anymore", RiskLevel.IDEATION),
        ("my dog is the only reason i'm still here", RiskLevel.IDEATION),
        ("every morning i'm disappointed that i woke up", RiskLevel.IDEATION),
        ("i hope i don't make it through the operation", RiskLevel.IDEATION),
        ("the world would be a better place without me", RiskLevel.IDEATION),
        ("i don't see myself making it to 25", RiskLevel.IDEATION),
        ("why am i even still here", RiskLevel.IDEATION),
        ("wish id never been born", RiskLevel.IDEATION),
        ("i sat in the garage with the engine running last night", RiskLevel.IMMINENT),
        ("how high does a bridge need to be", RiskLevel.IMMINENT),
        ("swallowed everything in the medicine cabinet an hour ago", RiskLevel.IMMINENT),
        ("walked into traffic on purpose yesterday", RiskLevel.IMMINENT),
        ("my gun is loaded and next to me", RiskLevel.IMMINENT),
        ("i'm not going to be here by christmas", RiskLevel.IMMINENT),
        ("wrote a goodbye in my notes app", RiskLevel.IMMINENT),
        ("started writing down who gets my stuff", RiskLevel.IMMINENT),
        ("cut myself with a blade at school today", RiskLevel.IMMINENT),
        ("relapsed w self harm after 90 days", RiskLevel.IMMINENT),
        ("just back from hospital. 2nd attempt.", RiskLevel.IMMINENT),
    ],
)
def test_session_3_phrasings(text: str, expected: RiskLevel) -> None:
    assert screen_text(text).level == expected


@pytest.mark.parametrize(
    "text",
    [
        "how do i support my husband who just told me hes been having suicidal thoughts?",
        "psych class covered how clinicians ask about suicidal ideation",
        "writing a goodbye card for my coworker who is retiring",
        "my 2nd attempt at the driving test went better",
        "i'm saving my meds for the trip so i don't run out",
        "if i wasn't here to help, my mum would struggle with the shopping",
        "i sat in the car with the engine running to warm it up",
        "i stood at the edge of the cliff path and took photos of the sea",
        "my dog is the only reason i get up early on weekends",
        "they'd all be happier if i was gone for the weekend, they said, so they could clean",
    ],
)
def test_session_3_near_misses(text: str) -> None:
    assert screen_text(text).level < RiskLevel.IDEATION
