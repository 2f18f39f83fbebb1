"""Stretched, misspelt and spelled-out risk words; "and I" after a denial.

Each case here was missed (or raised) by the screener before session 5.
"""

from __future__ import annotations

import pytest

from peerhaven.safety.screening import RiskLevel, screen_text
from peerhaven.safety.screening.normalize import normalize


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("i wanna dieee", RiskLevel.IDEATION),
        ("i just want to diiiiiie", RiskLevel.IDEATION),
        ("i want to d i e", RiskLevel.IDEATION),
        ("i want to kil myslef", RiskLevel.IDEATION),
        ("i want to sucide", RiskLevel.IDEATION),
        ("I'm so sucidal lately", RiskLevel.IDEATION),
        ("i want to end itttt alll", RiskLevel.IDEATION),
        ("im going to overdoose tonight", RiskLevel.IMMINENT),
    ],
)
def test_respelt_risk_words_are_read(text: str, level: RiskLevel) -> None:
    assert screen_text(text).level >= level


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("diiieee", "die"),
        ("deeeaaad", "dead"),
        ("kil", "kill"),
        ("mysself", "myself"),
        ("d i e", "die"),
        ("kmsss", "kms"),
        ("sewer  slide", "suicide"),
        ("Sucide", "suicide"),
    ],
)
def test_normalised_spelling(text: str, folded: str) -> None:
    assert normalize(text).text == folded


@pytest.mark.parametrize(
    "text",
    [
        "it is all fine",
        "the end of the road for my old car",
        "a deed to the house",
        "my self harming has got worse",
        "I killed it at work today",
        "skill, kiln and kilt",
        "the dye and the died flowers",
        "we went to the Eden project",
        "al and i went to the pub",
        "my initials are k m s",
        "ok i will be there",
    ],
)
def test_ordinary_words_keep_their_spelling(text: str) -> None:
    folded = normalize(text).text
    assert folded == " ".join(text.lower().split())


def test_my_self_harm_is_still_self_harm() -> None:
    # Joining "my self" into "myself" would have lost this one.
    assert screen_text("my self harming has got worse").level >= RiskLevel.IDEATION


def test_evidence_of_a_respelt_word_points_at_what_was_written() -> None:
    text = "honestly i wanna diiiieeee tonight."
    result = screen_text(text)
    spans = [text[e.start : e.end] for e in result.evidence]
    assert any("diiiieeee" in span for span in spans), spans


@pytest.mark.parametrize(
    "text",
    [
        "I'm not ok and I cut myself last night",
        "i'm not sleeping and i want to die",
        "I'm not doing well and I cut again",
    ],
)
def test_a_denial_does_not_reach_across_and_i(text: str) -> None:
    assert screen_text(text).level >= RiskLevel.IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself",
        "I'm not going to kill myself and I'm not suicidal",
        "not that I'd ever hurt myself",
    ],
)
def test_plain_denials_still_lower(text: str) -> None:
    assert screen_text(text).level < RiskLevel.IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I took an overdose when I was 15 and now I'm okay but I have the pills saved",
        "i cut myself 3 years ago and now i'm fine but i want to do it again tonight",
        "I cut myself today, I'm fine",
        "I attempted years ago and now I'm doing it again",
    ],
)
def test_a_present_act_beside_a_recovery_stays_imminent(text: str) -> None:
    assert screen_text(text).level == RiskLevel.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "I used to cut myself and now I'm better at hiding it.",
        "I overdosed two years ago and now I'm fine with dying.",
        "I overdosed years ago and now I'm in a better place to plan it properly this time.",
    ],
)
def test_a_good_state_that_is_not_a_recovery_leaves_the_act_present(text: str) -> None:
    assert screen_text(text).level == RiskLevel.IMMINENT


def test_evidence_keeps_a_stretched_capital() -> None:
    text = "I want to dieeE"
    spans = [text[e.start : e.end] for e in screen_text(text).evidence]
    assert any(span.endswith("dieeE") for span in spans), spans
