"""A newcomer's first visit, end to end in a real browser: join, verify, onboard, come back."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail

from peerhaven.accounts.models import GuidelinesAcceptance, User

# Without Playwright the `page` fixtures skip (or, in CI, fail) these tests before they run.
with contextlib.suppress(ImportError):
    from playwright.sync_api import Page, expect

PASSWORD = "violet-Harbour-rain-42"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")


def fill_signup_form(
    page: Page, *, display_name: str, email: str, password: str, again: str
) -> None:
    page.get_by_label("Display name").fill(display_name)
    page.get_by_label("Email").fill(email)
    # Labels end in an aria-hidden "*", which Playwright's label text still includes.
    page.get_by_label(re.compile(r"^Password\W*$")).fill(password)
    page.get_by_label("Password (again)").fill(again)
    page.get_by_role("button", name="Sign Up").click()


def confirmation_path(address: str) -> str:
    """The path of the confirmation link in the one e-mail sent to ``address``."""
    messages = [m for m in mail.outbox if address in m.to]
    assert len(messages) == 1, f"expected one e-mail to {address}, got {len(messages)}"
    body = str(messages[0].body)
    match = CONFIRM_LINK.search(body)
    assert match, f"no confirmation link in:\n{body}"
    # The link names the host the request came in on; the test server may differ in scheme/port.
    return urlsplit(match.group(0)).path


def test_a_new_member_signs_up_verifies_onboards_and_signs_back_in(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not alone.")
    page.get_by_role("link", name="Join with a pseudonym").click()

    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    fill_signup_form(
        page,
        display_name="Morning Fern",
        email="fern@example.org",
        password=PASSWORD,
        again=PASSWORD,
    )
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    page.goto(confirmation_path("fern@example.org"))
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    expect(page.get_by_text("fern@example.org").first).to_be_visible()
    page.get_by_role("button", name="Confirm").click()

    # Confirming signs the person in; until they onboard, every page leads to /welcome/.
    expect(page).to_have_url(re.compile(r"/welcome/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Peerhaven")
    page.goto("/notifications/")
    expect(page).to_have_url(re.compile(r"/welcome/\?next=/notifications/$"))

    # Suggested, to confirm or change: the device's zone (this browser runs in Europe/Dublin)
    # and the country it lies in, which decides the crisis lines shown (not the language's:
    # the browser says en-GB).
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Dublin")
    expect(page.get_by_label("Country")).to_have_value("IE")
    page.get_by_label("I have read the community guidelines").check()
    page.get_by_label("Time zone").select_option("Europe/Dublin")
    page.get_by_label("Language").select_option("en")
    page.get_by_label("Country").select_option("IE")
    page.get_by_role("button", name="Continue").click()

    # The ?next= target wins over the default landing page, the profile.
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome to Peerhaven, Morning Fern.")
    page.get_by_role("link", name="My account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    profile = page.locator("form").filter(has=page.locator("input[name=form][value=profile]"))
    expect(profile.get_by_label("Display name")).to_have_value("Morning Fern")
    profile.get_by_label("Display name").fill("Evening Fern")
    profile.get_by_label("Pronouns").fill("she/her")
    profile.get_by_label("About you").fill("Walking helps. Some days more than others.")
    profile.get_by_role("button", name="Save profile").click()

    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(profile.get_by_label("Display name")).to_have_value("Evening Fern")
    expect(profile.get_by_label("Pronouns")).to_have_value("she/her")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not alone.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("fern@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, Evening Fern")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    user = User.objects.get(email="fern@example.org")
    assert (user.display_name, user.pronouns) == ("Evening Fern", "she/her")
    assert (user.time_zone, user.language, user.country) == ("Europe/Dublin", "en", "IE")
    assert user.guidelines_version == settings.GUIDELINES_VERSION
    acceptance = GuidelinesAcceptance.objects.get(user=user)
    assert acceptance.version == settings.GUIDELINES_VERSION
    assert acceptance.accepted_at == user.guidelines_accepted_at
    assert user.onboarded_at is not None


def test_a_half_written_signup_keeps_what_was_typed_after_a_validation_error(
    new_page: Callable[..., Page],
) -> None:
    page = new_page(viewport="desktop")
    page.goto("/accounts/signup/")

    fill_signup_form(
        page,
        display_name="Admin",
        email="quiet@example.org",
        password=PASSWORD,
        again=PASSWORD + "-typo",
    )

    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="That name is reserved")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="same password")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("Admin")
    expect(page.get_by_label("Email")).to_have_value("quiet@example.org")
    assert not User.objects.filter(email="quiet@example.org").exists()
    assert mail.outbox == []


def test_the_get_help_link_works_without_javascript(new_page: Callable[..., Page]) -> None:
    page = new_page(viewport="phone", java_script_enabled=False)
    page.goto("/")

    page.get_by_role("link", name="Get help now").click()

    expect(page).to_have_url(re.compile(r"/help/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    expect(page.get_by_text("Samaritans on 116 123")).to_be_visible()
