"""What the pages give drafts.js so that a kept draft is never put over other words: the edit
form names the post's text on the server it shows (``data-draft-base``), and every post form has
a polite live region and the offer ("Restore your earlier draft") for a draft it could not put
into the field. The script itself is driven in e2e/test_forums_drafts.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Thread
from peerhaven.forums.views import draft_base

pytestmark = pytest.mark.django_db

BASE = re.compile(r'data-draft-base="([0-9a-f]+)"')


def _base(page: str) -> str:
    found = BASE.findall(page)
    assert len(found) == 1
    return found[0]


def test_the_edit_form_names_the_text_on_the_server_even_after_a_refusal(
    thread: Thread, member: User
) -> None:
    post = thread.posts.get(position=1)
    client = login(Client(), member)
    url = reverse("forums:edit", args=[post.pk])
    shown = _base(client.get(url).content.decode())
    assert shown == draft_base(post.body)

    # A refused edit shows the member's words, but the draft still began from the stored text:
    # the base is the server's, not the words on the form.
    refused = client.post(url, {"body": "x" * 100_000})
    assert refused.status_code == 422
    assert _base(refused.content.decode()) == shown

    # Saved elsewhere meanwhile: a new base, so an old draft is offered, not put over it.
    services.edit_post(post=post, actor=member, body="Mornings are easier since the spring.")
    changed = _base(client.get(url).content.decode())
    assert changed != shown
    assert changed == draft_base("Mornings are easier since the spring.")


@pytest.mark.parametrize("page", ["thread", "reply", "quote", "new", "edit"])
def test_every_post_form_can_offer_an_earlier_draft(
    page: str, thread: Thread, member: User
) -> None:
    post = thread.posts.get(position=1)
    client = login(Client(), member)
    url = {
        "thread": reverse("forums:thread", args=[thread.pk]),
        "reply": reverse("forums:reply", args=[thread.pk]),
        "quote": reverse("forums:reply", args=[thread.pk]) + f"?quote={post.pk}",
        "new": reverse("forums:new_thread", args=[thread.board.slug]),
        "edit": reverse("forums:edit", args=[post.pk]),
    }[page]
    html = client.get(url).content.decode()
    form = html[
        html.index("data-draft-key=") : html.index("</form>", html.index("data-draft-key="))
    ]
    assert re.search(r'<div[^>]*data-draft-offers[^>]*aria-live="polite"', form)
    offer = form[form.index("<template data-draft-offer>") : form.index("</template>")]
    assert '<button type="button" data-draft-restore>Restore your earlier draft</button>' in offer
    assert '<button type="button" data-draft-discard>' in offer
    assert "data-draft-excerpt" in offer
    # Only the edit form may put a draft over the server's text.
    assert ("data-draft-over" in html) == (page == "edit")
