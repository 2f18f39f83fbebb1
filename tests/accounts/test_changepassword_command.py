"""``peerhaven changepassword`` revokes the person's API tokens, as a new password on the web does."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from peerhaven.accounts.models import AuditEvent, User
from peerhaven.accounts.services import create_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new passphrase 7"


def change_password(user: User, answers: list[str]) -> str:
    out = StringIO()
    with mock.patch("getpass.getpass", side_effect=answers):
        call_command("changepassword", user.email, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_revokes_api_tokens_and_says_so(member: User, client: Client) -> None:
    token = create_token(user=member, name="phone").secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/me", **headers).status_code == 200

    said = change_password(member, [NEW_PASSWORD, NEW_PASSWORD])

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert "Revoked 1 API token(s)" in said
    assert client.get("/api/me", **headers).status_code == 401
    event = AuditEvent.objects.get(action="accounts.token.revoke_all")
    assert event.subject_id == member.pk
    assert event.detail["reason"] == "changepassword"


def test_a_refused_change_keeps_the_tokens(member: User, client: Client) -> None:
    token = create_token(user=member, name="phone").secret

    with pytest.raises(CommandError):
        change_password(member, ["one thing", "another"] * 3)

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/me", **headers).status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.token.revoke_all").exists()
