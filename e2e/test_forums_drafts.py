"""A reply is never lost in a real browser: the thread removed by a moderator while the member
writes, a refusal (a locked thread), and without JavaScript. The draft on the device is kept until
the server says the post is stored."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from people import person, sign_in

from peerhaven.accounts.models import Role
from peerhaven.forums.models import Board, Post

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

WORDS = "I read this three times before answering. <b>You are not</b> a burden & never were."


def _thread_and_people() -> tuple[Any, Any, Any]:
    from peerhaven.forums import services

    board = Board.objects.create(slug="evenings", name="Evenings")
    author = person("Soft Ember")
    replier = person("Patient Wren")
    moderator = person("Kind Osprey", roles=(Role.MODERATOR,))
    thread = services.create_thread(
        board=board, author=author, title="Evenings alone", body="The evenings are long."
    )
    return thread, replier, moderator


def _draft(page: Page, key: str) -> Any:
    return page.evaluate("key => window.localStorage.getItem('peerhaven:draft:' + key)", key)


def test_a_reply_to_a_thread_removed_while_writing_keeps_the_words(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    from peerhaven.forums import services

    thread, replier, moderator = _thread_and_people()
    page = new_page(viewport="phone")
    sign_in(page, replier, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/")
    page.get_by_label("Message").fill(WORDS)
    expect(page.get_by_text("Draft saved on this device.")).to_be_visible()

    # A moderator removes the thread while the reply is still being written.
    services.delete_thread(thread=thread, actor=moderator, reason="Moved to a private chat")

    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This conversation is no longer available"
    )
    expect(page.get_by_label("Your text")).to_have_value(WORDS)
    # Nothing about the thread: not its title, nor the moderator's reason.
    expect(page.locator("main")).not_to_contain_text("Evenings alone")
    expect(page.locator("main")).not_to_contain_text("private chat")
    # And the device still has the draft.
    assert WORDS in (_draft(page, f"u{replier.pk}:forums:reply:{thread.pk}") or "")
    assert not Post.objects.filter(body=WORDS).exists()


def test_a_refused_reply_keeps_its_draft_until_it_is_posted(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    from peerhaven.forums import services

    thread, replier, moderator = _thread_and_people()
    key = f"u{replier.pk}:forums:reply:{thread.pk}"
    page = new_page(viewport="desktop")
    sign_in(page, replier, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/")
    page.get_by_label("Message").fill(WORDS)
    services.set_locked(thread=thread, actor=moderator, locked=True, reason="A pause")
    page.get_by_role("button", name="Post reply").click()
    expect(
        page.get_by_text("This thread is locked, so it cannot take new replies.")
    ).to_be_visible()
    expect(page.get_by_label("Your text")).to_have_value(WORDS)

    # Unlocked later: the thread's reply form gives the draft back (it was not forgotten on
    # submit), and posting it forgets it only once the reply is stored.
    services.set_locked(thread=thread, actor=moderator, locked=False, reason="Open again")
    page.goto(f"/forums/t/{thread.pk}/")
    expect(page.get_by_label("Message")).to_have_value(WORDS)
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.locator("#post-2")).to_contain_text("a burden & never were")
    expect(page.get_by_label("Message")).to_have_value("")
    assert _draft(page, key) is None
    page.reload()
    expect(page.get_by_label("Message")).to_have_value("")


def test_an_edit_draft_survives_a_closed_tab_and_is_forgotten_once_saved(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    thread, _replier, _moderator = _thread_and_people()
    opening = thread.posts.get(position=1)
    page = new_page(viewport="phone")
    sign_in(page, thread.author, live_server.url)
    page.goto(f"/forums/p/{opening.pk}/edit/")
    page.get_by_label("Message").fill("The evenings are long, and the weekends longer.")
    expect(page.get_by_text("Draft saved on this device.")).to_be_visible()
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(f"/forums/p/{opening.pk}/edit/")
    expect(page.get_by_label("Message")).to_have_value(
        "The evenings are long, and the weekends longer."
    )
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    page.goto(f"/forums/p/{opening.pk}/edit/")
    expect(page.get_by_label("Message")).to_have_value(
        "The evenings are long, and the weekends longer."
    )
    assert _draft(page, f"u{thread.author_id}:forums:edit:{opening.pk}") is None


def test_without_javascript_a_reply_to_a_removed_thread_shows_the_words(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    from peerhaven.forums import services

    thread, replier, moderator = _thread_and_people()
    page = new_page(viewport="phone", java_script_enabled=False)
    sign_in(page, replier, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/")
    page.get_by_label("Message").fill(WORDS)
    services.delete_thread(thread=thread, actor=moderator, reason="Moved to a private chat")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This conversation is no longer available"
    )
    expect(page.get_by_label("Your text")).to_have_value(WORDS)


EARLIER = "Before I saw the reply above I wanted to say: the evenings get shorter in spring."


def _earlier_drafts(page: Page, key: str) -> Any:
    return page.evaluate(
        "key => JSON.parse(window.localStorage.getItem('peerhaven:draft-earlier:' + key))", key
    )


def test_a_quote_does_not_hide_or_overwrite_the_earlier_draft_of_the_thread(
    new_page: Callable[..., Page], live_server: Any, axe: Callable[[Page], dict[str, Any]]
) -> None:
    thread, replier, _moderator = _thread_and_people()
    key = f"u{replier.pk}:forums:reply:{thread.pk}"
    page = new_page(viewport="phone")
    sign_in(page, replier, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/")
    page.get_by_label("Message").fill(EARLIER)
    expect(page.get_by_text("Draft saved on this device.")).to_be_visible()

    # Later the member quotes the opening post: the reply page starts with the quote, so the
    # draft of that thread is not in the field, and the page must not claim it is.
    page.goto(f"/forums/t/{thread.pk}/")
    page.get_by_role("link", name="Quote").first.click()
    message = page.get_by_label("Message")
    expect(message).to_have_value(re.compile(r"^> .*The evenings are long\.", re.DOTALL))
    expect(page.get_by_text("Draft saved on this device.")).to_be_hidden()
    restore = page.get_by_role("button", name="Restore your earlier draft")
    expect(restore).to_be_visible()
    expect(page.locator("[data-draft-offers]")).to_have_attribute("aria-live", "polite")
    expect(page.locator("[data-draft-offers]")).to_contain_text(
        "Before I saw the reply above I wanted to say"
    )
    serious = [v["id"] for v in axe(page)["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, serious

    # Typing under the quote saves this form, and the earlier draft is still kept.
    message.press("Control+End")
    message.type(" I know them too.")
    expect(page.get_by_text("Draft saved on this device.")).to_be_visible()
    assert "I know them too." in (_draft(page, key) or "")
    assert [d["body"] for d in _earlier_drafts(page, key)] == [EARLIER]

    # Restored with the keyboard: the earlier draft comes back, and what was typed under the
    # quote is offered in its place (nothing dropped).
    restore.focus()
    page.keyboard.press("Enter")
    expect(message).to_have_value(EARLIER)
    expect(message).to_be_focused()
    expect(page.locator("[data-draft-offers]")).to_contain_text("The evenings are long.")
    assert EARLIER in (_draft(page, key) or "")
    assert "I know them too." in _earlier_drafts(page, key)[0]["body"]

    # Posted: the stored draft is forgotten, the one set aside is still offered until the member
    # discards it.
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    assert Post.objects.filter(thread=thread, body=EARLIER).exists()
    assert _draft(page, key) is None
    expect(page.get_by_label("Message")).to_have_value("")
    page.get_by_role("button", name="Discard the earlier draft").click()
    expect(page.get_by_role("button", name="Restore your earlier draft")).to_have_count(0)
    assert _earlier_drafts(page, key) is None


def test_an_old_edit_draft_is_not_put_over_a_post_saved_since(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    from peerhaven.forums import services

    thread, _replier, _moderator = _thread_and_people()
    opening = thread.posts.get(position=1)
    key = f"u{thread.author_id}:forums:edit:{opening.pk}"
    page = new_page(viewport="desktop")
    sign_in(page, thread.author, live_server.url)
    page.goto(f"/forums/p/{opening.pk}/edit/")
    page.get_by_label("Message").fill("The evenings are long. (an edit I gave up on)")
    expect(page.get_by_text("Draft saved on this device.")).to_be_visible()
    page.goto(f"/forums/t/{thread.pk}/")

    # The member edits and saves the post from another device meanwhile.
    services.edit_post(
        post=opening, actor=thread.author, body="The evenings are long, but spring is coming."
    )

    page.goto(f"/forums/p/{opening.pk}/edit/")
    message = page.get_by_label("Message")
    expect(message).to_have_value("The evenings are long, but spring is coming.")
    expect(page.get_by_text("Draft saved on this device.")).to_be_hidden()
    expect(page.locator("[data-draft-offers]")).to_contain_text("(an edit I gave up on)")
    # One "Save changes" keeps the text saved since, not the abandoned one.
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    opening.refresh_from_db()
    assert opening.body == "The evenings are long, but spring is coming."

    # The abandoned draft is still there to take back, on the member's choice.
    page.goto(f"/forums/p/{opening.pk}/edit/")
    page.get_by_role("button", name="Restore your earlier draft").click()
    expect(message).to_have_value("The evenings are long. (an edit I gave up on)")
    assert "(an edit I gave up on)" in (_draft(page, key) or "")
    assert _earlier_drafts(page, key) is None


def test_signing_out_forgets_the_drafts_kept_in_this_browser(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    """On a shared device the next person must find nothing: keys name the person, and
    signing out removes every draft this browser kept."""
    thread, replier, _moderator = _thread_and_people()
    page = new_page(viewport="phone")
    sign_in(page, replier, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/reply/")
    page.get_by_label("Message").fill(WORDS)
    key = f"u{replier.pk}:forums:reply:{thread.pk}"
    page.wait_for_function(
        "key => (window.localStorage.getItem('peerhaven:draft:' + key) || '').length > 0", arg=key
    )
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    left = page.evaluate(
        "Object.keys(window.localStorage).filter(k => k.indexOf('peerhaven:draft') === 0)"
    )
    assert left == []
