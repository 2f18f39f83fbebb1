"""Consent-scoped reads for clinicians. Every function here re-checks consent at call time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peerhaven.accounts.models import AuditEvent, Consent, ConsentPurpose, User
from peerhaven.clinical.models import SCOPE_ATTENDANCE, SCOPE_RISK_FLAGS, SCOPE_SAFETY_PLAN
from peerhaven.clinical.permissions import check_verified_clinician


def active_consents(clinician: User) -> QuerySet[Consent]:
    now = timezone.now()
    return (
        Consent.objects.filter(
            grantee=clinician,
            purpose=ConsentPurpose.CLINICAL_SHARING,
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("user")
        .order_by("user__display_name", "-granted_at")
    )


def clients_for_clinician(clinician: User) -> list[Consent]:
    """One active consent per client (the newest)."""
    check_verified_clinician(clinician)
    seen: set[int] = set()
    result = []
    for consent in active_consents(clinician):
        if consent.user_id not in seen:
            seen.add(consent.user_id)
            result.append(consent)
    return result


def get_client_for_clinician(clinician: User, client_id: int) -> Consent:
    """The client's active consent to this clinician, or 404 for every other case.

    Missing client, another clinician's client, expired or revoked consent, unverified
    clinician: all the same 404, so a response never reveals whether a client exists.
    """
    check_verified_clinician(clinician)
    consent = active_consents(clinician).filter(user_id=client_id).first()
    if consent is None:
        raise Http404
    return consent


@dataclass
class InstrumentSummary:
    instrument_id: str
    title: str
    points: list[dict[str, Any]] = field(default_factory=list)
    latest: dict[str, Any] | None = None
    baseline: dict[str, Any] | None = None
    change: Any = None


@dataclass
class ClientSummary:
    client: User
    consent: Consent
    instruments: list[InstrumentSummary]
    risk_flags: list[dict[str, Any]] | None
    attendance: dict[str, Any] | None
    safety_plan: Any
    scope: list[str]


def completed_responses(client: User, instrument_ids: list[str]) -> QuerySet[Any]:
    from peerhaven.outcomes.models import Response

    return Response.objects.filter(
        member=client, status="complete", instrument_id__in=instrument_ids
    ).order_by("completed_at", "pk")


@dataclass(frozen=True)
class _Row:
    member_id: int
    instrument_id: str
    completed_at: Any
    total: float | None
    safety_level: str
    flags: list[str] = field(default_factory=list)


def summarise_many(consents: list[Consent]) -> list[ClientSummary]:
    """Dashboard summaries: one query for every client's scores, and only the first and the
    latest score per instrument are kept (the dashboard shows the latest and the change)."""
    from peerhaven.outcomes.instruments import shipped_definitions
    from peerhaven.outcomes.models import Response

    definitions = shipped_definitions()
    wanted = Q(pk__in=[])
    for consent in consents:
        ids = [s for s in (consent.scope or []) if s in definitions]
        wanted |= Q(member_id=consent.user_id, instrument_id__in=ids)
    rows = (
        Response.objects.filter(wanted)
        .filter(Q(status="complete") | ~Q(safety_level="none"))
        .order_by("completed_at", "pk")
        .values_list(
            "member_id", "instrument_id", "status", "completed_at", "total", "safety_level"
        )
    )
    grouped: dict[tuple[int, str], list[Any]] = defaultdict(list)
    flagged: dict[int, int] = defaultdict(int)
    for member_id, instrument_id, status, completed_at, total, level in rows.iterator(
        chunk_size=5000
    ):
        if level != "none":
            flagged[member_id] += 1
        # Only scores: a response without a total (a skipped item) would otherwise stand in
        # for the first or the latest score and show a clinician a stale "latest".
        if status != "complete" or total is None:
            continue
        row = _Row(member_id, instrument_id, completed_at, total, level)
        bucket = grouped[(member_id, instrument_id)]
        if len(bucket) < 2:
            bucket.append(row)
        else:
            bucket[1] = row
    return [
        summarise(consent, preloaded=grouped, with_extras=False, flag_counts=flagged)
        for consent in consents
    ]


def summarise(
    consent: Consent,
    *,
    preloaded: dict[tuple[int, str], list[Any]] | None = None,
    with_extras: bool = True,
    flag_counts: dict[int, int] | None = None,
) -> ClientSummary:
    """What the consent's scope allows, computed now (so a revocation applies at once)."""
    from peerhaven.outcomes.instruments import describe_change, shipped_definitions

    if not consent.is_active():
        raise Http404
    client = consent.user
    scope = list(consent.scope or [])
    definitions = shipped_definitions()
    instrument_ids = [s for s in scope if s in definitions]
    by_instrument: dict[str, list[Any]] = defaultdict(list)
    if preloaded is None:
        for response in completed_responses(client, instrument_ids):
            by_instrument[response.instrument_id].append(response)
    else:
        for instrument_id in instrument_ids:
            by_instrument[instrument_id] = preloaded.get((client.pk, instrument_id), [])
    summaries = []
    for instrument_id in instrument_ids:
        defn = definitions[instrument_id]
        responses = by_instrument.get(instrument_id, [])
        summary = InstrumentSummary(instrument_id=instrument_id, title=defn.title)
        summary.points = [
            {
                "date": r.completed_at,
                "total": r.total,
                "band": _band_label(defn, r.total),
                "flags": r.flags,
            }
            for r in responses
        ]
        scored = [p for p in summary.points if p["total"] is not None]
        if scored:
            summary.baseline, summary.latest = scored[0], scored[-1]
            if len(scored) > 1:
                # A clinician reads this about their client: "Their score ...", not "Your".
                summary.change = describe_change(
                    defn, scored[0]["total"], scored[-1]["total"], reader="clinician"
                )
        summaries.append(summary)
    risk_flags = None
    if SCOPE_RISK_FLAGS in scope:
        if flag_counts is not None:  # the dashboard shows how many, not which
            risk_flags = [{"level": "flag"}] * flag_counts.get(client.pk, 0)
        else:
            risk_flags = _risk_flags(client, instrument_ids)
    attendance = _attendance(client) if with_extras and SCOPE_ATTENDANCE in scope else None
    safety_plan = _safety_plan(client) if with_extras and SCOPE_SAFETY_PLAN in scope else None
    return ClientSummary(
        client=client,
        consent=consent,
        instruments=summaries,
        risk_flags=risk_flags,
        attendance=attendance,
        safety_plan=safety_plan,
        scope=scope,
    )


def _band_label(defn: Any, total: float | None) -> str:
    band = defn.band_for(total)
    return str(band.label) if band is not None else ""


def _risk_flags(client: User, instrument_ids: list[str]) -> list[dict[str, Any]]:
    """Item-9 and screener flags from outcome responses (never message content).

    A check-in left unfinished after a positive item 9 (often right after the screener) still
    raised its flag, so it counts; its answers and scores are never shown.
    """
    from peerhaven.outcomes.models import Response

    flagged = (
        Response.objects.filter(member=client, instrument_id__in=instrument_ids)
        .exclude(safety_level="none")
        .annotate(flagged_at=Coalesce("completed_at", "updated_at"))
    )
    return [
        {"date": r.flagged_at, "instrument": r.instrument_id, "level": r.safety_level}
        for r in flagged.order_by("-flagged_at", "-pk")[:20]
    ]


def _attendance(client: User) -> dict[str, Any] | None:
    try:
        from peerhaven.groups.models import Attendance
    except ImportError:
        return None
    return {"meetings_attended": Attendance.objects.filter(user=client).count()}


def _safety_plan(client: User) -> Any:
    try:
        from peerhaven.safety.models import SafetyPlan
    except ImportError:
        return None
    return SafetyPlan.objects.filter(user=client).first()


#: The audit actions that are a clinician looking at a client's results, as the client reads
#: them. The client's own actions about sharing (accepting an invitation, registering as a
#: clinician) are not "a clinician looking" and are left out.
CLINICIAN_ACCESS: dict[str, Promise] = {
    "clinical.results.read": _("looked at your results"),
    "clinical.fhir.export": _("downloaded your results (FHIR)"),
}


@dataclass(frozen=True)
class AccessEntry:
    at: Any
    clinician: str
    description: str


def clinician_access(client: User, *, limit: int = 50) -> list[AccessEntry]:
    """The latest times a clinician read this client's results, newest first, in words."""
    events = (
        AuditEvent.objects.filter(subject=client, action__in=list(CLINICIAN_ACCESS))
        .exclude(actor=client)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        AccessEntry(
            at=e.created_at,
            clinician=e.actor.display_name if e.actor else "",
            description=str(CLINICIAN_ACCESS[e.action]),
        )
        for e in events
    ]
