"""FHIR R4 export of a client's consented outcome results.

A Bundle (type "collection") with one Patient, and for each completed response in scope a
QuestionnaireResponse (answers coded with LOINC answer codes where the instrument has them) and
an Observation for its total (LOINC where it exists, otherwise a Peerhaven code). The Patient is
pseudonymous unless the client chose to share identifiers.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings

from peerhaven.accounts.models import Consent
from peerhaven.clinical.models import SCOPE_IDENTIFIERS, SCOPE_RISK_FLAGS

LOINC = "http://loinc.org"
# FHIR's standard way to say a value exists but is withheld ("masked": privacy or security).
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
LOCAL_SYSTEM = "https://peerhaven.org/fhir/CodeSystem/instrument"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def _uuid(*parts: object) -> str:
    """Stable ids: the same response exports to the same resource id every time."""
    digest = hashlib.sha256(("|".join(str(p) for p in parts)).encode()).hexdigest()
    return str(uuid.UUID(digest[:32]))


def _iso(value: Any) -> str:
    return str(value.isoformat())


def pseudonym(consent: Consent) -> str:
    """A per-clinician pseudonym: two clinicians cannot link their exports by it."""
    raw = f"{settings.SECRET_KEY}|{consent.grantee_id}|{consent.user_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def build_bundle(consent: Consent) -> dict[str, Any]:
    from peerhaven.clinical.queries import completed_responses
    from peerhaven.outcomes.instruments import shipped_definitions

    client = consent.user
    definitions = shipped_definitions()
    instrument_ids = [s for s in (consent.scope or []) if s in definitions]
    patient_id = _uuid("patient", consent.grantee_id, client.pk)
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [
            {"system": f"{settings.SITE_URL}/fhir/pseudonym", "value": pseudonym(consent)}
        ],
    }
    if SCOPE_IDENTIFIERS in (consent.scope or []):
        patient["name"] = [{"text": client.display_name}]
        patient["telecom"] = [{"system": "email", "value": client.email}]
    entries: list[dict[str, Any]] = [_entry(patient)]
    subject = {"reference": f"urn:uuid:{patient_id}"}
    shares_flags = SCOPE_RISK_FLAGS in (consent.scope or [])
    for response in completed_responses(client, instrument_ids):
        defn = definitions[response.instrument_id]
        qr_id = _uuid("qr", response.pk)
        # The answer a safety flag reads (PHQ-9 item 9) is that flag: without the "safety
        # flags" scope it is withheld, marked as such so it does not read as unanswered. Every
        # other answer of that questionnaire is withheld with it, or the total minus the
        # answers shown would give it away; the total stays (the web shows totals only).
        safety_items = {f.when.item for f in defn.flags if f.kind == "safety" and f.when.item}
        mask_all = bool(safety_items) and not shares_flags
        items = []
        for item in defn.items:
            value = (response.answers or {}).get(item.id)
            if value is None:
                continue
            if mask_all:
                items.append(
                    {
                        "linkId": item.id,
                        "text": item.text,
                        "extension": [{"url": DATA_ABSENT_REASON, "valueCode": "masked"}],
                    }
                )
                continue
            option = next((o for o in item.option_set.options if o.value == value), None)
            answer: dict[str, Any]
            if option is not None and option.loinc:
                answer = {
                    "valueCoding": {"system": LOINC, "code": option.loinc, "display": option.label}
                }
            else:
                answer = {"valueInteger": int(value)}
            # QuestionnaireResponse items carry no code; the item's LOINC code is its linkId's
            # meaning in the LOINC panel, so we keep our own id as linkId.
            items.append({"linkId": item.id, "text": item.text, "answer": [answer]})
        questionnaire = (
            f"http://loinc.org/q/{defn.loinc_panel}"
            if defn.loinc_panel
            else f"{LOCAL_SYSTEM}/{defn.id}|{defn.version}"
        )
        entries.append(
            _entry(
                {
                    "resourceType": "QuestionnaireResponse",
                    "id": qr_id,
                    "questionnaire": questionnaire,
                    "status": "completed",
                    "subject": subject,
                    "authored": _iso(response.completed_at),
                    "item": items,
                }
            )
        )
        if response.total is None:
            continue
        code = (
            {"system": LOINC, "code": defn.total.loinc, "display": f"{defn.title} total score"}
            if defn.total.loinc
            else {
                "system": LOCAL_SYSTEM,
                "code": f"{defn.id}.total",
                "display": f"{defn.title} total",
            }
        )
        total = response.total
        measured: dict[str, Any] = (
            {"valueInteger": int(total)}
            if float(total).is_integer()
            else {
                "valueQuantity": {
                    "value": total,
                    "unit": "{score}",
                    "system": "http://unitsofmeasure.org",
                    "code": "{score}",
                }
            }
        )
        entries.append(
            _entry(
                {
                    "resourceType": "Observation",
                    "id": _uuid("obs", response.pk),
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": OBSERVATION_CATEGORY,
                                    "code": "survey",
                                    "display": "Survey",
                                }
                            ]
                        }
                    ],
                    "code": {"coding": [code], "text": f"{defn.title} total"},
                    "subject": subject,
                    "effectiveDateTime": _iso(response.completed_at),
                    **measured,
                    "derivedFrom": [{"reference": f"urn:uuid:{qr_id}"}],
                }
            )
        )
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "entry": entries,
    }


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
