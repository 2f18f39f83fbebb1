"""The crisis / support panel: shown once, on the page after a member wrote risk text."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peerhaven.safety.services import SESSION_PANEL_KEY


def safety(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {}
    if SESSION_PANEL_KEY not in session:
        return {}
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
    return context
