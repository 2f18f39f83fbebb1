from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from peerhaven.accounts import services
from peerhaven.accounts.models import AuditEvent, Consent, ConsentPurpose, Role, User
from peerhaven.accounts.permissions import can_use_staff_role

pytestmark = pytest.mark.django_db


def test_every_account_is_a_member_and_can_hold_several_roles(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(roles=(Role.PEER_SUPPORTER, Role.MODERATOR))
    assert user.roles == {"member", "peer_supporter", "moderator"}


def test_granting_the_member_role_is_refused(member: User) -> None:
    with pytest.raises(ValidationError):
        services.grant_role(user=member, role=Role.MEMBER, actor=None)


def test_only_an_admin_with_two_factor_can_grant_roles(make_user, member: User) -> None:  # type: ignore[no-untyped-def]
    no_2fa_admin = make_user(roles=(Role.ADMIN,), two_factor=False)
    with pytest.raises(PermissionDenied):
        services.grant_role(user=member, role=Role.MODERATOR, actor=no_2fa_admin)
    with pytest.raises(PermissionDenied):
        services.grant_role(user=member, role=Role.MODERATOR, actor=member)


def test_role_changes_are_audited(admin: User, member: User) -> None:
    services.grant_role(user=member, role=Role.PEER_SUPPORTER, actor=admin)
    services.revoke_role(user=member, role=Role.PEER_SUPPORTER, actor=admin)
    actions = list(AuditEvent.objects.filter(subject=member).values_list("action", flat=True))
    assert "accounts.role.grant" in actions
    assert "accounts.role.revoke" in actions
    assert User.objects.get(pk=member.pk).roles == {"member"}


def test_staff_features_need_the_role_and_two_factor(make_user) -> None:  # type: ignore[no-untyped-def]
    without = make_user(roles=(Role.MODERATOR,), two_factor=False)
    with_2fa = make_user(roles=(Role.MODERATOR,), two_factor=True)
    assert not can_use_staff_role(without, Role.MODERATOR)
    assert can_use_staff_role(with_2fa, Role.MODERATOR)
    assert not can_use_staff_role(with_2fa, Role.ADMIN)


def test_clinicians_are_verified_only_by_an_admin(make_user, admin: User, moderator: User) -> None:  # type: ignore[no-untyped-def]
    clinician = make_user(roles=())
    services.grant_role(user=clinician, role=Role.CLINICIAN, actor=admin)
    assert not User.objects.get(pk=clinician.pk).is_verified_clinician
    with pytest.raises(PermissionDenied):
        services.verify_clinician(clinician=clinician, actor=moderator)
    services.verify_clinician(clinician=clinician, actor=admin)
    assert User.objects.get(pk=clinician.pk).is_verified_clinician
    assert AuditEvent.objects.filter(action="accounts.clinician.verify", subject=clinician).exists()


def test_verifying_someone_who_is_not_a_clinician_is_refused(admin: User, member: User) -> None:
    with pytest.raises(ValidationError):
        services.verify_clinician(clinician=member, actor=admin)


def test_consent_is_active_until_revoked_or_expired(member: User, clinician: User) -> None:
    consent = services.grant_consent(
        user=member,
        purpose=ConsentPurpose.CLINICAL_SHARING,
        grantee=clinician,
        scope=["phq9", "attendance"],
        duration=timedelta(days=180),
    )
    assert consent.is_active()
    assert consent.covers("phq9")
    assert not consent.covers("safety_plan")
    assert not consent.is_active(at=timezone.now() + timedelta(days=181))
    services.revoke_consent(consent=consent, actor=member)
    assert not Consent.objects.get(pk=consent.pk).is_active()
    assert not Consent.objects.get(pk=consent.pk).covers("phq9")


def test_only_the_person_who_consented_can_revoke(member: User, clinician: User) -> None:
    consent = services.grant_consent(
        user=member, purpose=ConsentPurpose.CLINICAL_SHARING, grantee=clinician
    )
    with pytest.raises(PermissionDenied):
        services.revoke_consent(consent=consent, actor=clinician)


def test_tokens_are_stored_hashed_and_authenticate_until_revoked(member: User) -> None:
    created = services.create_token(user=member, name="laptop", expires_in_days=30)
    assert created.secret.startswith("ph_")
    assert created.secret not in created.token.token_hash
    assert services.authenticate_token(created.secret) == member
    services.revoke_token(token=created.token, actor=member)
    assert services.authenticate_token(created.secret) is None


@pytest.mark.parametrize(
    "secret", ["", "ph_", "Bearer x", "ph_" + "a" * 500, "not-a-token", "ph_deadbeef_wrong"]
)
def test_malformed_tokens_authenticate_nobody(member: User, secret: str) -> None:
    services.create_token(user=member, name="laptop")
    assert services.authenticate_token(secret) is None


def test_expired_tokens_and_inactive_users_authenticate_nobody(member: User) -> None:
    created = services.create_token(user=member, name="short", expires_in_days=1)
    created.token.expires_at = timezone.now() - timedelta(seconds=1)
    created.token.save()
    assert services.authenticate_token(created.secret) is None
    other = services.create_token(user=member, name="other")
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert services.authenticate_token(other.secret) is None


@pytest.mark.parametrize(("name", "days"), [("", 30), ("x" * 61, 30), ("ok", 0), ("ok", 999)])
def test_token_creation_validates_its_input(member: User, name: str, days: int) -> None:
    with pytest.raises(ValidationError):
        services.create_token(user=member, name=name, expires_in_days=days)


def test_profile_updates_are_screened_and_validated(member: User) -> None:
    services.update_profile(user=member, display_name="New Name", pronouns="they/them", bio="Hi")
    member.refresh_from_db()
    assert (member.display_name, member.pronouns, member.bio) == ("New Name", "they/them", "Hi")
    with pytest.raises(ValidationError):
        services.update_profile(user=member, display_name="New Name", bio="x" * 501)


def test_profile_update_calls_the_safety_entry_point(member: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def fake_screen(*, text: str, kind: str, author: object = None):  # type: ignore[no-untyped-def]
        seen.append(kind)
        from peerhaven.safety.gate import GateOutcome

        return GateOutcome(level="none")

    reported: list[str] = []
    monkeypatch.setattr(services, "screen_user_text", fake_screen)
    monkeypatch.setattr(
        services, "report_outcome", lambda **kwargs: reported.append(kwargs["kind"])
    )
    services.update_profile(user=member, display_name=member.display_name, bio="Some news")
    assert seen == ["profile"]
    assert reported == ["profile"]


@pytest.mark.parametrize(
    ("start", "end", "now_local", "quiet"),
    [
        (time(22), time(7), time(23, 30), True),
        (time(22), time(7), time(6, 59), True),
        (time(22), time(7), time(7, 0), False),
        (time(22), time(7), time(12), False),
        (time(13), time(14), time(13, 30), True),
        (time(13), time(14), time(14, 30), False),
    ],
)
def test_quiet_hours_are_read_in_the_members_time_zone(
    member: User, start: time, end: time, now_local: time, quiet: bool
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    member.time_zone = "Asia/Kolkata"
    member.quiet_hours_start, member.quiet_hours_end = start, end
    at = datetime.combine(datetime(2026, 3, 29).date(), now_local, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert services.in_quiet_hours(member, at) is quiet


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Nowhere/Land"), ("language", "xx"), ("country", "ZZ")],
)
def test_preferences_reject_values_outside_the_lists(member: User, field: str, value: str) -> None:
    values = {"time_zone": "UTC", "language": "en", "country": "GB", field: value}
    with pytest.raises(ValidationError):
        services.update_preferences(user=member, **values)
