"""The outcomes API: instruments, definitions, submitting a response, my own results.

Responses belong to the member who gave them; no endpoint returns anyone else's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import Throttled

from peerhaven.accounts import ratelimit
from peerhaven.api.errors import ApiError
from peerhaven.api.pagination import Page, keyset_page
from peerhaven.outcomes import services
from peerhaven.outcomes.instruments import InstrumentDefinition, describe_change
from peerhaven.outcomes.models import Response

router = Router(tags=["outcomes"])
#: Submissions per member per hour: far above any person's use, low enough to stop a runaway client.
SUBMIT_LIMIT = 120


class InstrumentOut(Schema):
    id: str
    version: str
    title: str
    short_title: str
    description: str
    items: int
    enabled: bool


class OptionOut(Schema):
    value: int
    label: str
    loinc: str | None = None


class ItemOut(Schema):
    id: str
    text: str
    scored: bool
    reverse_keyed: bool
    loinc: str | None = None
    options: list[OptionOut]


class BandOut(Schema):
    id: str
    label: str
    meaning: str
    min: float
    max: float


class DefinitionOut(Schema):
    id: str
    version: str
    title: str
    short_title: str
    description: str
    stem: str
    higher_is_worse: bool
    enabled: bool
    items: list[ItemOut]
    total_min: float
    total_max: float
    bands: list[BandOut]
    clinical_cutoff: float | None
    citation: str
    licence: str


class SubmitIn(Schema):
    instrument: str
    # Checked answer by answer in services (integers in the option set, or null), so that a
    # malformed answer is named in the 422 and cannot hide a valid positive safety answer.
    answers: dict[str, Any]
    idempotency_key: str = ""
    context: str = ""


class ChangeOut(Schema):
    baseline: float
    difference: float
    direction: str
    status: str
    reliable: bool | None
    crossed_cutoff: bool
    summary: str


class SafetyOut(Schema):
    level: str
    help_url: str
    screener_url: str


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class RefusedOut(Schema):
    """A refused submission. ``safety`` is there when a valid positive safety answer in it
    opened the safety flow anyway: show the crisis resources, as for a stored response."""

    error: ErrorOut
    safety: SafetyOut | None = None


class ResultOut(Schema):
    id: int
    instrument: str
    version: str
    context: str
    completed_at: datetime | None
    answers: dict[str, int]
    total: float | None
    subscales: dict[str, float | None]
    band: str | None
    band_label: str | None
    flags: list[str]
    change_since_baseline: ChangeOut | None = None
    safety: SafetyOut | None = None


def _instrument(defn: InstrumentDefinition, enabled: bool) -> InstrumentOut:
    return InstrumentOut(
        id=defn.id,
        version=defn.version,
        title=defn.title,
        short_title=defn.short_title,
        description=defn.description,
        items=len(defn.items),
        enabled=enabled,
    )


def _change(response: Response, baseline: Response | None) -> ChangeOut | None:
    if baseline is None or baseline.pk == response.pk or response.total is None:
        return None
    if baseline.total is None:
        return None
    defn = services.definition(response.instrument_id)
    change = describe_change(defn, baseline.total, response.total)
    return ChangeOut(
        baseline=change.baseline,
        difference=change.difference,
        direction=change.direction,
        status=change.status,
        reliable=change.reliable,
        crossed_cutoff=change.crossed_cutoff,
        summary=change.summary,
    )


def _safety(response: Response | None) -> SafetyOut | None:
    """Where the member finds crisis support, when this response opened the safety flow."""
    if response is None or response.safety_level == "none":
        return None
    return SafetyOut(
        level=response.safety_level,
        help_url=reverse("help"),
        screener_url=reverse("outcomes:screener", args=[response.pk]),
    )


def _result(response: Response, baseline: Response | None) -> ResultOut:
    defn = services.definition(response.instrument_id)
    band = next((b for b in defn.bands if b.id == response.band), None)
    return ResultOut(
        id=response.pk,
        instrument=response.instrument_id,
        version=response.instrument_version,
        context=response.context,
        completed_at=response.completed_at,
        answers=response.answers,
        total=response.total,
        subscales=response.subscales,
        band=band.id if band else None,
        band_label=band.label if band else None,
        flags=response.flags,
        change_since_baseline=_change(response, baseline),
        safety=_safety(response),
    )


def _baselines(user: Any, instrument_ids: set[str]) -> dict[str, Response]:
    """The first scored response per instrument: one query for a page of results."""
    found: dict[str, Response] = {}
    rows = Response.objects.filter(
        member_id=user.pk,
        instrument_id__in=instrument_ids,
        status=Response.Status.COMPLETE,
        total__isnull=False,
    ).order_by("instrument_id", "completed_at", "pk")
    # Few instruments, one early row each; distinct("field") would be PostgreSQL-only.
    for instrument_id in instrument_ids:
        first = rows.filter(instrument_id=instrument_id).first()
        if first is not None:
            found[instrument_id] = first
    return found


@router.get("/instruments", response=list[InstrumentOut], summary="Questionnaires switched on")
def list_instruments(request: HttpRequest) -> list[InstrumentOut]:
    enabled = services.enabled_map()
    return [_instrument(d, True) for i, d in services.definitions().items() if enabled[i]]


@router.get("/instruments/{instrument_id}", response=DefinitionOut, summary="One definition")
def get_instrument(request: HttpRequest, instrument_id: str) -> DefinitionOut:
    try:
        defn = services.definition(instrument_id)
    except ValidationError:
        raise ApiError(404, "not_found", "There is no instrument with that id.") from None
    return DefinitionOut(
        id=defn.id,
        version=defn.version,
        title=defn.title,
        short_title=defn.short_title,
        description=defn.description,
        stem=defn.stem,
        higher_is_worse=defn.higher_is_worse,
        enabled=services.is_enabled(defn.id),
        items=[
            ItemOut(
                id=item.id,
                text=item.text,
                scored=item.scored,
                reverse_keyed=item.reverse_keyed,
                loinc=item.loinc,
                options=[
                    OptionOut(value=o.value, label=o.label, loinc=o.loinc)
                    for o in item.option_set.options
                ],
            )
            for item in defn.items
        ],
        total_min=defn.total.minimum,
        total_max=defn.total.maximum,
        bands=[
            BandOut(id=b.id, label=b.label, meaning=b.meaning, min=b.min, max=b.max)
            for b in defn.bands
        ],
        clinical_cutoff=None if defn.clinical_cutoff is None else defn.clinical_cutoff.value,
        citation=defn.citation,
        licence=defn.licence.text,
    )


@router.post(
    "/responses",
    response={200: ResultOut, 201: ResultOut, 422: RefusedOut},
    summary="Submit a complete response (idempotent by key)",
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status:
    """Scores the answers and stores them. The same ``idempotency_key`` again returns the
    stored response with status 200 and stores nothing. A disabled instrument, an unknown item
    or an answer outside the option set gives 422 with a code and nothing is stored; bad
    answers are each named in ``error.fields``. A positive safety answer (PHQ-9 item 9) in a
    refused submission still reaches the safety team, once, also when the instrument is
    switched off or the answer was malformed (``"2"``), and the 422 then carries ``safety``
    (show the crisis resources) as a stored response would."""
    user = request.auth  # type: ignore[attr-defined]
    if not ratelimit.hit("outcomes-submit", str(user.pk), limit=SUBMIT_LIMIT, window=3600):
        raise Throttled(ratelimit.retry_after(3600))
    try:
        stored, created = services.submit_response(
            user=user,
            instrument_id=payload.instrument,
            answers=payload.answers,
            idempotency_key=payload.idempotency_key,
            context=payload.context,
            request=request,
        )
    except services.RefusedSubmissionError as exc:
        refused = RefusedOut(
            error=ErrorOut(
                code=str(exc.code),
                message=" ".join(exc.messages),
                fields={name: [message] for name, message in exc.bad.items()},
            ),
            safety=_safety(exc.safety_response),
        )
        return Status(422, refused)
    except ValidationError as exc:
        raise ApiError(422, str(exc.code or "invalid"), " ".join(exc.messages)) from None
    baseline = _baselines(user, {stored.instrument_id}).get(stored.instrument_id)
    return Status(201 if created else 200, _result(stored, baseline))


@router.get("/responses", response=Page[ResultOut], summary="My results, newest first")
def list_results(
    request: HttpRequest,
    instrument: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    qs = Response.objects.filter(member_id=user.pk, status=Response.Status.COMPLETE)
    if instrument:
        qs = qs.filter(instrument_id=instrument)
    page = keyset_page(qs, cursor=cursor, limit=limit, serialize=lambda r: r)
    rows: list[Response] = page["items"]
    baselines = _baselines(user, {r.instrument_id for r in rows})
    page["items"] = [_result(r, baselines.get(r.instrument_id)) for r in rows]
    return page


@router.get("/responses/{response_id}", response=ResultOut, summary="One of my results")
def get_result(request: HttpRequest, response_id: int) -> ResultOut:
    user = request.auth  # type: ignore[attr-defined]
    stored = Response.objects.filter(
        pk=response_id, member_id=user.pk, status=Response.Status.COMPLETE
    ).first()
    if stored is None:
        raise ApiError(404, "not_found", "Not found.")
    baseline = _baselines(user, {stored.instrument_id}).get(stored.instrument_id)
    return _result(stored, baseline)
