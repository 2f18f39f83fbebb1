"""The clinical API: the same consent checks as the web, every read audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from peerhaven.accounts import audit
from peerhaven.api.auth import auth_user
from peerhaven.clinical import queries
from peerhaven.clinical.fhir import build_bundle

router = Router(tags=["clinical"])


class ClientOut(Schema):
    id: int
    display_name: str
    scope: list[str]
    sharing_until: datetime | None


class PointOut(Schema):
    date: datetime
    total: float | None
    band: str


class InstrumentOut(Schema):
    instrument_id: str
    title: str
    points: list[PointOut]
    change_summary: str | None
    reliable: bool | None


class ResultsOut(Schema):
    client_id: int
    instruments: list[InstrumentOut]


@router.get("/clients", response=list[ClientOut], summary="Clients sharing with me")
def list_clients(request: HttpRequest) -> list[ClientOut]:
    consents = queries.clients_for_clinician(auth_user(request))
    audit.record(actor=auth_user(request), action="clinical.clients.list", request=request)
    return [
        ClientOut(
            id=c.user_id,
            display_name=c.user.display_name,
            scope=c.scope,
            sharing_until=c.expires_at,
        )
        for c in consents
    ]


@router.get(
    "/clients/{client_id}/results", response=ResultsOut, summary="A client's shared results"
)
def client_results(request: HttpRequest, client_id: int) -> ResultsOut:
    consent = queries.get_client_for_clinician(auth_user(request), client_id)
    summary = queries.summarise(consent)
    audit.record(
        actor=auth_user(request),
        action="clinical.results.read",
        subject=consent.user,
        request=request,
    )
    return ResultsOut(
        client_id=client_id,
        instruments=[
            InstrumentOut(
                instrument_id=s.instrument_id,
                title=s.title,
                points=[
                    PointOut(date=p["date"], total=p["total"], band=p["band"]) for p in s.points
                ],
                change_summary=s.change.summary if s.change else None,
                reliable=s.change.reliable if s.change else None,
            )
            for s in summary.instruments
        ],
    )


@router.get("/clients/{client_id}/fhir", summary="A client's shared results as a FHIR R4 Bundle")
def client_fhir(request: HttpRequest, client_id: int) -> dict[str, Any]:
    consent = queries.get_client_for_clinician(auth_user(request), client_id)
    bundle = build_bundle(consent)
    audit.record(
        actor=auth_user(request),
        action="clinical.fhir.export",
        subject=consent.user,
        request=request,
    )
    return bundle
