"""Clinical integration: verification, referrals, consent-scoped results, FHIR, revocation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import AuditEvent, Consent, Role, User
from peerhaven.accounts.services import create_token, revoke_consent
from peerhaven.clinical import services
from peerhaven.clinical.models import Referral

from .conftest import phq9

pytestmark = pytest.mark.django_db


def _share(clinician: User, client: User, scope: list[str], days: int = 180) -> Consent:
    created = services.create_referral(clinician=clinician, target="group", label="J.D.")
    return services.accept_referral(
        code=created.code, client=client, scope=scope, duration_days=days
    )


def test_a_member_registers_as_a_clinician_and_waits_for_verification(
    client: Client, member: User
) -> None:
    login(client, member)
    response = client.post(
        reverse("clinical:register"),
        {"profession": "Psychologist", "licence_number": "PSY-123", "organisation_name": "Clinic"},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=member.pk)
    assert user.has_role(Role.CLINICIAN) and not user.is_verified_clinician
    # A clinician must set up two-factor authentication before anything else.
    response = client.get(reverse("clinical:dashboard"))
    assert response["Location"] == reverse("mfa_activate_totp")
    from allauth.mfa.totp.internal.auth import TOTP
    from personas import TOTP_SECRET

    TOTP.activate(user, TOTP_SECRET)
    page = client.get(reverse("clinical:dashboard")).content.decode()
    assert "waiting for an admin to verify" in page
    assert client.get(reverse("clinical:referrals")).status_code == 404


def test_unverified_clinicians_cannot_refer(make_user) -> None:  # type: ignore[no-untyped-def]
    unverified = make_user(two_factor=True)
    services.register_clinician(
        user=unverified, profession="GP", licence_number="1", organisation_name=""
    )
    with pytest.raises(Exception) as info:
        services.create_referral(clinician=unverified, target="group")
    assert info.type.__name__ == "Http404"


def test_referral_codes_are_one_use_and_expire(
    clinician: User, member: User, outsider: User
) -> None:
    created = services.create_referral(clinician=clinician, target="mentoring")
    assert Referral.objects.get().code_hash != created.code
    services.accept_referral(
        code=created.code.lower(), client=member, scope=["phq9"], duration_days=90
    )
    with pytest.raises(ValidationError, match="already been used"):
        services.accept_referral(code=created.code, client=outsider, scope=[], duration_days=90)
    expired = services.create_referral(clinician=clinician, target="group")
    Referral.objects.filter(pk=expired.referral.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.accept_referral(code=expired.code, client=outsider, scope=[], duration_days=90)
    with pytest.raises(ValidationError, match="not valid"):
        services.accept_referral(code="AAAA-BBBB-CCCC", client=outsider, scope=[], duration_days=90)


def test_a_clinician_cannot_accept_their_own_invitation(clinician: User) -> None:
    created = services.create_referral(clinician=clinician, target="group")
    with pytest.raises(ValidationError, match="your own"):
        services.accept_referral(code=created.code, client=clinician, scope=[], duration_days=90)


def test_unknown_scopes_and_durations_are_refused(clinician: User, member: User) -> None:
    created = services.create_referral(clinician=clinician, target="group")
    with pytest.raises(ValidationError):
        services.accept_referral(
            code=created.code, client=member, scope=["messages"], duration_days=90
        )
    with pytest.raises(ValidationError):
        services.accept_referral(code=created.code, client=member, scope=["phq9"], duration_days=7)
    assert Referral.objects.get().used_at is None


def test_client_accepts_in_the_browser_flow_and_clinician_sees_scoped_results(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(2, item9=1), days_ago=60)
    make_response(member, "phq9", phq9(1), days_ago=1)
    make_response(member, "gad7", {f"gad7_{i}": 1 for i in range(1, 8)}, days_ago=1)
    created = services.create_referral(clinician=clinician, target="group", label="case 7")
    login(client, member)
    response = client.post(reverse("clinical:accept"), {"code": created.code})
    assert response.status_code == 302
    response = client.post(response["Location"], {"scope": ["phq9"], "duration_days": "180"})
    assert response.status_code == 302
    consent = Consent.objects.get(user=member, grantee=clinician)
    assert consent.scope == ["phq9"]
    login(client, clinician)
    page = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    assert "PHQ-9" in page or "Patient Health Questionnaire" in page
    assert "Generalized Anxiety" not in page and "GAD-7" not in page  # not in scope
    assert "Safety flags" not in page  # risk flags not granted
    assert AuditEvent.objects.filter(
        actor=clinician, subject=member, action="clinical.results.read"
    ).exists()


def test_risk_flags_show_only_when_that_scope_is_granted(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(2, item9=2))
    _share(clinician, member, ["phq9", "risk_flags"])
    login(client, clinician)
    page = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    assert "Safety flags" in page
    assert "ideation" in page


@pytest.mark.parametrize(
    "case", ["revoked", "expired", "other_clinician", "missing", "unverified", "no_2fa", "member"]
)
def test_every_refusal_looks_the_same(
    client: Client, make_user, clinician: User, member: User, make_response, case: str
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1))
    consent = _share(clinician, member, ["phq9"])
    viewer, client_id = clinician, member.pk
    if case == "revoked":
        revoke_consent(consent=consent, actor=member)
    elif case == "expired":
        Consent.objects.filter(pk=consent.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif case == "other_clinician":
        viewer = make_user(roles=(Role.CLINICIAN,))
    elif case == "missing":
        client_id = 999999
    elif case == "unverified":
        viewer = make_user(two_factor=True)
        services.register_clinician(
            user=viewer, profession="GP", licence_number="9", organisation_name=""
        )
    elif case == "no_2fa":
        viewer = make_user(roles=(Role.CLINICIAN,), two_factor=False)
    elif case == "member":
        viewer = make_user()
    login(client, viewer)
    urls = [
        reverse("clinical:client", args=[client_id]),
        reverse("clinical:client_fhir", args=[client_id]),
    ]
    for url in urls:
        response = client.get(url)
        if case == "no_2fa":
            assert response.status_code == 302  # sent to set up two-factor first
            assert response["Location"] == reverse("mfa_activate_totp")
        else:
            assert response.status_code == 404, url
            assert member.display_name not in response.content.decode()
    token = create_token(user=viewer, name="t").secret
    for path in (
        f"/api/clinical/clients/{client_id}/results",
        f"/api/clinical/clients/{client_id}/fhir",
    ):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_revocation_takes_effect_on_the_next_request(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1))
    consent = _share(clinician, member, ["phq9"])
    login(client, clinician)
    assert client.get(reverse("clinical:client", args=[member.pk])).status_code == 200
    login(client, member)
    assert client.post(reverse("accounts:revoke_consent", args=[consent.pk])).status_code == 302
    login(client, clinician)
    assert client.get(reverse("clinical:client", args=[member.pk])).status_code == 404
    assert member.display_name not in client.get(reverse("clinical:dashboard")).content.decode()


def test_fhir_bundle_validates_with_fhir_resources(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.observation import Observation
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    make_response(member, "phq9", phq9(2), days_ago=30)
    make_response(member, "phq9", phq9(1), days_ago=1)
    # With the safety-flags scope: without it, PHQ-9's answers are withheld (test_sharing_scope).
    _share(clinician, member, ["phq9", "risk_flags"])
    login(client, clinician)
    response = client.get(reverse("clinical:client_fhir", args=[member.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("QuestionnaireResponse") == 2 and kinds.count("Observation") == 2
    observation = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    Observation.model_validate(observation)
    assert observation["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "44261-6",
        "display": observation["code"]["coding"][0]["display"],
    }
    assert observation["valueInteger"] == 16
    qr = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    QuestionnaireResponse.model_validate(qr)
    assert qr["questionnaire"] == "http://loinc.org/q/44249-1"
    assert (
        qr["item"][0]["answer"][0]["valueCoding"]["code"] == "LA6570-1"
    )  # "More than half the days"
    patient = data["entry"][0]["resource"]
    assert "name" not in patient and "telecom" not in patient  # pseudonymous by default
    assert member.email not in response.content.decode()


def test_identifiers_are_exported_only_when_shared(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1))
    _share(clinician, member, ["phq9", "identifiers"])
    login(client, clinician)
    data = json.loads(client.get(reverse("clinical:client_fhir", args=[member.pk])).content)
    assert data["entry"][0]["resource"]["name"] == [{"text": member.display_name}]


def test_the_client_sees_who_looked(client: Client, clinician: User, member: User) -> None:
    _share(clinician, member, ["phq9"])
    login(client, clinician)
    client.get(reverse("clinical:client", args=[member.pk]))
    login(client, member)
    page = client.get(reverse("clinical:sharing")).content.decode()
    assert clinician.display_name in page
    # In words, not the audit log's code (see test_staff_walk_fixes.py).
    assert "looked at your results" in page
    assert "clinical.results.read" not in page


def test_changing_what_is_shared_applies_at_once(
    client: Client, clinician: User, member: User
) -> None:
    consent = _share(clinician, member, ["phq9", "risk_flags"])
    login(client, member)
    response = client.post(reverse("clinical:sharing_edit", args=[consent.pk]), {"scope": ["gad7"]})
    assert response.status_code == 302
    active = Consent.objects.get(user=member, grantee=clinician, revoked_at__isnull=True)
    assert active.scope == ["gad7"]
    assert (
        active.expires_at is not None
        and abs((active.expires_at - consent.expires_at).total_seconds()) < 5
    )


def test_nobody_else_can_edit_a_clients_sharing(
    client: Client, clinician: User, member: User, outsider: User
) -> None:
    consent = _share(clinician, member, ["phq9"])
    for viewer in (outsider, clinician):
        login(client, viewer)
        assert (
            client.post(
                reverse("clinical:sharing_edit", args=[consent.pk]), {"scope": []}
            ).status_code
            == 404
        )


def test_dashboard_query_count_is_constant(
    client: Client, clinician: User, make_user, make_response, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(15):
        person = make_user()
        make_response(person, "phq9", phq9(1), days_ago=10)
        make_response(person, "phq9", phq9(2))
        _share(clinician, person, ["phq9", "risk_flags"])
    login(client, clinician)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("clinical:dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count("<section") >= 15


def test_the_directory_is_for_signed_in_people(client: Client, member: User) -> None:
    from peerhaven.clinical.models import Organisation

    org = Organisation.objects.create(
        name="Harbour Peer Network", kind="peer_support", services="Groups\nMentoring"
    )
    assert client.get(reverse("clinical:directory")).status_code == 302
    login(client, member)
    assert "Harbour Peer Network" in client.get(reverse("clinical:directory")).content.decode()
    page = client.get(reverse("clinical:organisation", args=[org.pk])).content.decode()
    assert "Mentoring" in page


def test_referral_page_shows_the_code_once(client: Client, clinician: User) -> None:
    login(client, clinician)
    response = client.post(
        reverse("clinical:referrals"), {"target": "group", "valid_days": "14", "label": "R1"}
    )
    assert response.status_code == 200
    assert 'id="invitation-code"' in response.content.decode()
    again = client.get(reverse("clinical:referrals")).content.decode()
    assert 'id="invitation-code"' not in again
    response = client.post(
        reverse("clinical:referrals"), {"target": "nowhere", "valid_days": "999"}
    )
    assert response.status_code == 400


def test_invalid_codes_get_a_clear_page(client: Client, member: User) -> None:
    login(client, member)
    response = client.get(reverse("clinical:accept_code", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    response = client.post(reverse("clinical:accept"), {"code": "x"})
    assert response.status_code == 400


def test_the_safety_plan_is_shown_only_with_that_scope(
    client: Client, clinician: User, member: User
) -> None:
    from peerhaven.safety.models import SafetyPlan

    SafetyPlan.objects.create(user=member, warning_signs="Not sleeping", people_to_ask="My sister")
    consent = _share(clinician, member, ["phq9"])
    login(client, clinician)
    page = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    assert "Not sleeping" not in page
    login(client, member)
    client.post(
        reverse("clinical:sharing_edit", args=[consent.pk]), {"scope": ["phq9", "safety_plan"]}
    )
    login(client, clinician)
    page = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    assert "Not sleeping" in page and "My sister" in page


def test_changing_credentials_after_verification_needs_a_new_verification(clinician: User) -> None:
    services.register_clinician(
        user=clinician, profession="Psychologist", licence_number="NEW-1", organisation_name="X"
    )
    assert not User.objects.get(pk=clinician.pk).is_verified_clinician


def test_risk_flags_come_only_from_shared_instruments(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(2, item9=2))
    _share(clinician, member, ["gad7", "risk_flags"])
    login(client, clinician)
    page = client.get(reverse("clinical:client", args=[member.pk])).content.decode()
    assert "phq9: ideation" not in page
