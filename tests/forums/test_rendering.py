"""Markdown is rendered safely: no raw HTML, no scripts, links marked nofollow ugc noopener."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Board, Thread
from peerhaven.forums.rendering import ALLOWED_TAGS, quote_markdown, render_markdown

# A selection from the OWASP XSS filter-evasion cheat sheet, plus Markdown-specific ones.
PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<iframe src=http://xss.rocks/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    "[click me](javascript:alert('XSS'))",
    "[click me](JaVaScRiPt:alert('XSS'))",
    "[click me](&#106;avascript:alert(1))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '[a](https://example.org "title\\" onmouseover=\\"alert(1)")',
    '<a href="https://example.org" onclick="alert(1)">raw html link</a>',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


class _Elements(HTMLParser):
    """Collects the live elements and attributes of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def live_elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_come_out_harmless(payload: str) -> None:
    html = render_markdown(payload)
    # Escaped text is fine (&lt;script&gt;); live tags, handlers and script URLs are not.
    for tag, attrs in live_elements(html):
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name in {"href", "title", "rel", "start"}, html
            if name == "href":
                assert (value or "").startswith(("http://", "https://", "mailto:")), html


def test_links_are_marked_user_generated() -> None:
    html = render_markdown("[a helpline list](https://example.org/help)")
    assert html == (
        '<p><a href="https://example.org/help" rel="nofollow ugc noopener">a helpline list</a></p>\n'
    )


def test_raw_html_is_shown_as_text_not_interpreted() -> None:
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_invalid_markdown_still_renders() -> None:
    html = render_markdown("**unclosed *emphasis [link](\n> quote\n```\nunclosed fence")
    assert "unclosed" in html


def test_a_quote_becomes_a_block_quote() -> None:
    quoted = quote_markdown("line one\n\nline two", "Quiet Harbor")
    assert quoted == "> **Quiet Harbor**\n>\n> line one\n>\n> line two\n\n"
    assert "<blockquote>" in render_markdown(quoted)


@pytest.mark.django_db
def test_a_thread_title_with_html_is_escaped_on_the_page(
    board: Board, member: User, member_client: Client
) -> None:
    thread: Thread = services.create_thread(
        board=board,
        author=member,
        title="<script>alert(1)</script>",
        body="PAYLOAD <img src=x onerror=alert(1)>",
    )
    page = member_client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
