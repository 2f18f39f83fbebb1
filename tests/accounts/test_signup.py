"""Joining: sign-up with a pseudonym, e-mail verification, onboarding, login, password reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from personas import PASSWORD

from peerhaven.accounts.models import GuidelinesAcceptance, User

pytestmark = pytest.mark.django_db


def _signup(client: Client, **overrides: str):  # type: ignore[no-untyped-def]
    data = {
        "display_name": "Morning Fern",
        "email": "fern@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def _confirmation_link() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_sign_up_verify_onboard_and_log_in(client: Client) -> None:
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="fern@example.org")
    assert user.display_name == "Morning Fern"
    assert len(mail.outbox) == 1
    # Unverified: logging in only sends the person back to verification.
    link = _confirmation_link()
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    # Logged in now, but every page sends them to onboarding until they accept the guidelines.
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:welcome"))
    response = client.post(
        reverse("accounts:welcome"),
        {
            "accept_guidelines": "on",
            "time_zone": "Europe/Dublin",
            "language": "en",
            "country": "IE",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Europe/Dublin"
    assert user.country == "IE"
    assert user.guidelines_version == settings.GUIDELINES_VERSION
    acceptance = GuidelinesAcceptance.objects.get(user=user)
    assert acceptance.version == settings.GUIDELINES_VERSION
    assert acceptance.accepted_at is not None
    assert client.get("/").status_code == 200
    client.post(reverse("account_logout"))
    assert not client.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated
    response = client.post(
        reverse("account_login"), {"login": "fern@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "Morning Fern" in client.get("/").content.decode()


def test_onboarding_refuses_without_accepting_guidelines(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(onboarded=False)
    client.force_login(user)
    response = client.post(
        reverse("accounts:welcome"),
        {"time_zone": "Europe/Dublin", "language": "en", "country": "IE"},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    user.refresh_from_db()
    assert user.needs_onboarding


def test_onboarding_rejects_an_invalid_time_zone(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(onboarded=False)
    client.force_login(user)
    response = client.post(
        reverse("accounts:welcome"),
        {"accept_guidelines": "on", "time_zone": "Mars/Olympus", "language": "en", "country": "IE"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_new_guidelines_version_asks_members_again(
    client: Client, member: User, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.GUIDELINES_VERSION = "2099-01"
    client.force_login(member)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:welcome") in response["Location"]


def test_signup_keeps_what_was_typed_when_a_field_is_invalid(client: Client) -> None:
    response = _signup(client, display_name="Admin", password2="something-else-entirely")
    assert response.status_code == 200  # allauth re-renders the form
    html = response.content.decode()
    assert "That name is reserved" in html
    assert 'value="fern@example.org"' in html
    assert 'value="Admin"' in html
    assert not User.objects.filter(email="fern@example.org").exists()


def test_signup_refuses_a_look_alike_of_an_existing_name(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(display_name="Morning Fern")
    response = _signup(client, display_name="M0rning_Fern", email="other@example.org")
    assert response.status_code == 200
    assert "looks very like it, is taken" in response.content.decode()


def test_signup_escapes_html_in_names(client: Client) -> None:
    response = _signup(client, display_name="<b>bold</b>")
    html = response.content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.parametrize("field", ["display_name", "email"])
def test_signup_rejects_over_long_fields(client: Client, field: str) -> None:
    response = _signup(client, **{field: "x" * 5000 + ("@example.org" if field == "email" else "")})
    assert response.status_code == 200
    assert not User.objects.exists()


def test_an_expired_or_forged_verification_link_is_a_clear_404(client: Client) -> None:
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 404
    assert "expired or is invalid" in response.content.decode()
    response = client.post("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 404
    assert not User.objects.exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client: Client, member: User) -> None:
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", body)
    assert link
    page = client.get(link.group(1), follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    response = client.post(
        action, {"password1": "another-Long-passphrase-2", "password2": "another-Long-passphrase-2"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another-Long-passphrase-2")


def test_password_reset_for_an_unknown_address_does_not_reveal_it(client: Client) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    # Prevent enumeration: the page says the same thing; the mail tells the owner no account exists.
    assert len(mail.outbox) <= 1


def test_an_empty_signup_form_names_every_missing_field(client: Client) -> None:
    response = client.post(reverse("account_signup"), {})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required") >= 3
    assert not User.objects.exists()


def test_staff_with_two_factor_are_asked_for_a_code_at_login(
    client: Client, moderator: User
) -> None:
    from personas import totp_code

    response = client.post(
        reverse("account_login"), {"login": moderator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get("/").wsgi_request.user.is_authenticated
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert not client.get("/").wsgi_request.user.is_authenticated
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == moderator
