"""Brute-force lockout, rate limits, security headers, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from personas import PASSWORD, login

from peerhaven.accounts.models import User

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_lock_the_account(client: Client, member: User) -> None:
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": member.email, "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(url, {"login": member.email, "password": PASSWORD})
    assert response.status_code in {200, 429}
    assert "Too many failed login attempts" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_lockout_does_not_block_other_accounts(
    client: Client, member: User, outsider: User
) -> None:
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": member.email, "password": "wrong-password"})
    response = client.post(url, {"login": outsider.email, "password": PASSWORD})
    assert response.status_code == 302


def test_signups_are_rate_limited_per_address(client: Client) -> None:
    url = reverse("account_signup")
    statuses = []
    for i in range(12):
        response = client.post(
            url,
            {
                "display_name": f"Rate Test {i}",
                "email": f"rate{i}@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [302] * 10
    assert statuses[-1] == 429


def test_password_resets_are_rate_limited(client: Client, member: User) -> None:
    url = reverse("account_reset_password")
    statuses = [client.post(url, {"email": member.email}).status_code for _ in range(5)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[-1] == 429


def test_every_page_sends_security_headers(client: Client) -> None:
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_passwords_are_hashed_with_argon2_outside_tests(settings) -> None:  # type: ignore[no-untyped-def]
    assert "Argon2PasswordHasher" in "".join(settings.PASSWORD_HASHERS[:2])


def _manage(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "PEERHAVEN_TESTING", "DEBUG"}
    }
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "peerhaven", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _manage(
        {
            "PEERHAVEN_ENV": "production",
            "SECRET_KEY": "k" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
            "ALLOWED_HOSTS": "peerhaven.example.org",
            "PEERHAVEN_VAR_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _manage(
        {"PEERHAVEN_ENV": "production", "SECRET_KEY": "", "PEERHAVEN_VAR_DIR": str(tmp_path)},
        "check",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_staff_read_of_an_account_in_django_admin_is_audited(
    client: Client, member: User, make_user: Callable[..., User]
) -> None:
    from peerhaven.accounts.models import AuditEvent, Role

    superuser = make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)
    login(client, superuser)
    assert client.get(f"/admin/accounts/user/{member.pk}/change/").status_code == 200
    [event] = AuditEvent.objects.filter(action="accounts.admin.read")
    assert (event.actor, event.subject) == (superuser, member)
    client.get("/admin/accounts/user/")  # the list shows names only: not a read of one account
    assert AuditEvent.objects.filter(action="accounts.admin.read").count() == 1
