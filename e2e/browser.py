"""Helpers shared by browser tests (importable: e2e/ is on pytest's pythonpath)."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page


#: axe-core impacts that fail a browser test.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def serious_violations(results: dict[str, Any], where: str = "") -> list[str]:
    """One line per serious or critical axe violation in `results`, naming where it was seen,
    the rule, its help text and up to three of the elements that break it."""
    prefix = f"{where}: " if where else ""
    return [
        f"{prefix}{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:3])
        for v in results.get("violations", [])
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def scrolls_sideways(page: Page) -> bool:
    """Whether the page is wider than its viewport (WCAG 1.4.10 reflow; axe does not check it)."""
    scroll_width, view_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return bool(scroll_width > view_width)


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page: Page, email: str, password: str, *, totp_secret: str | None = None) -> None:
    """Sign in through the real login form, answering the two-factor step when asked, and wait
    until the page the form leads to shows the person signed in (its "Sign out" button)."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password\W*$")).fill(password)
    page.locator("main form button[type=submit]").first.click()
    if totp_secret is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        # A code typed in the last moments of its 30-second step can reach the server in the
        # next one; wait for a fresh step instead.
        if 30 - time.time() % 30 < 3:
            time.sleep(30 - time.time() % 30 + 0.2)
        page.get_by_label(re.compile("code", re.IGNORECASE)).fill(totp_now(totp_secret))
        page.get_by_role("button", name="Sign In").click()
        # The click only starts the POST: wait until it has left the two-factor page, or the
        # caller's next goto() can cancel it and land on the two-factor page again.
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    page.wait_for_load_state()
    # Also the end of the POST when there is no two-factor step: a goto() straight after the
    # click could cancel it.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
