"""``{% checkins_due user as n %}`` for the home page card."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def checkins_due(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from peerhaven.outcomes.queries import due_count

    return due_count(user)
