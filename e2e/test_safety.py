"""A member writes imminent-risk text and sees help at once; a moderator on duty handles it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from browser import serious_violations
from people import person, sign_in
from playwright.sync_api import Page, expect

from peerhaven.accounts.models import Role
from peerhaven.safety import services
from peerhaven.safety.gate import screen_user_text
from peerhaven.safety.models import AlertStatus, RiskAlert


def test_a_moderator_on_duty_gets_the_live_alert_over_websockets(
    new_page: Callable[..., Page], asgi_url: str
) -> None:
    from peerhaven.forums.models import Board

    Board.objects.get_or_create(slug="evenings", defaults={"name": "Evenings"})
    member = person("Amber Reed", country="GB")
    moderator = person("Lantern Keeper", country="GB", roles=(Role.MODERATOR,))
    services.set_on_duty(moderator=moderator, on_duty=True)

    staff = new_page(viewport="desktop")
    sign_in(staff, moderator, asgi_url)
    staff.goto(f"{asgi_url}/moderation/")
    expect(staff.locator("#live-status")).to_have_text("Live: new alerts appear here.")

    page = new_page(viewport="phone")
    sign_in(page, member, asgi_url)
    page.goto(f"{asgi_url}/forums/b/evenings/new/")
    page.get_by_label("Title").fill("Can't sleep")
    page.get_by_label("Message").fill("I am going to overdose on my pills tonight.")
    page.get_by_role("button", name=re.compile("Post|Start|Publish", re.I)).click()
    expect(page.locator(".safety-panel")).to_contain_text("You matter")

    alert = RiskAlert.objects.get(author=member)
    # The new row arrives without a reload.
    live_row = staff.locator(f'tr[data-alert="{alert.pk}"]')
    expect(live_row).to_contain_text("Imminent")
    expect(staff.locator("#live-status")).to_contain_text(f"New imminent alert #{alert.pk}")


def test_imminent_risk_text_shows_help_at_once_and_a_moderator_resolves_the_alert(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    from peerhaven.forums.models import Board

    Board.objects.get_or_create(slug="day-to-day", defaults={"name": "Day to day"})
    member = person("Tidal Fern", country="GB")
    services.save_safety_plan(
        user=member,
        steps={
            "people_to_ask": "Ring my cousin Perpetua",
            "coping_strategies": "Cold water on my face",
        },
    )
    moderator = person("Night Owl", country="GB", roles=(Role.MODERATOR,))
    services.set_on_duty(moderator=moderator, on_duty=True)

    # The member writes; the next page shows crisis lines and their plan, and says it is held.
    page = new_page(viewport="phone")
    sign_in(page, member, live_server.url)
    page.goto("/forums/b/day-to-day/new/")
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Message").fill(
        "I can't do this anymore. I am going to overdose on my pills tonight."
    )
    page.get_by_role("button", name=re.compile("Post|Start|Publish", re.I)).click()

    panel = page.locator(".safety-panel")
    expect(panel.get_by_role("heading", name="You matter. Help is here right now.")).to_be_visible()
    expect(panel.get_by_text("Call Samaritans on 116 123")).to_be_visible()
    expect(panel.get_by_text("Ring my cousin Perpetua")).to_be_visible()
    expect(panel.get_by_text("waiting for a moderator")).to_be_visible()
    panel.get_by_role("link", name="Open my whole safety plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My safety plan")

    alert = RiskAlert.objects.get(author=member)
    assert alert.level == "imminent" and alert.held

    # The moderator on duty sees the alert, acknowledges and resolves it.
    staff = new_page(viewport="desktop")
    sign_in(staff, moderator, live_server.url)
    staff.goto("/moderation/")
    expect(staff.get_by_text("You are on duty.")).to_be_visible()
    row = staff.locator(f'tr[data-alert="{alert.pk}"]')
    expect(row).to_contain_text("Imminent")
    row.get_by_role("button", name="Acknowledge").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(f"Alert {alert.pk}")
    expect(staff.locator(".evidence")).to_contain_text("overdose")
    staff.get_by_label("Outcome").select_option("reached_out")
    staff.get_by_role("button", name="Resolve alert").click()
    expect(staff.get_by_text("Resolved. Thank you.")).to_be_visible()

    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.assigned_to == moderator


def test_a_muted_member_reads_but_a_reply_is_refused_with_the_reason_and_the_draft_kept(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    from peerhaven.forums import services as forums
    from peerhaven.forums.models import Board

    board, _created = Board.objects.get_or_create(slug="mornings", defaults={"name": "Mornings"})
    other = person("Early Lark", country="GB")
    thread = forums.create_thread(board=board, author=other, title="Coffee", body="Morning all")
    member = person("Quiet Wren", country="GB")
    moderator = person("Fair Judge", country="GB", roles=(Role.MODERATOR,))
    services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Cool-off after a row", hours=24
    )

    page = new_page(viewport="phone")
    sign_in(page, member, live_server.url)
    page.goto(f"/forums/t/{thread.pk}/")
    expect(page.get_by_text("Morning all")).to_be_visible()  # reading is fine
    expect(page.locator(".sanction-notice")).to_contain_text("Cool-off after a row")
    page.goto(f"/forums/t/{thread.pk}/reply/")
    page.get_by_label("Message").fill("A reply I took a while to write")
    page.get_by_role("button", name=re.compile("Post|Reply|Send", re.I)).click()
    expect(page.locator("main")).to_contain_text("paused your posting")
    expect(page.get_by_label("Message")).to_have_value("A reply I took a while to write")


def test_a_banned_member_sees_why_and_can_still_reach_crisis_help_and_appeal(
    new_page: Callable[..., Page], live_server: Any
) -> None:
    member = person("Still Pond", country="GB")
    moderator = person("Even Scale", country="GB", roles=(Role.MODERATOR,))
    services.take_action(
        member=member, moderator=moderator, kind="ban", reason="Threats to another member", hours=72
    )
    page = new_page(viewport="phone")
    sign_in(page, member, live_server.url)
    page.goto("/forums/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is suspended for now")
    expect(page.locator(".sanction-reason")).to_have_text("Threats to another member")
    page.get_by_role("link", name="Get help now").first.click()
    expect(page.get_by_text("Samaritans").first).to_be_visible()
    page.goto("/forums/")
    page.get_by_role("link", name="Appeal the decision").click()
    page.get_by_label("Why should this decision change?").fill("I was quoting someone else")
    page.get_by_role("button", name="Appeal").click()
    expect(page.get_by_text("Your appeal is sent")).to_be_visible()


@pytest.mark.parametrize("look", ["light", "dark"])
def test_safety_pages_have_no_serious_accessibility_violations(
    new_page: Callable[..., Page],
    live_server: Any,
    axe: Callable[[Page], dict[str, Any]],
    look: str,
) -> None:
    member = person("Calm Brook", country="GB")
    services.save_safety_plan(
        user=member, steps={"warning_signs": "Not eating", "professionals": "Dr Ash"}
    )
    moderator = person("Kind Beacon", country="GB", roles=(Role.MODERATOR,))
    alert = services.handle_screening(
        outcome=screen_user_text(text="I am going to overdose on my pills tonight", kind="x"),
        author=member,
        kind="forums.post",
    )
    assert alert is not None
    problems: list[str] = []
    page = new_page(viewport="phone", color_scheme=look)
    sign_in(page, member, live_server.url)
    for path in (
        "/help/",
        "/help/?country=IE",
        "/safety/plan/",
        "/safety/plan/edit/",
        "/safety/plan/print/",
    ):
        page.goto(path)
        problems += serious_violations(axe(page), path)
    staff = new_page(viewport="desktop", color_scheme=look)
    sign_in(staff, moderator, live_server.url)
    for path in (
        "/moderation/",
        f"/moderation/alerts/{alert.pk}/",
        "/moderation/dashboard/",
        "/moderation/resources/",
    ):
        staff.goto(path)
        problems += serious_violations(axe(staff), path)
    banned = person("Shut Gate", country="GB")
    services.take_action(member=banned, moderator=moderator, kind="ban", reason="Spam", hours=5)
    shut = new_page(viewport="phone", color_scheme=look)
    sign_in(shut, banned, live_server.url)
    for path in ("/", "/safety/actions/"):
        shut.goto(path)
        problems += serious_violations(axe(shut), f"banned {path}")
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    staff.goto(f"/moderation/alerts/{alert.pk}/")
    problems += serious_violations(axe(staff), "alert (acknowledged)")
    assert not problems, "\n".join(problems)
