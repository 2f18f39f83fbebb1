"""The crisis / support panel (shown once, on the page after a member wrote risk text) and the
notice of a mute or ban in force (shown on every page while it lasts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peerhaven.safety.sanctions import restriction_text
from peerhaven.safety.services import SESSION_PANEL_KEY


def safety(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {}
    notice = _sanction_notice(request, user)
    if SESSION_PANEL_KEY not in session:
        return notice
    # Popped here so the panel shows exactly once, on the first page rendered after writing.
    panel = session.pop(SESSION_PANEL_KEY)
    if not isinstance(panel, dict):
        return {}
    from peerhaven.safety.queries import crisis_resources, safety_plan_for

    level = panel.get("level", "concern")
    context: dict[str, Any] = {
        "safety_panel": {"level": level, "held": bool(panel.get("held")), "kind": panel.get("kind")}
    }
    if level in ("ideation", "imminent"):
        context["safety_panel"]["directory"] = crisis_resources(
            country=user.country, language=user.language
        )
        context["safety_panel"]["plan"] = safety_plan_for(user)
    return {**notice, **context}


def _sanction_notice(request: HttpRequest, user: Any) -> dict[str, Any]:
    """A muted member (or a banned one on the pages a ban leaves open) sees why, on every page."""
    from peerhaven.safety.middleware import sanction_for_request

    sanction = sanction_for_request(request)
    if sanction is None or getattr(request, "_peerhaven_ban_page", False):
        return {}
    return {
        "safety_sanction": {
            "kind": sanction.kind,
            "reason": sanction.reason,
            "ends_at": sanction.ends_at,
            # The appeal is a link on the page, not a path in the sentence.
            "message": restriction_text(sanction, user),
        }
    }
