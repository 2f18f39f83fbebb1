"""The forum journey in a real browser: a thread with a content warning, "Me too" from two
members and a reply, found by search, reported, and a moderator acting on the report."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from browser import scrolls_sideways, serious_violations
from people import person, sign_in

from peerhaven.accounts.models import Role
from peerhaven.forums.models import Board, Post, Report, Thread
from peerhaven.notifications.models import Notification

with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

TITLE = "The first anniversary without Mum"
BODY = "It has been a year. Some days the quiet in the house is very loud."


def test_a_thread_with_a_warning_gets_me_too_a_reply_is_found_and_a_report_is_handled(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    Board.objects.create(slug="living-with-depression", name="Living with depression", position=1)
    Board.objects.create(slug="small-wins", name="Small wins", position=2)
    author = person("Willow Tide")
    replier = person("Amber Sparrow")
    reader = person("Little Meadow")
    moderator = person("Night Heron", roles=(Role.MODERATOR,))

    # The author finds the board and starts a thread behind a grief warning.
    page = new_page(viewport="phone")
    sign_in(page, author, live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forums").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forums")
    page.get_by_role("link", name="Living with depression").click()
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Message").fill(BODY)
    page.get_by_label("Content warning").select_option("grief")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    warning = page.locator("details.cw").first
    expect(warning.locator("summary")).to_contain_text("Content warning: Grief and loss")
    # Collapsed: the words are behind the warning until the reader opens it.
    expect(page.get_by_text("the quiet in the house")).to_be_hidden()
    thread = Thread.objects.get(title=TITLE)

    # A second member opens the warning, says "Me too" and replies.
    other = new_page(viewport="desktop")
    sign_in(other, replier, live_server.url)
    other.goto(f"/forums/t/{thread.pk}/")
    other.locator("details.cw summary").first.click()
    expect(other.get_by_text("the quiet in the house")).to_be_visible()
    other.get_by_role("button", name="Me too").first.click()
    expect(other.get_by_text("1 person said me too")).to_be_visible()
    other.get_by_label("Message").fill("Eight years for me. It softens, slowly. I hear you.")
    other.get_by_role("button", name="Post reply").click()
    expect(other.get_by_text("Your reply is posted.")).to_be_visible()
    expect(other.locator("#post-2")).to_contain_text("Eight years for me")

    # A third member finds the thread by searching, says "Me too" and reports the reply.
    third = new_page(viewport="phone")
    sign_in(third, reader, live_server.url)
    third.goto("/forums/")
    third.get_by_role("searchbox", name="Search the forums").fill("anniversary")
    third.get_by_role("button", name="Search").click()
    third.get_by_role("link", name=TITLE).click()
    expect(third.get_by_role("heading", level=1)).to_have_text(TITLE)
    third.locator("#post-1").get_by_role("button", name="Me too").click()
    expect(third.get_by_text("2 people said me too")).to_be_visible()
    third.locator("#post-1").get_by_text("Who reacted").click()
    expect(third.locator("#post-1 .who")).to_contain_text("Amber Sparrow, Little Meadow")
    third.locator("#post-2").get_by_role("link", name="Report").click()
    third.get_by_label("Unkind or harassing").check()
    third.get_by_label(re.compile("Anything the moderators should know")).fill("Felt dismissive")
    third.get_by_role("button", name="Send report").click()
    expect(third.get_by_text("Thank you. A moderator will look at it soon.")).to_be_visible()

    # The author was told about the first reply.
    assert Notification.objects.filter(recipient=author, title__contains="first reply").exists()

    # A moderator (with two-factor authentication) acts on the report from the queue.
    staff = new_page(viewport="desktop")
    sign_in(staff, moderator, live_server.url)
    staff.goto("/forums/moderation/")
    expect(staff.get_by_role("heading", name="1 open report")).to_be_visible()
    report = staff.locator("li.report").first
    expect(report).to_contain_text("Unkind or harassing")
    expect(report).to_contain_text("Felt dismissive")
    report.get_by_label("Reason (the author sees this)").fill("Please keep replies gentle")
    report.get_by_role("button", name="Hide post").click()
    expect(staff.get_by_text("No open reports.")).to_be_visible()

    reply = Post.objects.get(thread=thread, position=2)
    assert reply.is_hidden and reply.hidden_reason == "Please keep replies gentle"
    assert Report.objects.get().resolved_by == moderator
    # The reply's author sees the reason on the page: no silent removal.
    other.goto(f"/forums/t/{thread.pk}/")
    expect(other.locator("#post-2")).to_contain_text("Please keep replies gentle")
    third.reload()
    expect(third.locator("#post-2")).not_to_contain_text("Eight years for me")


def test_a_moderator_acts_on_a_report_from_the_unified_queue_and_the_author_retitles(
    new_page: Callable[..., Page], live_server: Any, axe: Callable[[Page], dict[str, Any]]
) -> None:
    from peerhaven.forums import services
    from peerhaven.safety.models import RiskAlert

    board = Board.objects.create(slug="carers", name="Carers and family")
    author = person("Quiet Fox")
    reporter = person("Open Field")
    moderator = person("Tall Reed", roles=(Role.MODERATOR,))
    thread = services.create_thread(
        board=board, author=author, title="Caring for my dad", body="It is a lot, some days."
    )

    # The author changes the title; an empty one is refused with a message first.
    page = new_page(viewport="phone")
    sign_in(page, author, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/")
    page.get_by_role("link", name="Change the title").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save the title").click()
    expect(page.get_by_text("Give your thread a title of a few words.")).to_be_visible()
    page.get_by_label("Title").fill("Caring for my dad after his stroke")
    page.get_by_role("button", name="Save the title").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caring for my dad after his stroke")

    # A member reports the opening post.
    other = new_page(viewport="desktop")
    sign_in(other, reporter, live_server.url)
    other.goto(f"/forums/t/{thread.pk}/")
    other.locator("#post-1").get_by_role("link", name="Report").click()
    other.get_by_label("Something else").check()
    other.get_by_role("button", name="Send report").click()
    expect(other.get_by_text("Thank you. A moderator will look at it soon.")).to_be_visible()

    # The moderator starts from the unified safety queue and acts on the forum report there.
    staff = new_page(viewport="desktop")
    sign_in(staff, moderator, live_server.url)
    staff.goto("/moderation/")
    staff.get_by_role("link", name=re.compile("forums.post")).first.click()
    staff.get_by_role("link", name="Open the content").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Report")
    serious = serious_violations(axe(staff), "report page")
    assert not serious, serious
    lock = staff.locator("form", has=staff.get_by_role("button", name="Lock"))
    lock.get_by_label("Reason (the author sees this)").fill("Resting this thread for a day")
    lock.get_by_role("button", name="Lock").click()
    expect(staff.get_by_text("Done. The author can see what happened and why.")).to_be_visible()
    thread.refresh_from_db()
    assert thread.is_locked
    assert Report.objects.get().resolved_by == moderator
    assert RiskAlert.objects.get(source="report").status == "resolved"
    # Back on the report's page: resolved, with the action and the reason.
    expect(staff.locator("dl.facts")).to_contain_text("lock: Resting this thread for a day")

    # The author sees what was done and why, on the thread.
    page.goto(f"/forums/t/{thread.pk}/")
    expect(page.get_by_role("region", name="Moderation notes")).to_contain_text(
        "Resting this thread for a day"
    )


def test_a_half_written_post_survives_a_closed_tab(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    Board.objects.create(slug="small-wins", name="Small wins")
    member = person("Gentle River")
    page = new_page(viewport="phone")
    sign_in(page, member, live_server.url)
    page.goto("/forums/b/small-wins/new/")
    page.get_by_label("Title").fill("I went outside")
    page.get_by_label("Message").fill("Just to the corner shop, but still.")
    expect(page.get_by_text("Draft saved on this device.")).to_be_visible()
    # Closing the tab loses nothing: a new tab in the same browser finds the draft.
    context = page.context
    page.close()
    reopened = context.new_page()
    reopened.goto("/forums/b/small-wins/new/")
    expect(reopened.get_by_label("Title")).to_have_value("I went outside")
    expect(reopened.get_by_label("Message")).to_have_value("Just to the corner shop, but still.")
    reopened.get_by_role("button", name="Post thread").click()
    expect(reopened.get_by_role("heading", level=1)).to_have_text("I went outside")
    reopened.goto("/forums/b/small-wins/new/")
    expect(reopened.get_by_label("Message")).to_have_value("")


def test_forum_pages_have_no_serious_accessibility_violations(
    new_page: Callable[..., Page], live_server: Any, axe: Callable[[Page], dict[str, Any]]
) -> None:
    from peerhaven.forums import services

    board = Board.objects.create(slug="students", name="Students")
    author = person("Hidden Pebble")
    member = person("Brave Willow")
    thread = services.create_thread(
        board=board,
        author=author,
        title="Exams and a brain that will not switch on",
        body="Finals in six weeks. *Any* tips?\n\n> a quote\n\n- one\n- two",
        content_warning="other",
    )
    services.reply(thread=thread, author=member, body="Ask for an extension, it helped me.")
    services.react(post=thread.posts.get(position=1), user=member, kind="me_too")
    for viewport, scheme in (("phone", "light"), ("desktop", "dark")):
        page = new_page(viewport=viewport, color_scheme=scheme)
        sign_in(page, member, live_server.url)
        for path in (
            "/forums/",
            f"/forums/b/{board.slug}/",
            f"/forums/t/{thread.pk}/",
            f"/forums/b/{board.slug}/new/",
            "/forums/search/?q=exams",
            "/forums/needs-reply/",
            "/forums/settings/",
        ):
            page.goto(path)
            assert not scrolls_sideways(page), f"{path} scrolls sideways at {viewport}"
            serious = serious_violations(axe(page), f"{path} ({viewport}, {scheme})")
            assert not serious, serious
