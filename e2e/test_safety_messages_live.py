"""The conversation with the safety team updates live: the member sees the team's new message,
and the moderator the member's reply, without reloading; text stays text."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from browser import serious_violations
from django.db import connections
from people import person, sign_in

from peerhaven.accounts.models import Role, User
from peerhaven.safety import services
from peerhaven.safety.gate import screen_user_text
from peerhaven.safety.models import RiskAlert

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

T = TypeVar("T")
# Invented texts.
FIRST = "How are you doing tonight?"
MARKUP = "Still with you. <b>not bold</b> & <img src=x>"
REPLY = "A bit better now, thank you for checking."
# Set on the window before waiting: still there afterwards means the page was not reloaded.
MARK = "window.__notReloaded = true"


def _reached_out() -> tuple[User, User, RiskAlert]:
    """A member the moderator has written to about an alert they hold."""
    member = person("Still Water", country="GB")
    moderator = person("Lamp Lighter", country="GB", roles=(Role.MODERATOR,))
    alert = services.handle_screening(
        outcome=screen_user_text(text="I wish I was dead", kind="x"),
        author=member,
        kind="forums.post",
    )
    assert alert is not None
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(alert=alert, moderator=moderator, title="We are here", body=FIRST)
    return member, moderator, alert


def _off_the_loop(work: Callable[[], T]) -> T:
    """Run services in a thread of their own: they broadcast to the live queue after commit,
    which cannot be done from this thread while Playwright's event loop runs in it."""

    def run() -> T:
        try:
            return work()
        finally:
            connections.close_all()  # the thread's own connection, or it outlives the test

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_both_sides_of_the_conversation_see_new_messages_without_reloading(
    new_page: Callable[..., Page], live_server: Any, axe: Callable[[Page], dict[str, Any]]
) -> None:
    member, moderator, alert = _off_the_loop(_reached_out)

    page = new_page(viewport="phone")
    sign_in(page, member, live_server.url)
    page.goto("/safety/messages/")
    thread = page.locator("#safety-conversation > li")
    expect(thread).to_have_count(1)
    expect(page.locator("#conversation-status")).to_contain_text("appear here as they arrive")
    page.evaluate(MARK)

    # The moderator writes again from the alert page: the member's page shows it, as text.
    staff = new_page(viewport="desktop")
    sign_in(staff, moderator, live_server.url)
    staff.goto(f"/moderation/alerts/{alert.pk}/")
    staff.get_by_label("Title").fill("Still here")
    staff.get_by_label("Message").fill(MARKUP)
    staff.get_by_role("button", name="Send message").click()
    expect(staff.get_by_text("Your message was sent to the member.")).to_be_visible()
    staff_thread = staff.locator("#safety-conversation > li")
    expect(staff_thread).to_have_count(2)
    staff.evaluate(MARK)

    expect(thread).to_have_count(2, timeout=20_000)
    newest = thread.last
    expect(newest).to_have_attribute("id", "latest")
    expect(newest).to_contain_text("Safety team")
    expect(newest).to_contain_text(MARKUP)
    expect(newest.locator("b, img")).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True
    assert "Lamp Lighter" not in (newest.text_content() or "")
    # A later poll brings nothing twice.
    with page.expect_response(lambda r: "/safety/messages/updates/" in r.url, timeout=20_000):
        pass
    expect(thread).to_have_count(2)
    problems = serious_violations(axe(page))
    assert not problems, problems

    # The member answers through the ordinary form; the moderator's page shows it.
    page.get_by_label("Your answer to the safety team").fill(REPLY)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Sent. The safety team will read it.")).to_be_visible()
    expect(staff_thread).to_have_count(3, timeout=20_000)
    expect(staff_thread.last).to_contain_text("Member")
    expect(staff_thread.last).to_contain_text(REPLY)
    assert staff.evaluate("window.__notReloaded") is True
    problems = serious_violations(axe(staff))
    assert not problems, problems


def test_the_alert_page_shows_the_members_read_without_a_reload_or_a_second_announcement(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    member, moderator, alert = _off_the_loop(_reached_out)

    staff = new_page(viewport="desktop")
    sign_in(staff, moderator, live_server.url)
    staff.goto(f"/moderation/alerts/{alert.pk}/")
    shown = staff.locator("#safety-conversation > li")
    label = shown.locator(".safety-message-read")
    expect(label).to_have_text("not read yet")
    # Watch the aria-live list: nothing may be added to it (screen readers would read the
    # message again); only the label's own text may change, in place.
    staff.evaluate(
        """() => {
            window.__notReloaded = true;
            window.__added = [];
            window.__texts = [];
            const list = document.getElementById("safety-conversation");
            list.querySelector("li").__same = true;
            new MutationObserver((records) => records.forEach((r) => {
                r.addedNodes.forEach((n) => window.__added.push(n.textContent));
                if (r.type === "characterData") { window.__texts.push(r.target.data); }
            })).observe(list, {childList: true, subtree: true, characterData: true});
        }"""
    )

    page = new_page(viewport="phone")
    sign_in(page, member, live_server.url)
    page.goto("/safety/messages/")  # the member reads the team's message
    expect(page.get_by_text(FIRST)).to_be_visible()

    expect(label).to_have_text("read by the member", timeout=20_000)
    expect(shown).to_have_count(1)
    expect(shown).to_have_attribute("data-read", "yes")
    assert staff.evaluate("window.__notReloaded") is True
    assert staff.evaluate("document.querySelector('#safety-conversation > li').__same") is True
    assert staff.evaluate("window.__added") == []
    assert staff.evaluate("window.__texts") == ["read by the member"]
    # Nothing is shown as unread any more, so the next poll no longer asks.
    with staff.expect_request(lambda r: "/messages/updates/" in r.url, timeout=20_000) as asked:
        pass
    assert "after=" in asked.value.url and "unread=" not in asked.value.url
