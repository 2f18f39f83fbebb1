"""Review s6: sign-in paths that must not skip two-factor authentication."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from personas import PASSWORD, login

from peerhaven.accounts.models import AuditEvent, ConsentPurpose, Role, User
from peerhaven.accounts.services import grant_consent

pytestmark = pytest.mark.django_db


def test_django_admin_login_cannot_sign_staff_in_without_their_second_factor(
    client: Client, admin: User
) -> None:
    # A programme admin (is_staff, TOTP set up) posting only a password to the admin's own
    # login form must not end up signed in: that would skip the TOTP step of allauth's login.
    client.post(
        "/admin/login/?next=/admin/",
        {"username": admin.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/people/").status_code != 200


def test_a_staff_read_of_members_consents_in_django_admin_is_audited(
    client: Client, member: User, clinician: User, make_user: Callable[..., User]
) -> None:
    # Who shares results with which clinician says who is in treatment: a sensitive read.
    consent = grant_consent(
        user=member, purpose=ConsentPurpose.CLINICAL_SHARING, grantee=clinician, scope=["phq9"]
    )
    superuser = make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)
    login(client, superuser)
    assert client.get(f"/admin/accounts/consent/{consent.pk}/change/").status_code == 200
    assert AuditEvent.objects.filter(
        action="accounts.admin.read", actor=superuser, subject=member
    ).exists()
    AuditEvent.objects.filter(action="accounts.admin.read").delete()
    assert client.get("/admin/accounts/consent/").status_code == 200
    assert AuditEvent.objects.filter(
        action="accounts.admin.read", actor=superuser, subject=member
    ).exists()


def test_the_admins_delete_page_listing_a_members_records_is_audited(
    client: Client, member: User, make_user: Callable[..., User]
) -> None:
    superuser = make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)
    login(client, superuser)
    assert client.get(f"/admin/accounts/user/{member.pk}/delete/").status_code == 200
    assert AuditEvent.objects.filter(
        action="accounts.admin.read", actor=superuser, subject=member
    ).exists()
