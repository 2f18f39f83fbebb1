"""Render-once fragments of the thread and board pages.

Each post's HTML is cached under a key made of everything that shows in it (text version,
counts, who reacted, the viewer's own flags, language, time zone), and the whole list of a
page's posts under a key made of those keys, so a page seen before costs one cache read (none
when this process served it lately: see LOCAL_PAGES). Board pages do the same with their
thread rows. Nothing is invalidated by hand: any change gives a new key, and stale entries
expire. The
CSRF token is not cached; a placeholder is swapped for the viewer's token on the way out. The
placeholder is markup with a raw ``<``, which member text can never contain once rendered: post
bodies are sanitised by nh3 and names and reasons are autoescaped, both of which write ``<`` as
``&lt;`` (a fixed plain string could be typed into a post, and every copy of it would receive
the reader's token).

The empty reply form is the same for everyone (per language) and is rendered once per process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from peerhaven.forums.queries import PostView, ThreadRow, ThreadView

# Rendered as is (mark_safe), so the fragment holds a raw "<" that escaped text cannot.
PLACEHOLDER = mark_safe("<csrf-token/>")
TIMEOUT = 60 * 60 * 24
VERSION = "6"  # bump when _post.html or _thread_row.html (or the placeholder) changes

# Whole pages of posts or thread rows also stay in this process, in front of the shared cache
# (a round trip to Redis in production). The keys are made of the content, so an entry is
# never stale: a change makes a new key and the old entry falls out of the LRU.
LOCAL_PAGES = 64
_local: OrderedDict[str, str] = OrderedDict()
_local_lock = threading.Lock()


def _page_get(key: str) -> str | None:
    with _local_lock:
        html = _local.get(key)
        if html is not None:
            _local.move_to_end(key)
            return html
    html = cache.get(key)
    if html is not None:
        _local_put(key, html)
    return html


def _local_put(key: str, html: str) -> None:
    with _local_lock:
        _local[key] = html
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def _key(pv: PostView, view: ThreadView, prefix: str) -> str:
    p = pv.post
    parts: tuple[Any, ...] = (
        p.pk,
        p.thread_id,
        p.position,
        p.created_at,
        p.edited_at,
        p.body_html,
        p.content_warning,
        p.is_hidden,
        p.hidden_reason,
        p.is_held,
        p.risk_level,
        p.is_anonymous,
        p.author_id,
        p.author.display_name if p.author else None,
        # Reactions: counts, mine, who (labels come with the language in the prefix).
        (p.hear_you_count, p.me_too_count, p.thank_you_count, p.strength_count),
        tuple(sorted(pv.reacted)),
        tuple(sorted((kind, tuple(names)) for kind, names in pv.reactors.items())),
        pv.show_body,
        pv.blocked,
        pv.muted_warning,
        pv.author_visible,
        pv.can_edit,
        pv.is_own,
        # The moderation notes its author sees on it.
        tuple((m.pk, m.action, m.reason, m.created_at) for m in pv.notes),
        view.moderator,
        view.can_reply,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{prefix}{p.pk}:{digest}"


def render_posts(request: HttpRequest, view: ThreadView) -> SafeString:
    """The HTML of the page's posts, from the cache where possible (one round trip when the
    page was seen before as it is now)."""
    prefix = (
        f"forums:post:{VERSION}:{translation.get_language()}:"
        f"{timezone.get_current_timezone_name()}:"
    )
    keys = [_key(pv, view, prefix) for pv in view.posts]
    page_key = f"{prefix}page:{hashlib.sha256('|'.join(keys).encode()).hexdigest()[:32]}"
    html = _page_get(page_key)
    if html is None:
        cached = cache.get_many(keys)
        missing: dict[str, str] = {}
        out: list[str] = []
        for key, pv in zip(keys, view.posts, strict=True):
            one = cached.get(key)
            if one is None:
                one = render_to_string(
                    "forums/_post.html", {"pv": pv, "view": view, "csrf_token": PLACEHOLDER}
                )
                missing[key] = one
            out.append(one)
        html = "".join(out)
        missing[page_key] = html
        cache.set_many(missing, TIMEOUT)
        _local_put(page_key, html)
    return mark_safe(html.replace(PLACEHOLDER, get_token(request)))  # noqa: S308 - rendered by our template


def render_thread_rows(rows: list[ThreadRow]) -> SafeString:
    """The HTML of a board page's thread rows, cached like posts: each row under a key of what
    it shows (the "… ago" text included, so it stays right), the whole list under one key."""
    prefix = (
        f"forums:row:{VERSION}:{translation.get_language()}:{timezone.get_current_timezone_name()}:"
    )
    sinces = [timesince(row.thread.last_activity_at) for row in rows]
    keys = []
    for row, since in zip(rows, sinces, strict=True):
        t = row.thread
        parts = (
            t.pk, t.title, t.is_pinned, t.is_locked, t.content_warning, t.is_anonymous,
            t.author_id, t.author.display_name if t.author else None, t.reply_count,
            t.me_too_count, t.last_activity_at, t.last_position, row.unread, row.new_posts,
            since,
        )  # fmt: skip
        keys.append(f"{prefix}{t.pk}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:32]}")
    page_key = f"{prefix}page:{hashlib.sha256('|'.join(keys).encode()).hexdigest()[:32]}"
    html = _page_get(page_key)
    if html is None:
        cached = cache.get_many(keys)
        missing: dict[str, str] = {}
        out: list[str] = []
        for key, row, since in zip(keys, rows, sinces, strict=True):
            one = cached.get(key)
            if one is None:
                one = render_to_string("forums/_thread_row.html", {"row": row, "since": since})
                missing[key] = one
            out.append(one)
        html = "".join(out)
        missing[page_key] = html
        cache.set_many(missing, TIMEOUT)
        _local_put(page_key, html)
    return mark_safe(html)  # noqa: S308 - rendered by our template


@lru_cache(maxsize=32)
def _reply_form(language: str, anonymous: bool) -> str:
    from peerhaven.forums.forms import ReplyForm

    form = ReplyForm(initial={"anonymous": True} if anonymous else None)
    return render_to_string("forums/_post_form.html", {"form": form})


def reply_form_html(*, anonymous: bool = False) -> SafeString:
    """The empty reply form's fields (no per-person data in them: labels, help, choices), with
    "post anonymously" ticked for someone who already wrote anonymously in the thread."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if settings.DEBUG:  # templates may change while the development server runs
        _reply_form.cache_clear()
    return mark_safe(_reply_form(language, anonymous))  # noqa: S308 - rendered by our template
