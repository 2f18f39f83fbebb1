"""People for browser tests, and signing them in without the login form
(importable: e2e/ is on pytest's pythonpath)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.test import Client
from django.utils import timezone

from peerhaven.accounts.models import STAFF_ROLES, User
from peerhaven.accounts.services import grant_role

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "a-Long-test-passphrase-1"
# Every staff member's TOTP secret, for browser.sign_in(..., totp_secret=SECRET).
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def person(
    name: str,
    *,
    email: str | None = None,
    roles: tuple[str, ...] = (),
    onboarded: bool = True,
    **fields: Any,
) -> User:
    """An onboarded member called ``name`` with ``roles``; ``fields`` are more User fields
    (``country``, ``time_zone``). Staff roles come with TOTP activated on ``SECRET``.

    Without ``email`` the address is the name in lower case, dotted, at example.org: sign in
    with ``sign_in``. With ``email`` it is also stored as verified, so the person can sign in
    through the real form (``browser.sign_in`` with ``PASSWORD``).

    With ``onboarded=False`` the person has not accepted the guidelines or onboarded yet: a
    newcomer, whom every page sends to /welcome/.
    """
    if onboarded:
        now = timezone.now()
        fields = {
            "guidelines_version": settings.GUIDELINES_VERSION,
            "guidelines_accepted_at": now,
            "onboarded_at": now,
            **fields,
        }
    user = User.objects.create_user(
        email or f"{name.lower().replace(' ', '.')}@example.org",
        PASSWORD,
        display_name=name,
        **fields,
    )
    if email is not None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for role in roles:
        grant_role(user=user, role=role, actor=None)
    if STAFF_ROLES.intersection(roles):
        TOTP.activate(user, SECRET)
    return User.objects.get(pk=user.pk)


def sign_in(page: Page, user: User, base_url: str) -> None:
    """Sign in through a session cookie (the sign-in and TOTP flows have their own tests)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )
