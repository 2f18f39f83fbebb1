"""Own your data: export everything, erase leaving no personal data behind."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts import services
from peerhaven.accounts.models import AuditEvent, ConsentPurpose, User
from peerhaven.accounts.privacy import EraseMode, erase_member, registered_sections
from peerhaven.notifications.services import notify

pytestmark = pytest.mark.django_db


def _rich_member(make_user, clinician: User) -> User:  # type: ignore[no-untyped-def]
    user = make_user(
        display_name="Amber Willow",
        email="amber.willow@example.org",
        pronouns="she/her",
        bio="I write poems about rain.",
    )
    services.grant_consent(
        user=user, purpose=ConsentPurpose.CLINICAL_SHARING, grantee=clinician, scope=["phq9"]
    )
    services.create_token(user=user, name="my phone")
    notify(recipient=user, kind="system", title="Welcome aboard", body="Glad you are here.")
    # Other people's notifications that name the person (rendered text, not a foreign key).
    notify(
        recipient=clinician,
        kind="clinical",
        title="Amber Willow accepted your invitation",
        body="amber.willow@example.org can now be reached through Peerhaven.",
        url="/members/Amber%20Willow/",
    )
    return user


def test_export_contains_everything_held_about_the_member(
    client: Client, make_user, clinician: User
) -> None:  # type: ignore[no-untyped-def]
    user = _rich_member(make_user, clinician)
    AuditEvent.objects.create(actor=clinician, action="clinical.results.read", subject=user)
    login(client, user)
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    account = data["account"]
    assert account["profile"]["display_name"] == "Amber Willow"
    assert account["profile"]["bio"] == "I write poems about rain."
    assert account["private"]["email"] == "amber.willow@example.org"
    assert account["email_addresses"][0]["verified"] is True
    assert account["guidelines_acceptances"] == [] or account["guidelines_acceptances"]
    assert account["consents"][0]["scope"] == ["phq9"]
    assert account["consents"][0]["grantee"] == clinician.display_name
    assert account["api_tokens"][0]["name"] == "my phone"
    assert "token_hash" not in json.dumps(account["api_tokens"])
    assert any(e["action"] == "clinical.results.read" for e in account["access_log"])
    assert data["notifications"]["notifications"][0]["title"] == "Welcome aboard"
    # Every registered section is in the export.
    assert set(registered_sections()) <= set(data)


def test_export_needs_a_post_so_it_cannot_be_triggered_by_a_link(member_client: Client) -> None:
    assert member_client.get(reverse("accounts:export")).status_code == 405


def _database_dump() -> str:
    out = StringIO()
    call_command(
        "dumpdata",
        exclude=["contenttypes", "auth.permission", "sessions"],
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.parametrize("mode", [EraseMode.ANONYMISE, EraseMode.REMOVE])
def test_erasure_leaves_no_personal_data_behind(
    make_user, clinician: User, mode: EraseMode
) -> None:  # type: ignore[no-untyped-def]
    user = _rich_member(make_user, clinician)
    AuditEvent.objects.create(actor=clinician, action="clinical.results.read", subject=user)
    user_id = user.pk
    before = _database_dump()
    assert "amber.willow@example.org" in before
    erase_member(user=user, mode=mode)
    after = _database_dump()
    for personal in ("amber.willow@example.org", "Amber Willow", "poems about rain", "my phone"):
        assert personal not in after, personal
    assert not User.objects.filter(pk=user_id).exists()
    # The audit trail keeps what happened, without the person.
    assert AuditEvent.objects.filter(action="clinical.results.read", subject=None).exists()
    assert AuditEvent.objects.filter(action="accounts.erase").exists()
    # The clinician's notification stays, naming nobody.
    note = clinician.notifications.get(kind="clinical")
    assert note.title == "A former member accepted your invitation"
    assert note.body == "A former member can now be reached through Peerhaven."
    assert note.url == ""


def test_erasing_from_the_page_needs_the_display_name_and_logs_out(
    member_client: Client, member: User
) -> None:
    url = reverse("accounts:erase")
    response = member_client.post(url, {"mode": "anonymise", "confirm_display_name": "wrong"})
    assert response.status_code == 400
    assert "That is not your display name" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    response = member_client.post(
        url, {"mode": "remove", "confirm_display_name": member.display_name}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert not member_client.get("/").wsgi_request.user.is_authenticated


def test_members_see_who_accessed_their_data(
    member_client: Client, member: User, clinician: User
) -> None:
    AuditEvent.objects.create(actor=clinician, action="clinical.results.read", subject=member)
    html = member_client.get(reverse("accounts:privacy")).content.decode()
    assert clinician.display_name in html
    assert "clinical.results.read" in html
