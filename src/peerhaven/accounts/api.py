"""The ``me``, ``profiles`` and ``tokens`` API endpoints."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import Throttled

from peerhaven.accounts import ratelimit, services
from peerhaven.accounts.models import PersonalAccessToken, Role, User
from peerhaven.api.errors import ApiError

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    display_name: str
    pronouns: str
    bio: str
    email: str
    roles: list[str]
    time_zone: str
    language: str
    country: str
    onboarded: bool
    verified_clinician: bool


class ProfileIn(Schema):
    display_name: str | None = None
    pronouns: str | None = None
    bio: str | None = None


class PublicProfileOut(Schema):
    display_name: str
    pronouns: str
    bio: str
    peer_supporter: bool


class TokenIn(Schema):
    name: str
    expires_in_days: int = 90


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str


def _me(user: User) -> MeOut:
    return MeOut(
        id=user.pk,
        display_name=user.display_name,
        pronouns=user.pronouns,
        bio=user.bio,
        email=user.email,
        roles=sorted(user.roles),
        time_zone=user.time_zone,
        language=user.language,
        country=user.country,
        onboarded=not user.needs_onboarding,
        verified_clinician=user.is_verified_clinician,
    )


@router.get("/me", response=MeOut, summary="The signed-in member")
def get_me(request: HttpRequest) -> MeOut:
    return _me(request.auth)  # type: ignore[attr-defined]


@router.patch("/me/profile", response=MeOut, summary="Change my public profile")
def patch_profile(request: HttpRequest, payload: ProfileIn) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    services.update_profile(
        user=user,
        display_name=payload.display_name
        if payload.display_name is not None
        else user.display_name,
        pronouns=payload.pronouns if payload.pronouns is not None else user.pronouns,
        bio=payload.bio if payload.bio is not None else user.bio,
    )
    return _me(user)


@router.get("/profiles/{display_name}", response=PublicProfileOut, summary="A member's profile")
def get_profile(request: HttpRequest, display_name: str) -> PublicProfileOut:
    member = get_object_or_404(
        User.objects.prefetch_related("role_assignments"), display_name=display_name, is_active=True
    )
    return PublicProfileOut(
        display_name=member.display_name,
        pronouns=member.pronouns,
        bio=member.bio,
        peer_supporter=member.has_role(Role.PEER_SUPPORTER),
    )


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def list_tokens(request: HttpRequest) -> list[PersonalAccessToken]:
    return list(PersonalAccessToken.objects.filter(user=request.auth))  # type: ignore[attr-defined]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    user: User = request.auth  # type: ignore[attr-defined]
    if getattr(user, "authenticated_by_token", False):
        raise ApiError(403, "session_required", "Create tokens from your account page.")
    if not ratelimit.hit("token-create", str(user.pk), limit=10, window=3600):
        raise Throttled(ratelimit.retry_after(3600))
    created = services.create_token(
        user=user, name=payload.name, expires_in_days=payload.expires_in_days
    )
    out = TokenCreatedOut(**TokenOut.from_orm(created.token).dict(), secret=created.secret)
    return Status(201, out)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def delete_token(request: HttpRequest, token_id: int) -> Status:
    token = get_object_or_404(PersonalAccessToken, pk=token_id, user=request.auth)  # type: ignore[attr-defined]
    services.revoke_token(token=token, actor=request.auth)  # type: ignore[attr-defined]
    return Status(204, None)
