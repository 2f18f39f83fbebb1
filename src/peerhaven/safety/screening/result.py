"""The screener's result types: levels on the C-SSRS ladder, evidence spans, the screening."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class RiskLevel(IntEnum):
    """Risk on the Columbia (C-SSRS) screener's ladder; higher is more urgent."""

    NONE = 0
    CONCERN = 1
    IDEATION = 2
    IMMINENT = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One rule hit, with offsets into the text exactly as the author wrote it.

    ``level`` is the level after context modifiers; ``base_level`` is what the rule alone says,
    so a moderator can see both the phrase and why it counted for less.
    """

    start: int
    end: int
    rule: str
    level: RiskLevel
    excerpt: str
    explanation: str
    modifiers: tuple[str, ...] = ()
    base_level: RiskLevel = RiskLevel.NONE
    method: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "rule": self.rule,
            "level": self.level.label,
            "base_level": self.base_level.label,
            "excerpt": self.excerpt,
            "explanation": self.explanation,
            "modifiers": list(self.modifiers),
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class Screening:
    """The outcome for one text: the highest level any evidence reached, and all evidence."""

    level: RiskLevel
    evidence: list[Evidence] = field(default_factory=list)
    method_text: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.label,
            "evidence": [e.as_dict() for e in self.evidence],
            "method": self.method_text,
        }
