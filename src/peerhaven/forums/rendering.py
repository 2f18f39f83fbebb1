"""Markdown to safe HTML, once, when a post is written.

Raw HTML in the source is not interpreted (markdown-it's ``html`` option is off), and the
result is sanitised again with nh3 so that nothing a member writes can run in a reader's page.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    md.enable(["strikethrough", "table"])
    # Member images would let anyone track readers' IP addresses; links only.
    md.disable("image")
    return md


def render_markdown(source: str) -> str:
    """Sanitised HTML for a post's Markdown ``source``."""
    html = _parser().render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
    )


def quote_markdown(source: str, author_label: str) -> str:
    """A Markdown block quote of ``source`` for a reply box."""
    lines = source.strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"> **{author_label}**\n>\n{quoted}\n\n"
