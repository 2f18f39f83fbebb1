"""The one safety entry point every app calls before it stores or broadcasts user text.

``screen_user_text`` never raises and never blocks: if the screener fails, the outcome says the
text needs human review, and the caller stores the text as usual.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

LEVELS = ("none", "concern", "ideation", "imminent")


@dataclass(frozen=True)
class GateOutcome:
    """What the screener said about one piece of text, in a form every app can store."""

    level: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    method: bool = False
    needs_review: bool = False
    error: str = ""

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)

    def at_least(self, level: str) -> bool:
        return self.rank >= LEVELS.index(level)


def screen_user_text(*, text: str, kind: str, author: Any = None) -> GateOutcome:
    """Screen ``text`` written by ``author`` as ``kind`` (e.g. "profile.bio", "forum.post").

    Fails safe: any error in the screener gives ``needs_review=True`` and level "concern" so a
    person looks at it; the text itself is never dropped.
    """
    if not text or not text.strip():
        return GateOutcome(level="none")
    try:
        from peerhaven.safety.screening import screen_text

        result = screen_text(text)
        data = result.as_dict()
        return GateOutcome(
            level=str(data["level"]),
            evidence=list(data.get("evidence", [])),
            method=bool(data.get("method", False)),
        )
    except Exception as exc:
        logger.exception("Safety screening failed for %s; flagging for review", kind)
        return GateOutcome(level="concern", needs_review=True, error=type(exc).__name__)
