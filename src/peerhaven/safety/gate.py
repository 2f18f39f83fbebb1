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

    @property
    def hold(self) -> bool:
        """Imminent-risk text that describes a method is held for a moderator's review."""
        return self.level == "imminent" and self.method

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "evidence": self.evidence,
            "method": self.method,
            "needs_review": self.needs_review,
        }


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


def report_outcome(
    *,
    outcome: GateOutcome,
    author: Any,
    kind: str,
    obj: Any = None,
    url: str = "",
    request: Any = None,
    text: str = "",
) -> None:
    """Act on a screening result after the text was stored (call inside the same transaction).

    This is where the safety capability raises alerts for moderators and puts crisis support in
    front of the author. Apps call it for every stored text; it decides what, if anything, to do.
    ``text`` is the text as stored: when the outcome holds it, the alert keeps a copy for the
    moderator (pass it where moderators cannot read the place, or it can later be replaced).
    """
    if outcome.level == "none" and not outcome.needs_review:
        return
    try:
        from peerhaven.safety.services import handle_screening
    except ImportError:  # the safety capability is not installed yet
        logger.info("No safety handler for %s at level %s", kind, outcome.level)
        return
    handle_screening(
        outcome=outcome, author=author, kind=kind, obj=obj, url=url, request=request, text=text
    )
