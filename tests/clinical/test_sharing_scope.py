"""What a clinician sees follows the client's latest choice: a second invitation from the same
clinician replaces the first sharing, and an export withholds what the scope leaves out."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import Consent, Role, User
from peerhaven.accounts.services import revoke_consent
from peerhaven.clinical import services
from peerhaven.clinical.fhir import DATA_ABSENT_REASON

from .conftest import phq9

pytestmark = pytest.mark.django_db


def _accept(clinician: User, client: User, scope: list[str], days: int = 180) -> Consent:
    created = services.create_referral(clinician=clinician, target="group", label="J.D.")
    return services.accept_referral(
        code=created.code, client=client, scope=scope, duration_days=days
    )


def test_a_second_invitation_from_the_same_clinician_replaces_the_first(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1))
    broad = _accept(clinician, member, ["phq9", "gad7", "risk_flags"], days=365)
    narrow = _accept(clinician, member, ["phq9"], days=30)
    broad.refresh_from_db()
    assert broad.revoked_at is not None
    active = Consent.objects.filter(user=member, grantee=clinician, revoked_at__isnull=True)
    assert list(active) == [narrow]

    # Stopping the sharing the client chose last stops it: nothing older comes back.
    revoke_consent(consent=narrow, actor=member)
    login(client, clinician)
    assert client.get(reverse("clinical:client", args=[member.pk])).status_code == 404


def test_sharing_with_another_clinician_is_left_alone(
    clinician: User, member: User, make_user
) -> None:  # type: ignore[no-untyped-def]
    other = make_user(display_name="Bright Alder", roles=(Role.CLINICIAN,))
    first = _accept(clinician, member, ["phq9"])
    _accept(other, member, ["phq9"])
    first.refresh_from_db()
    assert first.revoked_at is None


def test_the_invitation_page_says_it_replaces_the_current_sharing(
    client: Client, clinician: User, member: User
) -> None:
    created = services.create_referral(clinician=clinician, target="group", label="x")
    login(client, member)
    page = client.get(reverse("clinical:accept_code", args=[created.code])).content.decode()
    assert "You already share" not in page
    _accept(clinician, member, ["phq9"])
    page = client.get(reverse("clinical:accept_code", args=[created.code])).content.decode()
    assert "You already share with" in page and "Accepting replaces that" in page


def _item9(clinician: User, member: User, client: Client) -> dict[str, object]:
    login(client, clinician)
    data = json.loads(client.get(reverse("clinical:client_fhir", args=[member.pk])).content)
    qr = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    QuestionnaireResponse.model_validate(qr)
    return next(item for item in qr["item"] if item["linkId"] == "phq9_9")


def test_the_export_withholds_item_9_without_the_safety_flags_scope(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1, item9=3))
    _accept(clinician, member, ["phq9"])
    item = _item9(clinician, member, client)
    assert "answer" not in item
    assert item["extension"] == [{"url": DATA_ABSENT_REASON, "valueCode": "masked"}]


def test_item_9_cannot_be_worked_out_from_the_total(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    """Total 11 and items 1-8 at 1 each would give item 9 = 3: every answer of the
    questionnaire is withheld with it, and the total stays."""
    make_response(member, "phq9", phq9(1, item9=3))
    _accept(clinician, member, ["phq9"])
    login(client, clinician)
    data = json.loads(client.get(reverse("clinical:client_fhir", args=[member.pk])).content)
    resources = [e["resource"] for e in data["entry"]]
    [qr] = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert len(qr["item"]) == 9
    assert all("answer" not in item for item in qr["item"])
    [total] = [r for r in resources if r["resourceType"] == "Observation"]
    assert total["valueInteger"] == 11


def test_a_questionnaire_without_a_safety_item_keeps_its_answers(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "gad7", {f"gad7_{i}": 1 for i in range(1, 8)})
    _accept(clinician, member, ["gad7"])
    login(client, clinician)
    data = json.loads(client.get(reverse("clinical:client_fhir", args=[member.pk])).content)
    [qr] = [
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert all("answer" in item for item in qr["item"])


def test_the_export_carries_item_9_with_the_safety_flags_scope(
    client: Client, clinician: User, member: User, make_response
) -> None:  # type: ignore[no-untyped-def]
    make_response(member, "phq9", phq9(1, item9=3))
    _accept(clinician, member, ["phq9", "risk_flags"])
    item = _item9(clinician, member, client)
    assert item["answer"][0]["valueCoding"]["display"] == "Nearly every day"
    assert "extension" not in item
