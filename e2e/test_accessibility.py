"""axe-core on every page a newcomer or member meets, at phone and desktop width, light and dark.

People may arrive here on a bad day, on an old phone, with a screen reader or in dark mode:
a serious or critical axe violation (colour contrast included) fails the test.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from browser import BLOCKING_IMPACTS, scrolls_sideways, sign_in
from people import PASSWORD, person

from peerhaven.notifications.services import notify

# Without Playwright the `page` fixtures skip (or, in CI, fail) these tests before they run.
with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

PUBLIC_PAGES = [
    "/",
    "/help/",
    "/guidelines/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
MEMBER_PAGES = ["/settings/profile/", "/notifications/", "/settings/privacy/"]
LOOKS = [
    pytest.param("phone", "light", id="phone-light"),
    pytest.param("phone", "dark", id="phone-dark"),
    pytest.param("desktop", "light", id="desktop-light"),
    pytest.param("desktop", "dark", id="desktop-dark"),
]

NewPage = Callable[..., "Page"]
Axe = Callable[["Page"], dict[str, Any]]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"    {summary[:300]}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page, axe: Axe) -> None:
    # Contrast is only meaningful with our stylesheet applied; fail loudly if it did not load.
    rules = page.evaluate(
        "[...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)"
    )
    assert rules > 0, f"site.css did not load on {page.url}"
    # Reflow (WCAG 1.4.10), which axe does not check: nothing may need sideways scrolling.
    assert not scrolls_sideways(page), f"{page.url} scrolls sideways"
    violations = [v for v in axe(page)["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"


@pytest.mark.parametrize(("viewport", "color_scheme"), LOOKS)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(
    new_page: NewPage, axe: Axe, path: str, viewport: str, color_scheme: str
) -> None:
    page = new_page(viewport=viewport, color_scheme=color_scheme)
    response = page.goto(path)

    assert response is not None
    assert response.status == 200
    assert_no_serious_violations(page, axe)


@pytest.mark.parametrize(("viewport", "color_scheme"), LOOKS)
def test_signup_form_showing_errors_has_no_serious_accessibility_violations(
    new_page: NewPage, axe: Axe, viewport: str, color_scheme: str
) -> None:
    page = new_page(viewport=viewport, color_scheme=color_scheme)
    page.goto("/accounts/signup/")
    page.get_by_label("Display name").fill("Admin")
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD + "-typo")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("alert").first).to_be_visible()

    assert_no_serious_violations(page, axe)


@pytest.mark.parametrize(("viewport", "color_scheme"), LOOKS)
def test_welcome_page_has_no_serious_accessibility_violations(
    new_page: NewPage, axe: Axe, viewport: str, color_scheme: str
) -> None:
    person("Fresh Start", email="new@example.org", onboarded=False)
    page = new_page(viewport=viewport, color_scheme=color_scheme)
    sign_in(page, "new@example.org", PASSWORD)

    expect(page).to_have_url(re.compile(r"/welcome/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Peerhaven")
    assert_no_serious_violations(page, axe)


@pytest.mark.parametrize(("viewport", "color_scheme"), LOOKS)
@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_page_has_no_serious_accessibility_violations(
    new_page: NewPage, axe: Axe, path: str, viewport: str, color_scheme: str
) -> None:
    member = person(
        "Quiet Harbor", email="member@example.org", time_zone="Europe/Dublin", country="IE"
    )
    # Something unread, so the badge and the inbox's buttons are on the page too.
    notify(
        recipient=member,
        kind="system",
        title="Welcome to Peerhaven",
        body="Your account is ready.",
        url="/settings/profile/",
    )
    page = new_page(viewport=viewport, color_scheme=color_scheme)
    sign_in(page, "member@example.org", PASSWORD)
    response = page.goto(path)

    assert response is not None
    assert response.status == 200
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    assert_no_serious_violations(page, axe)


def test_the_skip_link_appears_on_the_first_tab_and_jumps_to_the_main_content(page: Page) -> None:
    page.goto("/help/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/notifications/preferences/", "/outcomes/checkin/phq9/"])
def test_checkboxes_and_radios_are_at_least_24_pixels_square(page: Page, path: str) -> None:
    # WCAG 2.2 target size (2.5.8); the browser's own checkbox is 13 px, hard to hit on a phone.
    person("Steady Thumb", email="thumb@example.org", time_zone="Europe/Dublin", country="IE")
    sign_in(page, "thumb@example.org", PASSWORD)
    page.goto(path)
    if path.startswith("/outcomes/"):
        page.get_by_role("button", name="Begin").click()
    boxes = page.locator("main input[type=checkbox], main input[type=radio]")
    expect(boxes.first).to_be_visible()
    sizes = [boxes.nth(i).bounding_box() for i in range(boxes.count())]
    small = [s for s in sizes if s is None or s["width"] < 24 or s["height"] < 24]
    assert not small, f"{len(small)} of {len(sizes)} controls under 24 px on {path}: {small[:3]}"


def test_crisis_numbers_are_big_targets_and_printed_plans_show_addresses(page: Page) -> None:
    # The number to tap is the one thing someone in crisis needs on a phone.
    person("Printed Plan", email="plan@example.org", time_zone="Europe/Berlin", country="DE")
    sign_in(page, "plan@example.org", PASSWORD)
    page.goto("/help/?country=GB")
    numbers = page.locator("main .crisis-ways a[href^='tel:']")
    expect(numbers.first).to_be_visible()
    sizes = [numbers.nth(i).bounding_box() for i in range(numbers.count())]
    assert all(s is not None and s["width"] >= 44 and s["height"] >= 44 for s in sizes), sizes

    # On paper a link is only its address: the printed plan shows it after each website.
    page.goto("/safety/plan/print/")
    page.emulate_media(media="print")
    websites = page.locator(".plan-print .crisis-ways a[href^='http']")
    expect(websites.first).to_be_attached()
    after = websites.first.evaluate("a => getComputedStyle(a, '::after').content")
    assert websites.first.get_attribute("href") in after
