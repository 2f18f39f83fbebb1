from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import PersonalAccessToken, Role, User

pytestmark = pytest.mark.django_db


def test_profile_page_saves_and_escapes_user_text(member_client: Client, member: User) -> None:
    response = member_client.post(
        reverse("accounts:profile"),
        {
            "form": "profile",
            "display_name": "Quiet Harbor",
            "pronouns": "",
            "bio": "<script>x()</script>",
        },
    )
    assert response.status_code == 302
    html = member_client.get(reverse("accounts:member", args=["Quiet Harbor"])).content.decode()
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_a_public_profile_never_shows_the_email_address(
    member_client: Client, outsider: User
) -> None:
    html = member_client.get(
        reverse("accounts:member", args=[outsider.display_name])
    ).content.decode()
    assert outsider.display_name in html
    assert outsider.email not in html


def test_profiles_are_for_signed_in_members_only(client: Client, member: User) -> None:
    response = client.get(reverse("accounts:member", args=[member.display_name]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_invalid_profile_keeps_what_was_typed(member_client: Client) -> None:
    bio = "A long story. " * 50
    response = member_client.post(
        reverse("accounts:profile"),
        {"form": "profile", "display_name": "Quiet Harbor", "pronouns": "they", "bio": bio},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 500 characters" in html
    assert "A long story." in html


def test_preferences_reject_an_invalid_time_zone(member_client: Client) -> None:
    response = member_client.post(
        reverse("accounts:profile"),
        {"form": "preferences", "time_zone": "Not/AZone", "language": "en", "country": "GB"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_forged_csrf_is_rejected(member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, member)
    response = client.post(
        reverse("accounts:profile"),
        {"form": "profile", "display_name": "Hijacked Name", "bio": ""},
    )
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Quiet Harbor"


def test_token_page_shows_the_secret_once_and_revokes(member_client: Client, member: User) -> None:
    response = member_client.post(
        reverse("accounts:tokens"), {"name": "laptop", "expires_in_days": 30}
    )
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(user=member)
    html = response.content.decode()
    assert f"ph_{token.prefix}_" in html
    again = member_client.get(reverse("accounts:tokens")).content.decode()
    assert f"ph_{token.prefix}_" not in again.replace(f"<code>ph_{token.prefix}</code>", "")
    response = member_client.post(reverse("accounts:revoke_token", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_can_revoke_another_members_token(
    client: Client, member: User, outsider: User
) -> None:
    from peerhaven.accounts.services import create_token

    token = create_token(user=member, name="mine").token
    login(client, outsider)
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_can_revoke_another_members_consent(
    client: Client, member: User, outsider: User, clinician: User
) -> None:
    from peerhaven.accounts.services import grant_consent

    consent = grant_consent(user=member, purpose="clinical_sharing", grantee=clinician)
    login(client, outsider)
    assert client.post(reverse("accounts:revoke_consent", args=[consent.pk])).status_code == 404
    login(client, clinician)
    assert client.post(reverse("accounts:revoke_consent", args=[consent.pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["accounts:staff_people", "accounts:staff_audit"])
def test_staff_pages_are_not_found_for_members_and_outsiders(
    client: Client, member: User, url_name: str
) -> None:
    login(client, member)
    assert client.get(reverse(url_name)).status_code == 404
    client.logout()
    assert client.get(reverse(url_name)).status_code == 302


def test_staff_without_two_factor_are_sent_to_set_it_up(client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(roles=(Role.ADMIN,), two_factor=False)
    login(client, admin)
    for url in (reverse("accounts:staff_people"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_an_admin_with_two_factor_manages_roles_and_verifies_clinicians(
    admin_client: Client, member: User
) -> None:
    assert admin_client.get(reverse("accounts:staff_people")).status_code == 200
    url = reverse("accounts:staff_change_role", args=[member.pk])
    assert admin_client.post(url, {"role": "clinician", "action": "grant"}).status_code == 302
    assert admin_client.post(url, {"role": "clinician", "action": "verify"}).status_code == 302
    assert User.objects.get(pk=member.pk).is_verified_clinician
    assert admin_client.post(url, {"role": "clinician", "action": "bogus"}).status_code == 400


def test_staff_people_page_has_a_constant_query_count(
    admin_client: Client, make_user, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        make_user(roles=(Role.PEER_SUPPORTER,), two_factor=False)
    with django_assert_max_num_queries(16):
        response = admin_client.get(reverse("accounts:staff_people"))
    assert response.status_code == 200
