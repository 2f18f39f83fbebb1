"""Risk words broken into chunks by a space or dot are seen through, without new false alarms."""

from __future__ import annotations

import pytest

from peerhaven.safety.screening import RiskLevel, screen_text


@pytest.mark.parametrize(
    "text",
    [
        "I keep thinking about sui cide",
        "I feel sui cidal every night",
        "I want to una live myself",
        "thinking about suic.ide again tonight",
        "I have been feeling s.uicidal",
    ],
)
def test_chunked_risk_words_are_read_as_the_word(text: str) -> None:
    assert screen_text(text).level >= RiskLevel.IDEATION


@pytest.mark.parametrize(
    "text", ["a sui generis case", "suit cider on tap", "the suite cidery", "unal is fine"]
)
def test_ordinary_words_near_the_fragments_stay_none(text: str) -> None:
    assert screen_text(text).level == RiskLevel.NONE


def test_evidence_points_at_the_chunked_word_as_written() -> None:
    text = "Lately I feel sui cidal."
    result = screen_text(text)
    spans = [text[e.start : e.end] for e in result.evidence]
    assert any("sui cidal" in span for span in spans), spans
