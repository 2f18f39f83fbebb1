from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from peerhaven.forums.models import Post, Thread

register = template.Library()


@register.filter
def reaction_count(post: Post, kind: str) -> int:
    return post.count_for(kind)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def mod_actions(post: Post) -> list[str]:
    actions = ["unhide" if post.is_hidden else "hide"]
    if post.is_held:
        actions.append("release")
    return actions


@register.filter
def thread_mod_actions(thread: Thread) -> list[tuple[str, str]]:
    return [
        ("unlock", _("Unlock")) if thread.is_locked else ("lock", _("Lock")),
        ("unpin", _("Unpin")) if thread.is_pinned else ("pin", _("Pin")),
        ("move", _("Move")),
        ("delete", _("Remove thread")),
    ]
