"""Per-request member settings, onboarding and the staff two-factor requirement."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from peerhaven.accounts.local_time import zone_named
from peerhaven.accounts.permissions import has_two_factor

Handler = Callable[[HttpRequest], HttpResponse]

# Pages a person must reach before finishing onboarding: sign-in flows, help, static files.
ONBOARDING_EXEMPT_PREFIXES = (
    "/accounts/",
    "/welcome/",
    "/guidelines/",
    "/help/",
    # A member's own support never waits for a click on new guidelines: their safety plan and
    # their conversation with the safety team (which the ban middleware keeps open too).
    "/safety/plan/",
    "/safety/messages/",
    "/static/",
    "/api/",
    "/healthz",
    "/i18n/",
    "/settings/privacy/",
)
# Areas that expose other people's sensitive data.
STAFF_PREFIXES = (
    "/admin/",
    "/staff/",
    "/moderation/",
    "/clinical/",
    "/forums/moderation/",
    "/mentoring/admin/",
    "/outcomes/manage/",
)


class MemberPreferencesMiddleware:
    """Activate the signed-in person's time zone and language."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = zone_named(user.time_zone)
            if zone is None:
                timezone.deactivate()
            else:
                timezone.activate(zone)
            if user.language in self.languages:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        return self.get_response(request)


class OnboardingMiddleware:
    """Send a signed-in person who has not accepted the current guidelines to /welcome/."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_onboarding
            and not request.path.startswith(ONBOARDING_EXEMPT_PREFIXES)
        ):
            target = reverse("accounts:welcome")
            if request.method == "GET" and url_has_allowed_host_and_scheme(
                request.get_full_path(), allowed_hosts={request.get_host()}
            ):
                target = f"{target}?next={request.get_full_path()}"
            return redirect(target)
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff areas need two-factor authentication; send staff without it to set it up."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.path.startswith(STAFF_PREFIXES)
            and user is not None
            and user.is_authenticated
            and (user.holds_staff_role or user.is_staff)
            and not has_two_factor(user)
        ):
            messages.warning(
                request,
                _("Staff features need two-factor authentication. Please set it up first."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
