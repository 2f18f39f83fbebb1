"""Render-once post fragments: each post's HTML is cached under a key made of everything that
shows in it (text version, counts, who reacted, the viewer's own flags, language, time zone).

Nothing is invalidated by hand: any change gives a new key, and stale entries expire. The
CSRF token is not cached; a placeholder is swapped for the viewer's token on the way out.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from peerhaven.forums.queries import PostView, ThreadView

PLACEHOLDER = "csrf-placeholder-2f9c"
TIMEOUT = 60 * 60 * 24
VERSION = "3"  # bump when _post.html changes


def _key(pv: PostView, view: ThreadView, prefix: str) -> str:
    p = pv.post
    parts: tuple[Any, ...] = (
        p.pk,
        p.edited_at,
        p.body_html,
        p.content_warning,
        p.is_hidden,
        p.hidden_reason,
        p.is_held,
        p.risk_level,
        p.is_anonymous,
        p.author.display_name if p.author else None,
        tuple((r.kind, r.count, r.mine, tuple(r.names)) for r in pv.reactions),
        pv.show_body,
        pv.blocked,
        pv.muted_warning,
        pv.author_visible,
        pv.can_edit,
        pv.is_own,
        view.moderator,
        view.can_reply,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{prefix}{p.pk}:{digest}"


def render_posts(request: HttpRequest, view: ThreadView) -> list[SafeString]:
    """The HTML of each post on the page, from the cache where possible (one round trip)."""
    prefix = (
        f"forums:post:{VERSION}:{translation.get_language()}:"
        f"{timezone.get_current_timezone_name()}:"
    )
    keys = [_key(pv, view, prefix) for pv in view.posts]
    cached = cache.get_many(keys)
    missing: dict[str, str] = {}
    out: list[str] = []
    for key, pv in zip(keys, view.posts, strict=True):
        html = cached.get(key)
        if html is None:
            html = render_to_string(
                "forums/_post.html", {"pv": pv, "view": view, "csrf_token": PLACEHOLDER}
            )
            missing[key] = html
        out.append(html)
    if missing:
        cache.set_many(missing, TIMEOUT)
    token = get_token(request)
    return [mark_safe(html.replace(PLACEHOLDER, token)) for html in out]  # noqa: S308 - rendered by our template
