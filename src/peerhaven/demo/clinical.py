"""Demo clinical data: a small organisations directory and one client sharing with a clinician."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from peerhaven.accounts.models import Consent, ConsentPurpose
from peerhaven.clinical.models import ClinicianProfile, Organisation, Referral, ReferralStatus
from peerhaven.clinical.services import hash_code
from peerhaven.demo.people import DemoContext

ORGANISATIONS = [
    ("Harbour Light Peer Network", "peer_support", "Peer-led groups\nOne-to-one peer mentoring"),
    ("Riverside Community Wellbeing Hub", "community_agency", "Benefits advice\nHousing support"),
    ("Northside Talking Therapies", "clinic", "Guided self-help\nCBT groups"),
    ("Evening Line Listening Service", "crisis_service", "Listening line, evenings\nText chat"),
]


def load_clinical(ctx: DemoContext) -> None:
    for name, kind, services in ORGANISATIONS:
        Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "services": services,
                "description": "An invented organisation in the Peerhaven demo.",
                "country": "GB",
                "accessibility": "Step-free access; sessions online too.",
            },
        )
    ctx.tick(1)
    clinician, client = ctx.users["clinician"], ctx.users["member"]
    ClinicianProfile.objects.get_or_create(
        user=clinician,
        defaults={
            "profession": "Clinical psychologist",
            "licence_number": "DEMO-0001",
            "organisation_name": "Northside Talking Therapies",
        },
    )
    now = timezone.now()
    if not Consent.objects.filter(
        user=client, grantee=clinician, purpose=ConsentPurpose.CLINICAL_SHARING
    ).exists():
        consent = Consent.objects.create(
            user=client,
            grantee=clinician,
            purpose=ConsentPurpose.CLINICAL_SHARING,
            scope=["gad7", "phq9", "attendance", "risk_flags"],
            granted_at=now - timedelta(days=40),
            expires_at=now + timedelta(days=140),
            text_version="clinical-sharing-1",
        )
        Referral.objects.create(
            clinician=clinician,
            client=client,
            code_hash=hash_code("DEMO-USED-CODE"),
            label="Demo client A",
            target="group",
            status=ReferralStatus.ATTENDING,
            expires_at=now - timedelta(days=26),
            used_at=now - timedelta(days=40),
            consent=consent,
            created_at=now - timedelta(days=41),
        )
    ctx.tick(1)
